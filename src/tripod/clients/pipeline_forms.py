"""Forms of the pipeline pages: opportunities (with their effort by skill, win and lose), contracts and billing
milestones (invoice, pay), account plans and their actions. They only parse input; the services decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import AccountPlan, BillingMilestone, BusinessLine, Client, Contract, Opportunity
from tripod.core.htmx import RecordForm
from tripod.identity.models import Role
from tripod.identity.selectors import users_with_role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OPEN_STAGE_CHOICES = [(s, label) for s, label in Opportunity.Stage.choices if s in Opportunity.OPEN_STAGES]


def _labelled(form: forms.Form) -> None:
    """Rows of a grid show their labels once, in the table's head; each input still says what it is."""
    for field in form.fields.values():
        if field.label:
            field.widget.attrs.setdefault("aria-label", str(field.label))


def _rows(form: forms.Form, *names: str, rows: int = 3) -> None:
    for name in names:
        if name in form.fields:
            form.fields[name].widget.attrs["rows"] = rows


class OpportunityForm(RecordForm):
    model = Opportunity
    record_fields = (
        "client",
        "name",
        "stage",
        "amount",
        "currency",
        "probability",
        "expected_close",
        "business_line",
        "owner",
    )
    field_columns = {
        "client": "col-md-6",
        "name": "col-md-6",
        "stage": "col-md-4",
        "amount": "col-md-4",
        "currency": "col-md-4",
        "probability": "col-md-4",
        "expected_close": "col-md-4",
        "business_line": "col-md-4",
        "owner": "col-md-6",
    }

    def __init__(self, *args: Any, clients: QuerySet[Client], owners: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            del self.fields["client"]
            del self.fields["stage"]  # stages change on the board, or by winning or losing
        else:
            self.fields["client"].queryset = clients
            self.fields["stage"].choices = OPEN_STAGE_CHOICES
        self.fields["business_line"].queryset = BusinessLine.objects.order_by("name")
        self.fields["owner"].queryset = owners
        self.fields["probability"].required = False
        self.fields["probability"].help_text = _("Leave empty to use the stage's default.")
        self.fields["currency"].widget.attrs.update(maxlength=3, autocapitalize="characters")


class EffortForm(forms.Form):
    skill = forms.CharField(label=_("Skill"), max_length=100, required=False)
    hours = forms.DecimalField(label=_("Hours"), max_digits=8, decimal_places=1, min_value=0, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _labelled(self)


class BaseEffortFormSet(forms.BaseFormSet):
    def efforts(self) -> list[tuple[str, Decimal | None]]:
        """The rows that say something (a skill or hours), as the service takes them; empty rows are ignored."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            skill, hours = (data.get("skill") or "").strip(), data.get("hours")
            if skill or hours:
                rows.append((skill, hours))
        return rows


EffortFormSet = forms.formset_factory(EffortForm, formset=BaseEffortFormSet, extra=2, max_num=40, validate_max=True)


def effort_initial(efforts: list[Any]) -> list[dict[str, Any]]:
    return [{"skill": e.skill, "hours": e.hours} for e in efforts]


class CloseForm(forms.Form):
    """What winning or losing asks: why, in words and as a category."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    reason_category = forms.ChoiceField(
        label=_("Reason category"), choices=[("", "—"), *Opportunity.ReasonCategory.choices], required=False
    )
    closed_on = forms.DateField(
        label=_("Closed on"), widget=DATE, required=False, help_text=_("Leave empty for today.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_columns = {"reason": "col-12"}


class WinForm(CloseForm):
    project = forms.ModelChoiceField(label=_("Link an existing project"), queryset=None, required=False)
    create_project = forms.BooleanField(label=_("Start a new project"), required=False)
    project_code = forms.CharField(label=_("Project code"), max_length=20, required=False)
    project_name = forms.CharField(label=_("Project name"), max_length=200, required=False)
    project_pm = forms.ModelChoiceField(label=_("Project manager"), queryset=None, required=False)
    create_contract = forms.BooleanField(label=_("Create a draft contract worth the amount"), required=False)
    contract_number = forms.CharField(label=_("Contract number"), max_length=40, required=False)
    contract_title = forms.CharField(label=_("Contract title"), max_length=200, required=False)
    field_columns = {
        "reason": "col-12",
        "reason_category": "col-md-6",
        "closed_on": "col-md-6",
        "project": "col-12",
        "create_project": "col-12",
        "project_code": "col-md-4",
        "project_name": "col-md-4",
        "project_pm": "col-md-4",
        "create_contract": "col-12",
        "contract_number": "col-md-4",
        "contract_title": "col-md-8",
    }

    def __init__(self, *args: Any, projects: QuerySet[Any], may_start_project: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project_pm"].queryset = users_with_role(role=Role.PM)
        if not may_start_project:
            for name in ("create_project", "project_code", "project_name", "project_pm"):
                del self.fields[name]


class LoseForm(CloseForm):
    field_columns = {"reason": "col-12", "reason_category": "col-md-6", "closed_on": "col-md-6"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason_category"].required = True


class ContractForm(RecordForm):
    model = Contract
    record_fields = (
        "client",
        "number",
        "title",
        "value",
        "currency",
        "status",
        "start",
        "end",
        "renewal_date",
        "renewal_status",
        "scope_statement",
    )
    field_columns = {
        "client": "col-md-6",
        "number": "col-md-6",
        "title": "col-12",
        "value": "col-md-4",
        "currency": "col-md-4",
        "status": "col-md-4",
        "start": "col-md-3",
        "end": "col-md-3",
        "renewal_date": "col-md-3",
        "renewal_status": "col-md-3",
        "scope_statement": "col-12",
    }

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            del self.fields["client"]
        else:
            self.fields["client"].queryset = clients
        _rows(self, "scope_statement", rows=4)


class MilestoneForm(RecordForm):
    model = BillingMilestone
    record_fields = ("name", "amount", "due")
    field_columns = {"name": "col-md-6", "amount": "col-md-3", "due": "col-md-3"}


class InvoiceForm(forms.Form):
    invoiced_at = forms.DateField(label=_("Invoiced on"), widget=DATE)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=40, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received"), max_digits=14, decimal_places=2)
    paid_at = forms.DateField(label=_("Received on"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AccountPlanForm(RecordForm):
    model = AccountPlan
    record_fields = ("goals", "target_revenue", "currency", "review_notes")
    field_columns = {"goals": "col-12", "target_revenue": "col-md-4", "currency": "col-md-2", "review_notes": "col-12"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _rows(self, "goals", "review_notes", rows=4)
        self.fields["review_notes"].help_text = _("At the end of the quarter: what was reached, what was not, and why.")


class PlanActionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due = forms.DateField(label=_("Due"), widget=DATE, required=False)
    done = forms.BooleanField(label=_("Done"), required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args: Any, owners: QuerySet[Any], owner_choices: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # to check a submitted owner
        self.fields["owner"].choices = owner_choices  # read once for every row, not once per row
        _labelled(self)


class BasePlanActionFormSet(forms.BaseFormSet):
    def actions(self) -> list[dict[str, Any]]:
        """The rows kept: those with an action's text, and existing actions not ticked for removal (an existing one
        emptied is passed on, and the service refuses it)."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            if data.get("remove"):
                continue
            if (data.get("text") or "").strip() or data.get("id"):
                rows.append({k: data.get(k) for k in ("id", "text", "owner", "due", "done")})
        return rows


PlanActionFormSet = forms.formset_factory(
    PlanActionForm, formset=BasePlanActionFormSet, extra=2, max_num=40, validate_max=True
)


def plan_action_form_kwargs(owners: QuerySet[Any]) -> dict[str, Any]:
    """What every row of the actions formset needs, with the owners read once."""
    return {"owners": owners, "owner_choices": [("", "---------"), *((user.pk, str(user)) for user in owners)]}


def plan_actions_initial(plan: AccountPlan | None) -> list[dict[str, Any]]:
    if plan is None:
        return []
    return [
        {"id": a.pk, "text": a.text, "owner": a.owner_id, "due": a.due, "done": a.done}
        for a in getattr(plan, "action_list", plan.actions.all())
    ]
