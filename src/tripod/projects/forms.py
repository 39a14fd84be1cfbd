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
from tripod.projects.models import PhaseGate, Project, StatusReport
from tripod.projects.selectors import project_member_candidates


class ProjectForm(RecordForm):
    model = Project
    record_fields = (
        "code",
        "name",
        "client",
        "contract_reference",
        "pm",
        "phase",
        "calendar",
        "start",
        "target_finish",
        "status_date",
        "budget",
        "currency",
        "objectives",
        "scope_statement",
    )
    field_columns = {
        "client": "col-md-8",
        "contract_reference": "col-md-4",
        "pm": "col-md-6",
        "phase": "col-md-3",
        "calendar": "col-md-3",
        "status_date": "col-md-3",
        "objectives": "col-12",
        "scope_statement": "col-12",
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


class CharterForm(RecordForm):
    """The project charter: why, what, for whom, by when and for how much."""

    model = Project
    record_fields = (
        "objectives",
        "scope_statement",
        "contract_reference",
        "calendar",
        "start",
        "target_finish",
        "status_date",
        "budget",
        "currency",
    )
    field_columns = {
        "contract_reference": "col-md-6",
        "calendar": "col-md-6",
        "start": "col-md-4",
        "target_finish": "col-md-4",
        "status_date": "col-md-4",
        "budget": "col-md-4",
        "currency": "col-md-2",
        "objectives": "col-12",
        "scope_statement": "col-12",
    }


class PhaseGateForm(forms.Form):
    """A gate decision: where to, the checklist of the phase being left, the decision and a note."""

    to_phase = forms.ChoiceField(label=_("Move to"), choices=())
    checklist = forms.MultipleChoiceField(
        label=_("Gate checklist"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=PhaseGate.Decision.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The conditions, the reason for holding, or why the project goes back."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_columns = {"to_phase": "col-md-6", "decision": "col-md-6", "checklist": "col-12", "note": "col-12"}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        from tripod.projects.services.gates import PHASE_ORDER, gate_checklist, next_phase

        kwargs.setdefault("initial", {"to_phase": next_phase(project.phase), "version": project.version})
        super().__init__(*args, **kwargs)
        labels = dict(Project.Phase.choices)
        self.fields["to_phase"].choices = [(p, labels[p]) for p in PHASE_ORDER if p != project.phase]
        self.fields["checklist"].choices = [(item, _(item)) for item in gate_checklist(project.phase)]
        if not self.fields["checklist"].choices:
            del self.fields["checklist"]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.setdefault("checklist", [])
        return data


class StatusReportNewForm(forms.Form):
    period_end = forms.DateField(
        label=_("Period ending on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=StatusReport.Cadence.choices)
    field_columns = {"period_end": "col-md-6", "cadence": "col-md-6"}

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class StatusReportForm(RecordForm):
    model = StatusReport
    record_fields = ("rag", "rag_reason", "narrative", "client_summary", "shareable")
    field_columns = {
        "rag": "col-md-4",
        "rag_reason": "col-md-8",
        "narrative": "col-12",
        "client_summary": "col-12",
        "shareable": "col-12",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rag_reason"].widget = forms.Textarea(attrs={"rows": 2})
        self.fields["narrative"].widget = forms.Textarea(attrs={"rows": 8})
        self.fields["client_summary"].widget = forms.Textarea(attrs={"rows": 4})


class MspdiImportForm(forms.Form):
    file = forms.FileField(
        label=_("Microsoft Project XML file"),
        help_text=_("Saved from Microsoft Project (or ProjectLibre) as XML; up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Empty: the project name in the file.")
    )
    field_columns = {"file": "col-12", "client": "col-md-6", "code": "col-md-6", "name": "col-12"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_for_new_projects(user).order_by("name")

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
