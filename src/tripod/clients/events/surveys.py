"""How survey events read on an activity timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tripod.core.timeline import register_event_label


def _invited(data: dict[str, Any]) -> str:
    return gettext("%(count)s contacts invited") % {"count": data.get("invited", 0)}


def _score(data: dict[str, Any]) -> str:
    return gettext("score %(score)s") % {"score": data.get("score", "")}


def register() -> None:
    register_event_label("survey.created", _("created the survey"))
    register_event_label("survey.sent", _("sent the survey"), describe=_invited)
    register_event_label("survey.closed", _("closed the survey"))
    register_event_label("survey.answered", _("received an answer"), describe=_score)
    register_event_label("survey.detractor", _("received a detractor's answer"), describe=_score)
