from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tripod.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from django.urls import reverse

        from tripod.core.registry import register_record
        from tripod.people import access, events

        events.register()

        def confidential_fields(user, person):  # type: ignore[no-untyped-def]
            return () if access.can_view_cost_rate(user, person) else ("cost_rate", "cost_currency")

        register_record(
            "people.person",
            visible=access.people_visible_to,
            url=lambda person: reverse("people:detail", args=[person.pk]),
            search_fields=("name", "title", "user__username"),
            subtitle=lambda person: " · ".join(str(x) for x in (person.title, person.team) if x),
            select_related=("team",),
            hidden_history_fields=confidential_fields,
        )
        register_record(
            "people.team",
            visible=access.teams_visible_to,
            url=lambda team: reverse("people:team_detail", args=[team.pk]),
            search_fields=("name",),
        )
