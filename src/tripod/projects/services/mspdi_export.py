"""Export a project as a Microsoft Project XML (MSPDI) file, through the scheduling engine's writer.

The file carries the plan (outline, durations, links, constraints, progress, the project calendar) and, when the
plan schedules, the computed dates, slack and critical flags. People, assignments, costs and rates are not
written: the file is the plan, not the team.
"""

from __future__ import annotations

from typing import Any

from tripod import scheduling as engine
from tripod.core.errors import Forbidden
from tripod.projects.access import can_view_project_internals
from tripod.projects.models import Project
from tripod.projects.services.schedule import engine_project
from tripod.scheduling.mspdi_write import write_mspdi


def project_export_mspdi(*, user: Any, project: Project) -> bytes:
    """The MSPDI XML (UTF-8 bytes) of ``project``; staff who see the project's internals only."""
    if not can_view_project_internals(user, project):
        raise Forbidden()
    model = engine_project(project)
    try:
        result: engine.Schedule | None = engine.schedule(model)
    except engine.SchedulingError:
        result = None  # a plan that does not schedule (a cycle) is still exported, without computed dates
    return write_mspdi(model, result)


def mspdi_filename(project: Project) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in project.code)
    return f"{safe or 'project'}.xml"
