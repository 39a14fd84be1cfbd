"""How the clients domain's business events read on an activity timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client
from tripod.core.timeline import register_event_label


def _status_change(data: dict[str, Any]) -> str:
    labels = dict(Client.Status.choices)
    return f"{labels.get(data.get('from'), data.get('from'))} → {labels.get(data.get('to'), data.get('to'))}"


def register() -> None:
    register_event_label("client.created", _("created the client"))
    register_event_label("client.status_changed", _("changed the status"), describe=_status_change)
    register_event_label("client.portal_user_bound", _("gave a client contact access to the portal"))
