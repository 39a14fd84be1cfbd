"""Forms of tickets and SLA policies. They only parse input; the services decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import SlaPolicy, Ticket
from tripod.core.htmx import RecordForm

STAFF_CREATE_FIELDS = ("client", "project", "kind", "severity", "subject", "description")
PORTAL_CREATE_FIELDS = ("project", "severity", "subject", "description")
EDIT_FIELDS = ("subject", "kind", "severity", "project", "description")


class TicketForm(RecordForm):
    """Open a ticket (staff: for one of their clients; portal: for their own client) or edit one (staff)."""

    model = Ticket
    record_fields = STAFF_CREATE_FIELDS
    field_columns = {
        "client": "col-md-6",
        "project": "col-md-6",
        "kind": "col-md-6",
        "severity": "col-md-6",
        "subject": "col-12",
        "description": "col-12",
    }

    def __init__(
        self,
        *args: Any,
        fields: tuple[str, ...] = STAFF_CREATE_FIELDS,
        clients: QuerySet[Any] | None = None,
        projects: QuerySet[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.record_fields = fields
        super().__init__(*args, **kwargs)
        if "client" in self.fields and clients is not None:
            self.fields["client"].queryset = clients
        if "project" in self.fields:
            self.fields["project"].queryset = (
                projects if projects is not None else self.fields["project"].queryset.none()
            )
            self.fields["project"].help_text = _("Optional: the project the ticket is about.")
        self.fields["description"].widget.attrs["rows"] = 6
        self.fields["severity"].help_text = _(
            "Critical: the service is down. High: a main function fails. Medium: something is wrong but there is a "
            "way around it. Low: a question or a cosmetic fault."
        )


class TicketCommentForm(forms.Form):
    field_columns = {"body": "col-12", "internal": "col-12"}
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(label=_("Internal note (not shown to the client)"), required=False, initial=False)

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["internal"]


class TicketResolveForm(forms.Form):
    field_columns = {"resolution": "col-12"}
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the ticket was resolved; the client sees this."),
    )


class TicketAssignForm(forms.Form):
    field_columns = {"assignee": "col-12"}
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody"))

    def __init__(self, *args: Any, assignees: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


HOURS = Decimal(60)


def _hours_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )


class SlaPolicyForm(RecordForm):
    """A policy and its eight targets, entered in business hours (stored as business minutes)."""

    model = SlaPolicy
    record_fields = ("name", "calendar", "escalation_percent", "is_default")
    field_columns = {
        "name": "col-md-6",
        "calendar": "col-md-6",
        "escalation_percent": "col-md-6",
        "is_default": "col-md-6",
    }

    def __init__(self, *args: Any, instance: SlaPolicy | None = None, **kwargs: Any) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        if instance is not None:
            for target in instance.targets.all():
                initial[f"{target.severity}_first_response"] = Decimal(target.first_response_minutes) / HOURS
                initial[f"{target.severity}_resolution"] = Decimal(target.resolution_minutes) / HOURS
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        for severity, label in Ticket.Severity.choices:
            name = f"{severity}_first_response"
            self.fields[name] = _hours_field(_("%(severity)s: first response (hours)") % {"severity": label})
            self.fields[f"{severity}_resolution"] = _hours_field(
                _("%(severity)s: resolution (hours)") % {"severity": label}
            )
            self.field_columns = {**self.field_columns, name: "col-md-6", f"{severity}_resolution": "col-md-6"}
        self.fields["calendar"].help_text = _("Targets count the working hours of this calendar, holidays excluded.")

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        targets: dict[str, dict[str, int]] = {}
        for severity in Ticket.Severity.values:
            first = data.pop(f"{severity}_first_response")
            resolution = data.pop(f"{severity}_resolution")
            targets[severity] = {
                "first_response_minutes": round(first * HOURS),
                "resolution_minutes": round(resolution * HOURS),
            }
        data["targets"] = targets
        return data
