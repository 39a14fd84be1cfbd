"""Builders for WBS tests: a project with its PM, and plans built through the real services."""

from __future__ import annotations

from tests.factories import make_user
from tripod.clients.models import Client
from tripod.identity.models import Role
from tripod.projects.models import Project, Task
from tripod.projects.services.wbs_paste import tasks_paste


def make_project(*, pm=None, code: str = "W-1") -> Project:
    pm = pm or make_user(Role.PM)
    client = Client.objects.create(name=f"Client {code}", status=Client.Status.ACTIVE)
    return Project.objects.create(code=code, name=f"Plan {code}", client=client, pm=pm)


def make_plan(project: Project, text: str) -> dict[str, Task]:
    """Paste ``text`` (tab-separated rows, leading tabs indent) as the PM; tasks by name."""
    tasks_paste(actor=project.pm, project=project, text=text)
    return {task.name: task for task in Task.objects.filter(project=project)}


def flat_plan(project: Project, count: int) -> dict[str, Task]:
    """``count`` one-day tasks in a chain (each after the one above)."""
    rows = [f"T{n}\t1d\t8h\t{n - 1 if n > 1 else ''}" for n in range(1, count + 1)]
    return make_plan(project, "\n".join(rows))


def outline(project: Project) -> list[tuple[str, str, str]]:
    """(WBS code, name, kind) of the live tasks in row order."""
    return list(Task.objects.filter(project=project).order_by("position").values_list("wbs_code", "name", "kind"))
