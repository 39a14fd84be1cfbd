"""How buying-signal events read on an activity timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tripod.core.timeline import register_event_label


def _evidence(data: dict[str, Any]) -> str:
    return gettext("%(count)s records as evidence") % {"count": data.get("evidence", 0)}


def _added(data: dict[str, Any]) -> str:
    return gettext("%(count)s more records as evidence") % {"count": data.get("added", 0)}


def _note(data: dict[str, Any]) -> str:
    return str(data.get("note", ""))


def register() -> None:
    register_event_label("signal.raised", _("raised the signal"), describe=_evidence)
    register_event_label("signal.extended", _("found new evidence for the signal"), describe=_added)
    register_event_label("signal.acknowledged", _("acknowledged the signal"), describe=_note)
    register_event_label("signal.dismissed", _("dismissed the signal"), describe=_note)
    register_event_label("signal.acted", _("acted on the signal"), describe=_note)
    register_event_label("signal_rule.created", _("created the signal rule"))
    register_event_label("signal_rule.changed", _("changed the signal rule"))
    register_event_label("signal_rule.activated", _("activated the signal rule"))
    register_event_label("signal_rule.deactivated", _("deactivated the signal rule"))
