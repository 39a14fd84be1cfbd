"""Forms of the buying signals: a rule (with its kind's parameters), and what the account team says when it
acknowledges, dismisses or acts on a signal. They only parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client, SignalRule
from tripod.clients.selectors.interactions import followup_owner_choices
from tripod.clients.services.signals import KIND_PARAMETERS
from tripod.core.htmx import RecordForm

PARAMETER_FIELDS = ("count", "days")


class SignalRuleForm(RecordForm):
    model = SignalRule
    record_fields = ("code", "name", "kind", "severity", "active", "description")
    field_columns = {
        "code": "col-md-4",
        "name": "col-md-8",
        "kind": "col-md-6",
        "severity": "col-md-3",
        "active": "col-md-3",
        "count": "col-md-6",
        "days": "col-md-6",
    }

    count = forms.IntegerField(
        label=_("Number of downloads"),
        required=False,
        help_text=_("Content downloads only: how many downloads from one client raise the signal (3 by default)."),
    )
    days = forms.IntegerField(
        label=_("Days"),
        required=False,
        help_text=_(
            "The window the rule looks at: downloads, new decision makers and detractors within so many days; "
            "renewals due within so many days; no interaction for so many days."
        ),
    )

    def __init__(self, *args: Any, instance: SignalRule | None = None, **kwargs: Any) -> None:
        if instance is not None:
            initial = dict(kwargs.pop("initial", None) or {})
            kwargs["initial"] = {**{k: v for k, v in instance.parameters.items() if k in PARAMETER_FIELDS}, **initial}
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["description"].widget.attrs["rows"] = 2
        if instance is not None:
            del self.fields["code"]  # the code is how the rule is known: it stays

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        wanted = KIND_PARAMETERS.get(data.get("kind", ""), {})
        values = {name: data.pop(name, None) for name in PARAMETER_FIELDS}
        data["parameters"] = {name: value for name, value in values.items() if name in wanted and value is not None}
        return data


class SignalAcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class SignalDismissForm(forms.Form):
    reason = forms.CharField(label=_("Why dismiss it?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SignalActForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    followup_text = forms.CharField(label=_("Follow-up"), required=False, max_length=300)
    followup_due = forms.DateField(
        label=_("Follow-up due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    followup_owner = forms.ModelChoiceField(label=_("Follow-up owner"), queryset=None, required=False)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["followup_owner"].queryset = followup_owner_choices(client=client)
        self.fields["followup_owner"].empty_label = _("The account manager")
        self.fields["followup_text"].help_text = _("Optional: something someone owes the client after this.")
