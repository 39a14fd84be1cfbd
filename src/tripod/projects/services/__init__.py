"""Writes of the projects domain, one module per sub-domain (project, wbs, schedule, timesheets, risks, ...)."""

from tripod.projects.services.project import (
    project_create,
    project_member_add,
    project_member_remove,
    project_update,
)

__all__ = ["project_create", "project_member_add", "project_member_remove", "project_update"]
