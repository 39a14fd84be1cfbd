"""Forms of the requirement pages. They only parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client, Contact
from tripod.clients.selectors import client_list, contact_list
from tripod.core.htmx import RecordForm
from tripod.projects.selectors import project_list
from tripod.scope.models import Confirmation, Requirement
from tripod.scope.selectors import contract_choices, trace_candidates
from tripod.scope.services import REQUIREMENT_FIELDS

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def capture_clients(user: Any) -> QuerySet[Client]:
    """Clients ``user`` may capture requirements for from the staff side: those they look after (all, for admins)."""
    clients = client_list(user=user)
    if user.is_admin:
        return clients
    return clients.filter(pk__in=Client.objects.filter(Q(owner_am=user) | Q(account_team=user)).values("pk"))


class RequirementForm(RecordForm):
    """Capture (``instance`` None) or edit a requirement. ``client`` fixes the client; without it the staff user
    picks one of the clients they look after. Portal users (``portal``) give only what they can say themselves."""

    model = Requirement
    record_fields = REQUIREMENT_FIELDS
    field_columns = {
        "title": "col-12",
        "statement": "col-12",
        "acceptance_criteria": "col-12",
        "priority": "col-md-4",
        "project": "col-md-4",
        "source_contact": "col-md-4",
        "internal_notes": "col-12",
    }

    def __init__(
        self, *args: Any, user: Any, client: Client | None = None, portal: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_client = client
        for name, rows in (("statement", 4), ("acceptance_criteria", 3), ("internal_notes", 2)):
            self.fields[name].widget.attrs["rows"] = rows
        projects = project_list(user=user)
        if portal:
            del self.fields["source_contact"]
            del self.fields["internal_notes"]
        if client is not None:
            self.fields["project"].queryset = projects.filter(client=client)
            if "source_contact" in self.fields:
                self.fields["source_contact"].queryset = contact_list(user=user, client=client)
        else:
            clients = capture_clients(user)
            self.fields = {
                "client": forms.ModelChoiceField(label=_("Client"), queryset=clients),
                **self.fields,
            }
            self.field_columns = {**self.field_columns, "client": "col-md-6", "title": "col-md-6"}
            self.fields["project"].queryset = projects.filter(client__in=clients.values("pk")).select_related("client")
            self.fields["source_contact"].queryset = Contact.objects.filter(
                client__in=clients.values("pk")
            ).select_related("client")
            self.fields["source_contact"].label_from_instance = lambda c: f"{c.name} · {c.client}"
            self.fields["project"].label_from_instance = lambda p: f"{p} · {p.client}"
        self.fields["project"].required = False


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Empty means now."),
    )


class AnswerForm(RecordForm):
    """The account team records what the client said: who, how, when, the exact words and/or a document.
    ``kind`` is a confirmation of the requirement or the acceptance of its delivery."""

    model = Confirmation
    record_fields = ("contact", "channel", "wording")
    field_columns = {"contact": "col-md-6", "channel": "col-md-6", "wording": "col-12", "at": "col-md-6"}

    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args: Any, requirement: Requirement, user: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, instance=requirement, **kwargs)
        self.kind = kind
        label = _("Confirmed at") if kind == Confirmation.Kind.CONFIRMATION else _("Accepted at")
        self.fields["at"] = _datetime_field(label)
        self.fields["contact"].queryset = contact_list(user=user, client=requirement.client)
        self.fields["contact"].label = _("Who at the client") if kind == "confirmation" else _("Accepted by")
        self.fields["channel"].choices = [("", self.fields["contact"].empty_label)] + [
            (value, label) for value, label in Confirmation.Channel.choices if value != Confirmation.Channel.PORTAL
        ]
        self.fields["wording"].widget.attrs["rows"] = 4
        self.fields["attachment"].help_text = _("The signed document, the email, the minutes (PDF, Office, image).")
        self.fields = {name: self.fields[name] for name in ("contact", "channel", "at", "wording", "attachment")} | {
            "version": self.fields["version"]
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        at_name = "confirmed_at" if self.kind == Confirmation.Kind.CONFIRMATION else "accepted_at"
        return {
            "version": data.get("version"),
            "contact": data.get("contact"),
            "channel": data.get("channel") or "",
            "wording": data.get("wording") or "",
            at_name: data.get("at"),
            "attachment_file": data.get("attachment"),
        }


class PortalAnswerForm(RecordForm):
    """A portal user confirms (or accepts) the text they were shown; the version pins that text."""

    model = Requirement
    record_fields = ()

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: anything you want to add to your acceptance."),
    )

    def __init__(self, *args: Any, requirement: Requirement, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, instance=requirement, **kwargs)
        self.kind = kind
        if kind == Confirmation.Kind.CONFIRMATION:
            del self.fields["comment"]

    def service_kwargs(self) -> dict[str, Any]:
        kwargs = {"version": self.cleaned_data.get("version")}
        if self.kind == Confirmation.Kind.ACCEPTANCE:
            kwargs["comment"] = self.cleaned_data.get("comment") or ""
        return kwargs


class ScopeForm(RecordForm):
    model = Requirement
    record_fields = ()

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("in", _("In the contract's scope")), ("out", _("Out of the contract's scope"))],
        widget=forms.RadioSelect,
    )
    contract = forms.ModelChoiceField(label=_("Contract"), queryset=None, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when out of scope: it starts the change request."),
    )

    def __init__(self, *args: Any, requirement: Requirement, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, instance=requirement, **kwargs)
        self.fields["contract"].queryset = contract_choices(user=user, requirement=requirement)
        self.fields["contract"].initial = requirement.contract_id
        self.field_columns = {"decision": "col-12", "contract": "col-12", "reason": "col-12"}

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "version": data.get("version"),
            "in_scope": data["decision"] == "in",
            "contract": data.get("contract"),
            "reason": data.get("reason") or "",
        }


class ReasonForm(RecordForm):
    """Reject, withdraw, or record that the client did not accept the delivery (with who said so, for staff)."""

    model = Requirement
    record_fields = ()

    contact = forms.ModelChoiceField(label=_("Who at the client"), queryset=None, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, requirement: Requirement, user: Any, with_contact: bool = False, **kwargs: Any):
        super().__init__(*args, instance=requirement, **kwargs)
        if with_contact:
            self.fields["contact"].queryset = contact_list(user=user, client=requirement.client)
        else:
            del self.fields["contact"]
        self.field_columns = {"contact": "col-12", "reason": "col-12"}


class TraceForm(forms.Form):
    field_columns = {"task": "col-12"}

    task = forms.ModelChoiceField(label=_("WBS task"), queryset=None)

    def __init__(self, *args: Any, requirement: Requirement, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = trace_candidates(user=user, requirement=requirement)
        self.fields["task"].label_from_instance = _task_label


def _task_label(task: Any) -> str:
    flags = " ◆" if task.deliverable else ""
    return f"{task.wbs_code} {task.name}{flags} · {task.percent_complete}%".strip()
