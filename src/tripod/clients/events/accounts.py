"""How the clients domain's business events read on an activity timeline: clients, business lines, contacts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client, Contact
from tripod.core.timeline import register_event_label


def _status_change(data: dict[str, Any]) -> str:
    labels = dict(Client.Status.choices)
    return f"{labels.get(data.get('from'), data.get('from'))} → {labels.get(data.get('to'), data.get('to'))}"


def _role_change(data: dict[str, Any]) -> str:
    labels = dict(Contact.DecisionRole.choices)
    return f"{labels.get(data.get('from'), data.get('from'))} → {labels.get(data.get('to'), data.get('to'))}"


def _role(data: dict[str, Any]) -> str:
    return str(dict(Contact.DecisionRole.choices).get(data.get("role"), ""))


def register() -> None:
    register_event_label("client.created", _("created the client"))
    register_event_label("client.status_changed", _("changed the status"), describe=_status_change)
    register_event_label("client.account_team_changed", _("changed the account team"))
    register_event_label(
        "client.business_lines_changed",
        _("changed the business lines"),
        describe=lambda data: ", ".join(str(name) for name in data.get("lines", [])),
    )
    register_event_label("client.portal_user_bound", _("gave a client contact access to the portal"))
    register_event_label("business_line.created", _("added the business line"))
    register_event_label("contact.created", _("added the contact"), describe=_role)
    register_event_label("contact.role_changed", _("changed the role in the decision chain"), describe=_role_change)
    register_event_label("contact.deactivated", _("marked the contact inactive"))
    register_event_label("contact.reactivated", _("marked the contact active again"))
