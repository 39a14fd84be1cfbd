"""Forms of interactions and follow-ups. They only parse input; the services decide and write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client, FollowUp, Interaction
from tripod.clients.selectors import contact_list
from tripod.clients.selectors.interactions import followup_owner_choices
from tripod.core.access import scope
from tripod.core.htmx import RecordForm
from tripod.projects.selectors import project_list

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def opportunity_choices(*, user: Any, client: Client, also_id: Any = None) -> Any:
    """The client's opportunities the user may see (the pipeline decides who sees them)."""
    opportunity = Interaction._meta.get_field("opportunity").related_model
    condition = Q(pk__in=scope(opportunity.objects.filter(client=client), user).values("pk"))
    if also_id:
        condition |= Q(pk=also_id)
    return opportunity.objects.filter(condition)


class InteractionForm(RecordForm):
    model = Interaction
    record_fields = ("kind", "direction", "at", "subject", "summary", "project", "opportunity")
    field_columns = {
        "kind": "col-md-4",
        "direction": "col-md-4",
        "at": "col-md-4",
        "subject": "col-12",
        "summary": "col-12",
        "contacts": "col-12",
        "project": "col-md-6",
        "opportunity": "col-md-6",
    }

    def __init__(self, *args: Any, client: Client, user: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is None:
            kwargs.setdefault("initial", {}).setdefault("at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["at"] = forms.DateTimeField(
            label=_("When"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            help_text=_("In your time zone. A time still to come records a planned interaction."),
        )
        self.fields["summary"].widget.attrs["rows"] = 4
        current = list(instance.contacts.values_list("pk", flat=True)) if instance is not None else []
        people = contact_list(user=user, client=client).filter(Q(active=True) | Q(pk__in=current))
        self.fields["contacts"] = forms.ModelMultipleChoiceField(
            label=_("Contacts"),
            queryset=people,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=current,
        )
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} · {c.title}" if c.title else c.name
        self.fields = {**{k: v for k, v in self.fields.items() if k != "contacts"}, "contacts": self.fields["contacts"]}
        project_id = getattr(instance, "project_id", None)
        projects = project_list(user=user).filter(Q(client_id=client.pk) | Q(pk=project_id or 0))
        self.fields["project"].queryset = projects.order_by("code")
        self.fields["opportunity"].queryset = opportunity_choices(
            user=user, client=client, also_id=getattr(instance, "opportunity_id", None)
        )


class FollowUpForm(RecordForm):
    model = FollowUp
    record_fields = ("text", "due", "owner")
    field_columns = {"text": "col-12", "due": "col-md-6", "owner": "col-md-6"}

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is None:
            initial = kwargs.setdefault("initial", {})
            initial.setdefault("due", timezone.localdate() + timedelta(days=7))
            initial.setdefault("owner", client.owner_am_id)
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = followup_owner_choices(
            client=client, also_id=getattr(instance, "owner_id", None)
        )
        self.fields["owner"].required = True
        self.fields["owner"].help_text = _("The account manager or someone on the account team.")
