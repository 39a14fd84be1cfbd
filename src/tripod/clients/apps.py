from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "tripod.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from tripod.clients import access  # noqa: F401  (registers the visibility grants)
