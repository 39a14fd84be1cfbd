"""Forms of the change-request pages. They only parse input (durations and work as the WBS grid reads them); the
services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tripod.core.htmx import RecordForm
from tripod.people.access import people_visible_to
from tripod.people.models import Person
from tripod.projects.models import Project, Task
from tripod.projects.selectors.resources import staff_people
from tripod.projects.services.wbs_outline import minutes_per_day
from tripod.projects.services.wbs_text import TextError, duration_parse, work_parse
from tripod.scope.access import requirements_visible_to
from tripod.scope.models import Approval, ChangeRequest, ChangeRequestLine, Requirement


class ChangeRequestForm(RecordForm):
    """Raise (``instance`` None) or edit a change request of ``project``."""

    model = ChangeRequest
    # The requirements (many-to-many) are an extra field: the conflict panel compares plain fields only.
    record_fields = ("title", "description", "reason")
    field_columns = {"title": "col-12", "description": "col-md-6", "reason": "col-md-6", "requirements": "col-12"}

    def __init__(self, *args: Any, user: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("description", "reason"):
            self.fields[name].widget.attrs["rows"] = 3
        visible = (
            requirements_visible_to(user)
            .filter(Q(project=project) | Q(project__isnull=True), client_id=project.client_id)
            .exclude(status__in=Requirement.CLOSED)
        )
        self.fields["requirements"] = forms.ModelMultipleChoiceField(
            label=_("Raised from requirements"),
            queryset=visible.order_by("number"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        if self.instance is not None and "requirements" not in self.initial:
            self.initial["requirements"] = list(self.instance.requirements.values_list("pk", flat=True))


class LineForm(forms.Form):
    """One line of the WBS delta: what changes, on which task, with durations and work typed as in the WBS grid."""

    kind = forms.ChoiceField(label=_("Change"), choices=ChangeRequestLine.Kind.choices)
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none(), required=False)
    parent = forms.ModelChoiceField(label=_("Under summary"), queryset=Task.objects.none(), required=False)
    name = forms.CharField(label=_("New task"), max_length=255, required=False)
    duration = forms.CharField(label=_("Duration"), max_length=20, required=False, help_text=_("Such as 5d or 4h."))
    work = forms.CharField(label=_("Work"), max_length=20, required=False, help_text=_("Hours, such as 40h."))
    predecessors = forms.CharField(
        label=_("Predecessors"), max_length=200, required=False, help_text=_("Rows of the WBS, such as 3 or 3FS+2d.")
    )
    skill = forms.CharField(label=_("Skill"), max_length=100, required=False)
    person = forms.ModelChoiceField(label=_("Assign"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        tasks = Task.objects.filter(project=project).order_by("position", "pk")
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda t: f"{t.wbs_code} {t.name}"
        self.fields["parent"].queryset = tasks.filter(kind=Task.Kind.SUMMARY)
        self.fields["parent"].label_from_instance = lambda t: f"{t.wbs_code} {t.name}"
        # Only people the user may see (an AM sees the people on their clients' projects, not the whole staff).
        self.fields["person"].queryset = (
            people_visible_to(user).filter(pk__in=staff_people().values("pk")).order_by("name")
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        per_day = minutes_per_day(self.project)
        for name, parse in (("duration", duration_parse), ("work", work_parse)):
            text = (data.get(name) or "").strip()
            data[f"{name}_min"] = None
            if text:
                try:
                    data[f"{name}_min"] = parse(text, minutes_per_day=per_day)
                except TextError as exc:
                    self.add_error(name, str(exc))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "task": data.get("task"),
            "parent": data.get("parent"),
            "name": data.get("name", ""),
            "duration_min": data.get("duration_min"),
            "work_min": data.get("work_min"),
            "predecessors": data.get("predecessors", ""),
            "skill": data.get("skill", ""),
            "person": data.get("person"),
        }


# Service field -> form field, so a refusal from the service lands on the right input.
LINE_ERROR_FIELDS = {"duration_min": "duration", "work_min": "work"}


class DecisionForm(forms.Form):
    role = forms.ChoiceField(label=_("As"), choices=Approval.Role.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=Approval.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(v, label) for v, label in Approval.Role.choices if v in roles]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
