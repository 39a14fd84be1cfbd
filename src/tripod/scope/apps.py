from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScopeConfig(AppConfig):
    """The bridge between the account and the project: requirements, their confirmation, traceability to the WBS,
    change requests."""

    name = "tripod.scope"
    label = "scope"
    verbose_name = _("Scope")

    def ready(self) -> None:
        from tripod.scope import records

        records.register()
