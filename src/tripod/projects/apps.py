from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tripod.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from django.urls import reverse

        from tripod.core.registry import register_record
        from tripod.projects import access, events

        events.register()

        register_record(
            "projects.project",
            visible=access.projects_visible_to,
            url=lambda project: reverse("projects:detail", args=[project.pk]),
            search_fields=("code", "name", "client__name"),
            subtitle=lambda project: f"{project.client} · {project.get_phase_display()}",
            select_related=("client",),
        )
