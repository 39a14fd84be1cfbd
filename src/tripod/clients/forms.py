"""Forms of the client, business-line and contact pages. They only parse input; the services decide and write.

Many-to-many fields (business lines, account team) are added next to the record's own fields, so a version
conflict compares the plain fields only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import BusinessLine, Client, Contact
from tripod.clients.selectors import business_line_list, contact_list
from tripod.clients.services.accounts import CONTACT_FIELDS
from tripod.core.htmx import RecordForm
from tripod.identity.models import Role, User
from tripod.identity.selectors import users_with_role

STAFF_ROLES = [role for role in Role.values if role != Role.CLIENT]


def _members(instance: Any, name: str) -> list[int]:
    return list(getattr(instance, name).values_list("pk", flat=True)) if instance is not None else []


def _staff(*, also: list[int]) -> Any:
    """Active staff (anyone holding a role other than the client's), plus the members already chosen."""
    staff = User.objects.filter(is_active=True, role_grants__role__in=STAFF_ROLES).exclude(
        role_grants__role=Role.CLIENT
    )
    return User.objects.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=also)).order_by("display_name", "username")


class ClientForm(RecordForm):
    model = Client
    record_fields = ("name", "industry", "tier", "status", "owner_am")
    field_columns = {
        "name": "col-md-8",
        "industry": "col-md-4",
        "tier": "col-md-4",
        "status": "col-md-4",
        "owner_am": "col-md-4",
    }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_am"].queryset = users_with_role(
            role=Role.AM, also_id=getattr(self.instance, "owner_am_id", None)
        )
        lines = business_line_list(user=user) if user is not None else BusinessLine.objects.order_by("name")
        self.fields["business_lines"] = forms.ModelMultipleChoiceField(
            label=_("Business lines"),
            queryset=lines,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=_members(self.instance, "business_lines"),
            help_text=_("The lines of the client's business we serve or could serve."),
        )
        self.fields["account_team"] = forms.ModelMultipleChoiceField(
            label=_("Account team"),
            queryset=_staff(also=_members(self.instance, "account_team")),
            required=False,
            initial=_members(self.instance, "account_team"),
            help_text=_("Colleagues who work the account with its account manager: they see its contacts and "
                        "interactions and record interactions and follow-ups."),
        )  # fmt: skip
        self.field_columns = {**self.field_columns, "business_lines": "col-12", "account_team": "col-12"}


class ContactForm(RecordForm):
    model = Contact
    record_fields = CONTACT_FIELDS
    field_columns = {
        "name": "col-md-6",
        "title": "col-md-6",
        "email": "col-md-6",
        "phone": "col-md-6",
        "role_in_decision_chain": "col-md-4",
        "influence": "col-md-4",
        "attitude": "col-md-4",
        "reports_to": "col-md-6",
        "active": "col-md-6",
        "notes": "col-12",
    }

    def __init__(self, *args: Any, client: Client, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bosses = contact_list(user=user, client=client)
        if self.instance is not None:
            bosses = bosses.exclude(pk=self.instance.pk)
        else:
            del self.fields["active"]
        self.fields["reports_to"].queryset = bosses
        for name in ("influence", "attitude", "role_in_decision_chain"):
            self.fields[name].required = False  # left out: the record's default (or current value)
        self.fields["reports_to"].help_text = _("Whom this person reports to at the client; draws the decision chain.")
        self.fields["notes"].widget.attrs["rows"] = 3

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        for name in ("influence", "attitude", "role_in_decision_chain"):
            if data.get(name) in ("", None):
                data.pop(name, None)
        return data


class BusinessLineForm(RecordForm):
    model = BusinessLine
    record_fields = ("name", "description")
    field_columns = {"name": "col-md-4", "description": "col-md-8"}
