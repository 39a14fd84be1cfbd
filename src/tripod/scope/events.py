"""How the scope domain's business events read on an activity timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.core.timeline import register_event_label
from tripod.scope.models import Confirmation, Requirement


def _status_change(data: dict[str, Any]) -> str:
    labels = dict(Requirement.Status.choices)
    return f"{labels.get(data.get('from'), data.get('from'))} → {labels.get(data.get('to'), data.get('to'))}"


def _confirmation(data: dict[str, Any]) -> str:
    channels = dict(Confirmation.Channel.choices)
    contact = data.get("contact_name", "")
    channel = channels.get(data.get("channel"), data.get("channel", ""))
    return " · ".join(str(part) for part in (contact, channel) if part)


def _task(data: dict[str, Any]) -> str:
    return str(data.get("task_name", ""))


def _reason(data: dict[str, Any]) -> str:
    return str(data.get("reason", ""))


EVENT_LABELS = {
    "requirement.captured": (_("captured the requirement"), None),
    "requirement.clarified": (_("marked the requirement clarified"), _status_change),
    "requirement.confirmed": (_("recorded the client's confirmation"), _confirmation),
    "requirement.reconfirmation_needed": (_("changed what was confirmed; it must be confirmed again"), _status_change),
    "requirement.scoped_in": (_("put the requirement in the contract's scope"), _reason),
    "requirement.scoped_out": (_("put the requirement out of the contract's scope"), _reason),
    "requirement.delivered": (_("marked the requirement delivered"), _status_change),
    "requirement.accepted": (_("recorded the client's acceptance"), _confirmation),
    "requirement.acceptance_refused": (_("recorded that the client did not accept the delivery"), _reason),
    "requirement.rejected": (_("rejected the requirement"), _reason),
    "requirement.withdrawn": (_("recorded that the client withdrew the requirement"), _reason),
    "requirement.trace_added": (_("linked the requirement to a WBS task"), _task),
    "requirement.trace_removed": (_("unlinked the requirement from a WBS task"), _task),
}


def register() -> None:
    for verb, (label, describe) in EVENT_LABELS.items():
        register_event_label(verb, label, describe=describe)


def _decision(data: dict[str, Any]) -> str:
    from tripod.scope.models import Approval

    roles = dict(Approval.Role.choices)
    decisions = dict(Approval.Decision.choices)
    parts = (roles.get(data.get("role"), ""), decisions.get(data.get("decision"), ""), data.get("comment", ""))
    return " · ".join(str(part) for part in parts if part)


def _reference(data: dict[str, Any]) -> str:
    return str(data.get("reference", ""))


def _error(data: dict[str, Any]) -> str:
    return str(data.get("error", ""))


CHANGE_REQUEST_EVENT_LABELS = {
    "change_request.raised": (_("raised the change request"), _reference),
    "change_request.submitted": (_("submitted the change request with its impact"), _reference),
    "change_request.decided": (_("recorded a decision on the change request"), _decision),
    "change_request.approved": (_("approved the change request"), _reference),
    "change_request.rejected": (_("rejected the change request"), _decision),
    "change_request.withdrawn": (_("withdrew the change request"), _reason),
    "change_request.applied": (_("applied the change request to the WBS"), _reference),
    "change_request.apply_failed": (_("could not apply the change request to the WBS"), _error),
    "requirement.scoped_by_change": (_("brought the requirement in scope through a change request"), _reason),
}
EVENT_LABELS.update(CHANGE_REQUEST_EVENT_LABELS)
