"""Forms of the project pages. They only parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client
from tripod.core.htmx import RecordForm
from tripod.identity.models import Role, User
from tripod.identity.selectors import users_with_role
from tripod.projects.access import clients_for_new_projects
from tripod.projects.models import Project
from tripod.projects.selectors import project_member_candidates


class ProjectForm(RecordForm):
    model = Project
    record_fields = ("code", "name", "client", "pm", "phase", "start", "target_finish", "budget", "currency")
    field_columns = {
        "code": "col-md-3",
        "name": "col-md-9",
        "start": "col-md-3",
        "target_finish": "col-md-3",
        "budget": "col-md-4",
        "currency": "col-md-2",
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The clients a project may be started for, plus the project's current client.
        current = Client.objects.filter(pk=getattr(self.instance, "client_id", None))
        self.fields["client"].queryset = (clients_for_new_projects(user) | current).order_by("name")
        self.fields["pm"].queryset = users_with_role(role=Role.PM, also_id=getattr(self.instance, "pm_id", None))
        if self.instance is not None:
            del self.fields["code"]  # the code is the project's identity; it does not change


class MemberAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args: Any, project: Project, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = project_member_candidates(user=user, project=project)
