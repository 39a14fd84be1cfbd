"""How the people domain's business events read on an activity timeline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tripod.core.timeline import register_event_label


def register() -> None:
    register_event_label("person.created", _("added the person"))
    register_event_label("person.team_changed", _("moved the person to another team"))
    register_event_label("person.manager_changed", _("changed the person's manager"))
    register_event_label("team.created", _("created the team"))
