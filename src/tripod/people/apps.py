from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tripod.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tripod.people import access  # noqa: F401  (registers the visibility grants)
