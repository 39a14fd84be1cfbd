from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tripod.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from tripod.projects import access  # noqa: F401  (registers the visibility grants)
