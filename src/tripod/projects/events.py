"""How the projects domain's business events read on an activity timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.core.timeline import register_event_label
from tripod.projects.models import Project


def _phase_change(data: dict[str, Any]) -> str:
    labels = dict(Project.Phase.choices)
    return f"{labels.get(data.get('from'), data.get('from'))} → {labels.get(data.get('to'), data.get('to'))}"


def register() -> None:
    register_event_label("project.created", _("created the project"))
    register_event_label("project.phase_changed", _("moved the project to another phase"), describe=_phase_change)
    register_event_label("project.member_added", _("added a member"))
    register_event_label("project.member_removed", _("removed a member"))
