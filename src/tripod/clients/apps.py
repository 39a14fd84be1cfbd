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
