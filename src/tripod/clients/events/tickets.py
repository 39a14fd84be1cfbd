"""How ticket and SLA policy events read on an activity timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Ticket
from tripod.clients.selectors.tickets import TARGET_LABELS, business_duration
from tripod.core.timeline import register_event_label


def _choice(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, value or "—"))


def _status_change(data: dict[str, Any]) -> str:
    choices = Ticket.Status.choices
    return f"{_choice(choices, data.get('from'))} → {_choice(choices, data.get('to'))}"


def _severity_change(data: dict[str, Any]) -> str:
    choices = Ticket.Severity.choices
    return f"{_choice(choices, data.get('from'))} → {_choice(choices, data.get('to'))}"


def _sla_target(data: dict[str, Any]) -> str:
    label = TARGET_LABELS.get(data.get("target", ""), "")
    return f"{label}: {business_duration(data.get('elapsed'))} / {business_duration(data.get('target_minutes'))}"


def _first_response(data: dict[str, Any]) -> str:
    return business_duration(data.get("minutes")) if data.get("minutes") is not None else ""


def register() -> None:
    register_event_label(
        "ticket.opened", _("opened the ticket"), describe=lambda d: _choice(Ticket.Severity.choices, d.get("severity"))
    )
    register_event_label("ticket.commented", _("commented"))
    register_event_label("ticket.first_response", _("answered the client for the first time"), describe=_first_response)
    register_event_label("ticket.assigned", _("assigned the ticket"))
    register_event_label("ticket.status_changed", _("changed the status"), describe=_status_change)
    register_event_label("ticket.severity_changed", _("changed the severity"), describe=_severity_change)
    register_event_label("ticket.reopened", _("reopened the ticket"))
    register_event_label("ticket.sla_escalated", _("SLA escalated: the target is near"), describe=_sla_target)
    register_event_label("ticket.sla_breached", _("SLA breached"), describe=_sla_target)
    register_event_label("sla_policy.created", _("created the SLA policy"))
    register_event_label("sla_policy.updated", _("changed the SLA policy"))
