"""Background tasks of projects: thin wrappers that take ids and call services."""

from __future__ import annotations

from django.tasks import task

from tripod.projects.models import Project
from tripod.projects.services.schedule import project_schedule


@task()
def schedule_project(project_id: int) -> int:
    """Schedule a large plan; returns how many tasks' dates changed."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    return project_schedule(project=project, report_progress=True).changed
