"""Forms of the risk register and the issue log. They only parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tripod.core.htmx import RecordForm
from tripod.projects.models import IssueLogEntry, Project, Risk, RiskAction
from tripod.projects.selectors.risks import risk_owner_choices
from tripod.projects.services.risks import RISK_FIELDS

ONE_TO_FIVE = [(n, str(n)) for n in range(1, 6)]


def _owners(form: forms.Form, project: Project, user: Any, *names: str) -> None:
    owners = risk_owner_choices(user=user, project=project)
    for name in names:
        if name in form.fields:
            form.fields[name].queryset = owners


class RiskForm(RecordForm):
    model = Risk
    record_fields = RISK_FIELDS
    field_columns = {
        "title": "col-md-9",
        "kind": "col-md-3",
        "cause": "col-md-4",
        "event": "col-md-4",
        "effect": "col-md-4",
        "probability": "col-md-3",
        "impact_schedule": "col-md-3",
        "impact_cost": "col-md-3",
        "impact_quality": "col-md-3",
        "owner": "col-md-4",
        "strategy": "col-md-4",
        "review_date": "col-md-4",
    }

    def __init__(self, *args: Any, project: Project, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("probability", "impact_schedule", "impact_cost", "impact_quality"):
            label = self.fields[name].label
            self.fields[name] = forms.TypedChoiceField(label=label, choices=ONE_TO_FIVE, coerce=int, initial=3)
        for name in ("cause", "event", "effect", "triggers"):
            self.fields[name].widget.attrs["rows"] = 2
        self.fields["cause"].help_text = _("Because of…")
        self.fields["event"].help_text = _("…this may happen…")
        self.fields["effect"].help_text = _("…which would lead to…")
        self.fields["strategy"].help_text = _(
            "Threats: avoid, mitigate, transfer, escalate or accept. Opportunities: exploit, enhance, share, escalate "
            "or accept."
        )
        _owners(self, project, user, "owner")


class RiskActionForm(RecordForm):
    model = RiskAction
    record_fields = ("description", "owner", "due")
    field_columns = {"description": "col-md-6", "owner": "col-md-3", "due": "col-md-3"}

    def __init__(self, *args: Any, project: Project, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _owners(self, project, user, "owner")


class RiskOccurredForm(forms.Form):
    """The risk happened: the issue it becomes."""

    title = forms.CharField(label=_("Issue title"), max_length=200, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=IssueLogEntry.Priority.choices, initial=IssueLogEntry.Priority.HIGH
    )
    due = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class IssueForm(RecordForm):
    model = IssueLogEntry
    record_fields = ("title", "description", "priority", "status", "owner", "due", "resolution")
    field_columns = {
        "title": "col-12",
        "priority": "col-md-3",
        "status": "col-md-3",
        "owner": "col-md-3",
        "due": "col-md-3",
    }

    def __init__(self, *args: Any, project: Project, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("description", "resolution"):
            self.fields[name].widget.attrs["rows"] = 3
        if self.instance is None:
            del self.fields["status"]
            del self.fields["resolution"]
        else:
            self.fields["resolution"].help_text = _("Needed to resolve or close the issue.")
        _owners(self, project, user, "owner")


class IssueResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
