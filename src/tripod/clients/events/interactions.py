"""How interactions and follow-ups read on an activity timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Interaction
from tripod.core.timeline import register_event_label


def _interaction(data: dict[str, Any]) -> str:
    kind = dict(Interaction.Kind.choices).get(data.get("kind"), data.get("kind", ""))
    return f"{kind}: {data.get('subject', '')}".strip(": ")


def _due(data: dict[str, Any]) -> str:
    return str(data.get("due", ""))


def register() -> None:
    register_event_label("interaction.recorded", _("recorded the interaction"), describe=_interaction)
    register_event_label("interaction.deleted", _("deleted an interaction"), describe=_interaction)
    register_event_label("followup.created", _("gave out the follow-up"), describe=_due)
    register_event_label("followup.reassigned", _("handed the follow-up to someone else"))
    register_event_label("followup.done", _("marked the follow-up done"))
    register_event_label("followup.reopened", _("reopened the follow-up"))
