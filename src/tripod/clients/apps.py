from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "tripod.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from django.urls import reverse

        from tripod.clients import access, events
        from tripod.core.registry import register_record

        events.register()

        register_record(
            "clients.client",
            visible=access.clients_visible_to,
            url=lambda client: reverse("clients:detail", args=[client.pk]),
            search_fields=("name", "industry"),
            subtitle=lambda client: f"{client.get_tier_display()} · {client.industry}".strip(" ·"),
        )
        register_record(
            "clients.contact",
            visible=access.contacts_visible_to,
            url=lambda contact: reverse("clients:detail", args=[contact.client_id]),
            search_fields=("name", "title", "email"),
            subtitle=lambda contact: f"{contact.title} · {contact.client}".strip(" ·"),
            select_related=("client",),
        )
        register_record(
            "clients.interaction",
            visible=access.interactions.interactions_visible_to,
            url=lambda i: reverse("clients:interaction_detail", args=[i.client_id, i.pk]),
            search_fields=("subject", "summary"),
            subtitle=lambda i: f"{i.get_kind_display()} · {i.client}",
            select_related=("client",),
        )
        register_record(
            "clients.ticket",
            visible=access.tickets.tickets_visible_to,
            url=lambda t: reverse("clients:ticket_detail", args=[t.pk]),
            search_fields=("subject",),
            subtitle=lambda t: f"{t.client} · {t.get_status_display()}",
            select_related=("client",),
        )
        register_record(
            "clients.survey",
            visible=access.surveys.surveys_visible_to,
            url=lambda s: reverse("clients:survey_detail", args=[s.pk]),
            search_fields=("title",),
            subtitle=lambda s: f"{s.client} · {s.get_kind_display()}",
            select_related=("client",),
        )
        register_record(
            "clients.opportunity",
            visible=access.pipeline.opportunities_visible_to,
            url=lambda o: reverse("clients:opportunity_detail", args=[o.pk]),
            search_fields=("name",),
            subtitle=lambda o: f"{o.client} · {o.get_stage_display()}",
            select_related=("client",),
        )
        register_record(
            "clients.contract",
            visible=access.pipeline.contracts_visible_to,
            url=lambda c: reverse("clients:contract_detail", args=[c.pk]),
            search_fields=("number", "title"),
            subtitle=lambda c: str(c.client),
            select_related=("client",),
        )
        register_record(
            "clients.signal",
            visible=access.signals.signals_visible_to,
            url=lambda s: reverse("clients:signal_detail", args=[s.pk]),
            search_fields=("rule__name",),
            subtitle=lambda s: f"{s.client} · {s.get_status_display()}",
            select_related=("client", "rule"),
        )
        register_record(
            "clients.accountplan",
            visible=access.pipeline.account_plans_visible_to,
            url=lambda p: reverse("clients:account_plan", args=[p.client_id, p.year, p.quarter]),
            select_related=("client",),
        )
