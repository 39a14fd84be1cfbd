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
    register_event_label("project.progress_updated", _("updated progress"))
    register_event_label("assignment.created", _("assigned someone to a task"))
    register_event_label("assignment.updated", _("changed an assignment"))
    register_event_label("assignment.deleted", _("removed an assignment"))
    register_event_label("timesheet.submitted", _("submitted hours"))
    register_event_label("timesheet.approved", _("approved hours"))
    register_event_label("timesheet.returned", _("returned hours"))
    register_event_label("project.gate_held", _("held the project at a phase gate"))
    register_event_label("project.imported", _("imported the plan from Microsoft Project"))
    register_event_label("project.task_statuses_changed", _("changed the board's workflow"))
    register_event_label("status_report.drafted", _("drafted a status report"))
    register_event_label("status_report.published", _("published a status report"))
    register_event_label("status_report.shared", _("shared a status report with the client"))
    register_event_label("status_report.unshared", _("stopped sharing a status report with the client"))
    register_event_label("task.created", _("added a task"))
    register_event_label("task.deleted", _("deleted a task"))
    register_event_label("task.restored", _("restored a task"))
    register_event_label("task.pasted", _("pasted tasks"))
    register_event_label("task.indented", _("indented a task"))
    register_event_label("task.outdented", _("outdented a task"))
    register_event_label("task.moved", _("moved a task"))
    register_event_label("task.status_changed", _("changed a task's status"))
    register_event_label("task.acceptance_changed", _("changed a deliverable's acceptance"))
    register_event_label("task.predecessors_set", _("changed a task's predecessors"))
    register_event_label("dependency.created", _("linked two tasks"))
    register_event_label("dependency.deleted", _("removed a link between tasks"))
    register_event_label("baseline.saved", _("saved a baseline"))
    register_event_label("baseline.renamed", _("renamed a baseline"))
    register_event_label("baseline.deleted", _("deleted a baseline"))
    register_event_label("budget_line.created", _("added a budget line"))
    register_event_label("budget_line.amount_changed", _("changed a budget line"))
    register_event_label("budget_line.deleted", _("deleted a budget line"))
    register_event_label("risk.raised", _("raised a risk"))
    register_event_label("risk.score_changed", _("changed a risk's score"))
    register_event_label("risk.closed", _("closed a risk"))
    register_event_label("risk.reopened", _("reopened a risk"))
    register_event_label("risk.occurred", _("recorded that a risk happened"))
    register_event_label("risk.action_added", _("added a risk response action"))
    register_event_label("risk.action_done", _("completed a risk response action"))
    register_event_label("risk.action_reopened", _("reopened a risk response action"))
    register_event_label("risk.action_deleted", _("deleted a risk response action"))
    register_event_label("issue.raised", _("logged an issue"))
    register_event_label("issue.status_changed", _("changed an issue's status"))
    register_event_label("issue.resolved", _("resolved an issue"))
