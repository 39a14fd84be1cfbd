"""Writes on the pipeline: opportunities (create, edit, move between stages, win, lose, effort by skill), contracts
and their billing milestones (invoice, pay), and quarterly account plans.

Who: admins and the client's account team (``clients.access.pipeline``). Every state change is a business event.
Winning an opportunity may start its project (through the projects app's own service, so its rules apply) and a
draft contract worth the opportunity's amount; both happen in the same transaction as the win, or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext

from tripod.clients.access.accounts import is_on_account_team
from tripod.clients.access.pipeline import (
    can_create_opportunity,
    can_edit_account_plan,
    can_edit_contract,
    can_edit_opportunity,
    can_edit_pipeline,
)
from tripod.clients.models import (
    AccountPlan,
    AccountPlanAction,
    BillingMilestone,
    Client,
    Contract,
    Opportunity,
    OpportunityEffort,
)
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update

Stage = Opportunity.Stage
ZERO = Decimal("0")
CURRENCY = re.compile(r"^[A-Z]{3}$")

OPPORTUNITY_EDITABLE = {"name", "amount", "currency", "probability", "expected_close", "business_line", "owner"}
CONTRACT_EDITABLE = {
    "number",
    "title",
    "value",
    "currency",
    "start",
    "end",
    "scope_statement",
    "status",
    "renewal_date",
    "renewal_status",
}
MILESTONE_EDITABLE = {"name", "amount", "due"}
ACCOUNT_PLAN_EDITABLE = {"goals", "target_revenue", "currency", "review_notes"}


# --- shared checks ----------------------------------------------------------------------------------------------------
def _unknown(name: str, given: Iterable[str], allowed: set[str]) -> None:
    unknown = set(given) - allowed
    if unknown:
        raise TypeError(f"{name} got unknown fields {sorted(unknown)}")


def _currency(value: Any, field: str = "currency") -> str:
    code = str(value or "").strip().upper()
    if not CURRENCY.match(code):
        raise ValidationFailed({field: [gettext("Enter a three-letter currency code such as CNY, USD or EUR.")]})
    return code


def _money_text(value: Decimal, currency: str) -> str:
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} {currency}"


def _check_owner(client: Client, owner: Any, field: str = "owner") -> None:
    if owner is None:
        return
    if not (owner.is_active and owner.is_internal and (owner.is_admin or is_on_account_team(owner, client))):
        raise ValidationFailed({field: [gettext("The owner must be on the client's account team.")]})


def _locked[T: Opportunity | BillingMilestone](obj: T, version: int | None) -> T:
    """The row re-read under a lock (so two people closing or paying the same record at once queue up), refused
    when it moved on since ``version``."""
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if version is not None and current.version != version:
        raise StaleVersion(current=current, submitted=version)
    return current


def _rekeyed(exc: ValidationFailed, keys: Mapping[str, str], default: str) -> ValidationFailed:
    """Another service's field errors under the names of this service's arguments (``default`` for the rest)."""
    errors: dict[str, list[Any]] = {}
    for field, messages in exc.errors.items():
        errors.setdefault(keys.get(field, default), []).extend(messages)
    return ValidationFailed(errors)


# --- opportunities ----------------------------------------------------------------------------------------------------
def default_probability(stage: str) -> int:
    return Opportunity.DEFAULT_PROBABILITY[stage]


@transaction.atomic
def opportunity_create(
    *,
    actor: Any,
    client: Client,
    name: str,
    stage: str = Stage.QUALIFICATION,
    probability: int | None = None,
    owner: Any = None,
    currency: str = "CNY",
    **fields: Any,
) -> Opportunity:
    """A new opportunity in an open stage; the probability is the stage's default unless one is given."""
    if not can_create_opportunity(actor, client):
        raise Forbidden()
    _unknown("opportunity_create", fields, OPPORTUNITY_EDITABLE)
    if stage not in Opportunity.OPEN_STAGES:
        raise ValidationFailed(
            {"stage": [gettext("A new opportunity starts in an open stage; win or lose it afterwards.")]}
        )
    owner = owner if owner is not None else actor
    _check_owner(client, owner)
    opportunity = tracked_create(
        Opportunity,
        actor=actor,
        client=client,
        name=(name or "").strip(),
        stage=stage,
        probability=default_probability(stage) if probability is None else probability,
        probability_set=probability is not None,
        owner=owner,
        currency=_currency(currency),
        **fields,
    )
    business_event_record(
        actor=actor,
        verb="opportunity.created",
        target=opportunity,
        data={"stage": stage, "amount": str(opportunity.amount), "currency": opportunity.currency},
    )
    return opportunity


@transaction.atomic
def opportunity_update(*, actor: Any, opportunity: Opportunity, version: int | None, **changes: Any) -> Opportunity:
    """Edit the opportunity's facts. Setting a probability different from the current one pins it (later stage
    changes keep it); setting it to None gives it back to the stage's default. A closed opportunity's amount and
    probability are final."""
    if not can_edit_opportunity(actor, opportunity):
        raise Forbidden()
    _unknown("opportunity_update", changes, OPPORTUNITY_EDITABLE)
    if "currency" in changes:
        changes["currency"] = _currency(changes["currency"])
    if "probability" in changes:
        wanted = changes["probability"]
        if wanted is None:
            changes["probability"] = default_probability(opportunity.stage)
            changes["probability_set"] = False
        elif wanted != opportunity.probability:
            changes["probability_set"] = True
    if not opportunity.is_open:
        for field in ("amount", "currency", "probability"):
            if field in changes and changes[field] != getattr(opportunity, field):
                raise ValidationFailed(
                    {field: [gettext("This opportunity is closed: its amount and probability are final.")]}
                )
        changes.pop("probability_set", None)
    if "owner" in changes and changes["owner"] != opportunity.owner:
        _check_owner(opportunity.client, changes["owner"])
    opportunity, _ = versioned_update(opportunity, actor=actor, version=version, changes=changes)
    return opportunity


@transaction.atomic
def opportunity_move(*, actor: Any, opportunity: Opportunity, stage: str, version: int | None = None) -> Opportunity:
    """Move an open (or lost, to reopen it) opportunity to another open stage. The probability follows the new
    stage's default unless it was set by hand. Won and lost are reached through win and lose, which ask why."""
    if not can_edit_opportunity(actor, opportunity):
        raise Forbidden()
    if stage not in Stage.values:
        raise ValidationFailed({"stage": [gettext("Choose one of the pipeline's stages.")]})
    if stage in Opportunity.CLOSED_STAGES:
        raise ValidationFailed({"stage": [gettext("Win or lose an opportunity with its own dialog: it asks why.")]})
    current = _locked(opportunity, version)
    if current.stage == Stage.WON:
        raise ValidationFailed(
            {"stage": [gettext("A won opportunity stays won: its project and contract may already exist.")]}
        )
    if current.stage == stage:
        return current
    changes: dict[str, Any] = {"stage": stage}
    if not current.probability_set:
        changes["probability"] = default_probability(stage)
    if current.stage == Stage.LOST:  # reopened: the loss is in the history, no longer on the record
        changes.update(lost_reason="", lost_stage="", reason_category="", closed_at=None)
    old = current.stage
    current, _ = versioned_update(current, actor=actor, version=None, changes=changes)
    business_event_record(
        actor=actor, verb="opportunity.stage_changed", target=current, data={"from": old, "to": stage}
    )
    return current


def _reason_errors(reason: str, category: str, *, category_required: bool) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if not (reason or "").strip():
        errors["reason"] = [gettext("Say why, in a sentence or two: the team learns from it.")]
    if category and category not in Opportunity.ReasonCategory.values:
        errors["reason_category"] = [gettext("Choose one of the reason categories.")]
    elif category_required and not category:
        errors["reason_category"] = [gettext("Choose the category that fits the reason best.")]
    return errors


def _closed_at(closed_on: date | None, errors: dict[str, list[Any]]) -> Any:
    """When the opportunity closed: now, or midday of ``closed_on`` in the user's time zone when the win or loss is
    recorded after the fact (never a day still to come)."""
    if closed_on is None:
        return timezone.now()
    if closed_on > timezone.localdate():
        errors["closed_on"] = [gettext("An opportunity cannot be closed on a day still to come.")]
        return None
    return timezone.make_aware(datetime.combine(closed_on, time(12, 0)), timezone.get_current_timezone())


def _check_open(current: Opportunity) -> None:
    if current.stage == Stage.WON:
        raise ValidationFailed({"stage": [gettext("This opportunity is already won.")]})
    if current.stage == Stage.LOST:
        raise ValidationFailed({"stage": [gettext("This opportunity is lost; reopen it first.")]})


@transaction.atomic
def opportunity_win(
    *,
    actor: Any,
    opportunity: Opportunity,
    reason: str,
    reason_category: str = "",
    version: int | None = None,
    closed_on: date | None = None,
    project: Any = None,
    create_project: bool = False,
    project_code: str = "",
    project_name: str = "",
    project_pm: Any = None,
    create_contract: bool = False,
    contract_number: str = "",
    contract_title: str = "",
) -> Opportunity:
    """Win an open opportunity (the reason is required). Optionally link an existing project of the client or start
    a new one, and create a draft contract worth the opportunity's amount. All in one transaction: if the project or
    the contract cannot be created, the opportunity is not won either."""
    if not can_edit_opportunity(actor, opportunity):
        raise Forbidden()
    current = _locked(opportunity, version)
    _check_open(current)
    errors = _reason_errors(reason, reason_category, category_required=False)
    closed_at = _closed_at(closed_on, errors)
    if project is not None and create_project:
        errors["project"] = [gettext("Either link an existing project or start a new one, not both.")]
    elif project is not None and project.client_id != current.client_id:
        errors["project"] = [gettext("The project must be one of this client's.")]
    if create_project:
        errors.update(_new_project_errors(actor, project_code, project_name))
    if create_contract and not (contract_number or "").strip():
        errors["contract_number"] = [gettext("Give the contract its number.")]
    if errors:
        raise ValidationFailed(errors)

    contract = None
    if create_contract:
        try:
            contract = contract_create(
                actor=actor,
                client=current.client,
                number=contract_number,
                title=(contract_title or "").strip() or current.name,
                value=current.amount,
                currency=current.currency,
                status=Contract.Status.DRAFT,
            )
        except ValidationFailed as exc:
            raise _rekeyed(exc, {"number": "contract_number", "title": "contract_title"}, "create_contract") from exc
    if create_project:
        project = _project_start(actor, current, project_code, project_name, project_pm, contract)

    changes = {
        "stage": Stage.WON,
        "probability": default_probability(Stage.WON),
        "won_reason": reason.strip(),
        "reason_category": reason_category or "",
        "closed_at": closed_at,
    }
    if project is not None:
        changes["project"] = project
    if contract is not None:
        changes["contract"] = contract
    old = current.stage
    current, _ = versioned_update(current, actor=actor, version=None, changes=changes)
    business_event_record(
        actor=actor,
        verb="opportunity.won",
        target=current,
        data={
            "from": old,
            "amount": str(current.amount),
            "currency": current.currency,
            "category": current.reason_category,
            "project": current.project_id,
            "contract": current.contract_id,
        },
    )
    return current


def _new_project_errors(actor: Any, code: str, name: str) -> dict[str, list[Any]]:
    # projects depends on clients, not the other way round: its access rule is looked up when a win needs it.
    from tripod.projects.access import can_create_project

    errors: dict[str, list[Any]] = {}
    if not can_create_project(actor):
        errors["create_project"] = [
            gettext("Only an admin or a project manager can start a project; win without it and ask a PM.")
        ]
    if not (code or "").strip():
        errors["project_code"] = [gettext("Give the new project its code.")]
    if not (name or "").strip():
        errors["project_name"] = [gettext("Give the new project its name.")]
    return errors


def _project_start(
    actor: Any, opportunity: Opportunity, code: str, name: str, pm: Any, contract: Contract | None
) -> Any:
    """Start the won opportunity's project through the projects app's service (its rules and events apply)."""
    from tripod.projects.services.project import project_create

    fields: dict[str, Any] = {"currency": opportunity.currency}
    if pm is not None:
        fields["pm"] = pm
    if contract is not None:
        fields["contract_reference"] = contract.number
    try:
        return project_create(actor=actor, code=code, name=name, client=opportunity.client, **fields)
    except ValidationFailed as exc:
        keys = {"code": "project_code", "name": "project_name", "pm": "project_pm"}
        raise _rekeyed(exc, keys, "create_project") from exc


@transaction.atomic
def opportunity_lose(
    *,
    actor: Any,
    opportunity: Opportunity,
    reason: str,
    reason_category: str,
    version: int | None = None,
    closed_on: date | None = None,
) -> Opportunity:
    """Lose an open opportunity: the reason and its category are required, and the stage it was lost at is kept
    for the funnel."""
    if not can_edit_opportunity(actor, opportunity):
        raise Forbidden()
    current = _locked(opportunity, version)
    _check_open(current)
    errors = _reason_errors(reason, reason_category, category_required=True)
    closed_at = _closed_at(closed_on, errors)
    if errors:
        raise ValidationFailed(errors)
    old = current.stage
    changes = {
        "stage": Stage.LOST,
        "probability": default_probability(Stage.LOST),
        "lost_reason": reason.strip(),
        "reason_category": reason_category,
        "lost_stage": old,
        "closed_at": closed_at,
    }
    current, _ = versioned_update(current, actor=actor, version=None, changes=changes)
    business_event_record(
        actor=actor, verb="opportunity.lost", target=current, data={"from": old, "category": reason_category}
    )
    return current


@transaction.atomic
def opportunity_effort_set(
    *, actor: Any, opportunity: Opportunity, efforts: Iterable[tuple[str, Decimal]]
) -> list[OpportunityEffort]:
    """Replace the estimated effort by skill with ``efforts`` ((skill, hours) rows): rows kept are updated in place,
    so each one's history reads as a change of hours."""
    if not can_edit_opportunity(actor, opportunity):
        raise Forbidden()
    rows: dict[str, Decimal] = {}
    problems: list[str] = []
    for number, (skill, hours) in enumerate(efforts, start=1):
        name = (skill or "").strip()
        if not name:
            problems.append(gettext("Row %(row)d: name the skill.") % {"row": number})
        elif name.casefold() in {s.casefold() for s in rows}:
            problems.append(gettext("Row %(row)d: %(skill)s is listed twice.") % {"row": number, "skill": name})
        elif hours is None or Decimal(hours) <= 0:
            problems.append(gettext("Row %(row)d: enter the hours, more than zero.") % {"row": number})
        else:
            rows[name] = Decimal(hours)
    if problems:
        raise ValidationFailed({"efforts": problems})
    Opportunity.objects.select_for_update().filter(pk=opportunity.pk).first()
    existing = {e.skill: e for e in opportunity.efforts.all()}
    kept = []
    for name, hours in rows.items():
        effort = existing.pop(name, None)
        if effort is None:
            effort = tracked_create(OpportunityEffort, actor=actor, opportunity=opportunity, skill=name, hours=hours)
        else:
            effort, _ = versioned_update(effort, actor=actor, version=None, changes={"hours": hours})
        kept.append(effort)
    for effort in existing.values():
        effort.delete()
    total = sum(rows.values(), ZERO)
    business_event_record(
        actor=actor, verb="opportunity.effort_estimated", target=opportunity, data={"hours": str(total)}
    )
    return kept


# --- contracts --------------------------------------------------------------------------------------------------------
def _check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValidationFailed({"end": [gettext("The end cannot be before the start.")]})


def _milestones_total(contract: Contract, *, excluding: Any = None) -> Decimal:
    qs = BillingMilestone.objects.filter(contract=contract)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(total=Sum("amount"))["total"] or ZERO


@transaction.atomic
def contract_create(
    *, actor: Any, client: Client, number: str, title: str, currency: str = "CNY", **fields: Any
) -> Contract:
    """A contract of ``client``; its renewal date is its end unless given."""
    if not can_edit_pipeline(actor, client):
        raise Forbidden()
    _unknown("contract_create", fields, CONTRACT_EDITABLE)
    _check_dates(fields.get("start"), fields.get("end"))
    if fields.get("renewal_date") is None and fields.get("end"):
        fields["renewal_date"] = fields["end"]
    contract = tracked_create(
        Contract,
        actor=actor,
        client=client,
        number=(number or "").strip(),
        title=(title or "").strip(),
        currency=_currency(currency),
        **fields,
    )
    business_event_record(
        actor=actor,
        verb="contract.created",
        target=contract,
        data={"value": str(contract.value), "currency": contract.currency, "status": contract.status},
    )
    return contract


@transaction.atomic
def contract_update(*, actor: Any, contract: Contract, version: int | None, **changes: Any) -> Contract:
    if not can_edit_contract(actor, contract):
        raise Forbidden()
    _unknown("contract_update", changes, CONTRACT_EDITABLE)
    if "currency" in changes:
        changes["currency"] = _currency(changes["currency"])
        invoiced = contract.milestones.filter(invoiced_at__isnull=False).exists()
        if changes["currency"] != contract.currency and invoiced:
            raise ValidationFailed({"currency": [gettext("Milestones are already invoiced in this currency.")]})
    merged = {name: changes.get(name, getattr(contract, name)) for name in ("start", "end", "renewal_date", "value")}
    _check_dates(merged["start"], merged["end"])
    # The renewal date is the end unless someone set another: empty, or still the old end, it follows the end.
    follows_end = merged["renewal_date"] is None or (
        "renewal_date" not in changes and contract.renewal_date == contract.end
    )
    if merged["end"] and follows_end:
        changes["renewal_date"] = merged["end"]
    billed = _milestones_total(contract)
    if merged["value"] is not None and merged["value"] < billed:
        message = gettext("The billing milestones already total %(total)s: the value cannot be less.") % {
            "total": _money_text(billed, contract.currency)
        }
        raise ValidationFailed({"value": [message]})
    contract, changed = versioned_update(contract, actor=actor, version=version, changes=changes)
    for field, verb in (("status", "contract.status_changed"), ("renewal_status", "contract.renewal_status_changed")):
        if field in changed:
            old, new = changed[field]
            business_event_record(actor=actor, verb=verb, target=contract, data={"from": old, "to": new})
    return contract


# --- billing milestones -----------------------------------------------------------------------------------------------
def _check_within_value(contract: Contract, amount: Decimal, *, excluding: Any = None) -> None:
    total = _milestones_total(contract, excluding=excluding) + amount
    if total > contract.value:
        message = gettext("The milestones would total %(total)s, more than the contract's value of %(value)s.") % {
            "total": _money_text(total, contract.currency),
            "value": _money_text(contract.value, contract.currency),
        }
        raise ValidationFailed({"amount": [message]})


def _billing_event(actor: Any, verb: str, milestone: BillingMilestone, amount: Decimal, **data: Any) -> None:
    contract = milestone.contract
    business_event_record(
        actor=actor,
        verb=verb,
        target=contract,
        data={
            "milestone": milestone.name,
            "milestone_id": milestone.pk,
            "amount": str(amount),
            "currency": contract.currency,
            **data,
        },
    )


@transaction.atomic
def billing_milestone_add(*, actor: Any, contract: Contract, name: str, amount: Decimal, due: date) -> BillingMilestone:
    """A milestone of the contract's billing plan; together the milestones never exceed the contract's value."""
    if not can_edit_contract(actor, contract):
        raise Forbidden()
    contract = Contract.objects.select_for_update().get(pk=contract.pk)  # concurrent additions queue up
    if amount is not None and amount > 0:
        _check_within_value(contract, amount)
    milestone = tracked_create(
        BillingMilestone, actor=actor, contract=contract, name=(name or "").strip(), amount=amount, due=due
    )
    _billing_event(actor, "billing.milestone_added", milestone, milestone.amount, due=due.isoformat())
    return milestone


@transaction.atomic
def billing_milestone_update(
    *, actor: Any, milestone: BillingMilestone, version: int | None, **changes: Any
) -> BillingMilestone:
    """Rename, re-date or re-price a milestone. Once invoiced its amount is the invoice's and no longer changes."""
    contract = milestone.contract
    if not can_edit_contract(actor, contract):
        raise Forbidden()
    _unknown("billing_milestone_update", changes, MILESTONE_EDITABLE)
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    amount = changes.get("amount")
    if amount is not None and amount != milestone.amount:
        if milestone.invoiced_at is not None:
            message = gettext("This milestone is invoiced: its amount is the invoice's and cannot change.")
            raise ValidationFailed({"amount": [message]})
        if amount > 0:
            _check_within_value(contract, amount, excluding=milestone)
    milestone, _ = versioned_update(milestone, actor=actor, version=version, changes=changes)
    return milestone


@transaction.atomic
def billing_milestone_invoice(
    *,
    actor: Any,
    milestone: BillingMilestone,
    invoiced_at: date | None,
    invoice_number: str = "",
    version: int | None = None,
) -> BillingMilestone:
    """Record that the milestone was invoiced on ``invoiced_at`` (once)."""
    if not can_edit_contract(actor, milestone.contract):
        raise Forbidden()
    current = _locked(milestone, version)
    if current.invoiced_at is not None:
        message = gettext("This milestone was already invoiced on %(date)s.") % {
            "date": formats.date_format(current.invoiced_at, "SHORT_DATE_FORMAT")
        }
        raise ValidationFailed({"invoiced_at": [message]})
    if invoiced_at is None:
        raise ValidationFailed({"invoiced_at": [gettext("Enter the invoice date.")]})
    changes = {"invoiced_at": invoiced_at, "invoice_number": (invoice_number or "").strip()}
    current, _ = versioned_update(current, actor=actor, version=None, changes=changes)
    current.contract = milestone.contract
    _billing_event(actor, "billing.invoiced", current, current.amount, invoice=current.invoice_number)
    return current


@transaction.atomic
def billing_milestone_pay(
    *,
    actor: Any,
    milestone: BillingMilestone,
    amount: Decimal | None,
    paid_at: date | None,
    version: int | None = None,
) -> BillingMilestone:
    """Record a payment received against the milestone's invoice; several partial payments add up.

    A payment needs an invoice first: in accounts receivable money received is applied against an invoice, and
    money received with nothing invoiced is a prepayment, which finance records as such rather than as this
    milestone paid. For the same reason a payment cannot be dated before the invoice, and no milestone can be paid
    more than its amount (an overpayment is a credit for the client, not a milestone paid twice)."""
    if not can_edit_contract(actor, milestone.contract):
        raise Forbidden()
    current = _locked(milestone, version)
    if current.invoiced_at is None:
        raise ValidationFailed({"invoiced_at": [gettext("Invoice this milestone before recording a payment.")]})
    errors: dict[str, list[Any]] = {}
    currency = milestone.contract.currency
    if amount is None or amount <= 0:
        errors["amount"] = [gettext("Enter the amount received, more than zero.")]
    elif amount > current.outstanding:
        errors["amount"] = [
            gettext("That is more than is still owed on this milestone (%(outstanding)s).")
            % {"outstanding": _money_text(current.outstanding, currency)}
        ]
    if paid_at is None:
        errors["paid_at"] = [gettext("Enter the date the money was received.")]
    elif paid_at < current.invoiced_at:
        errors["paid_at"] = [
            gettext("A payment cannot be dated before the invoice (%(date)s).")
            % {"date": formats.date_format(current.invoiced_at, "SHORT_DATE_FORMAT")}
        ]
    if errors:
        raise ValidationFailed(errors)
    assert amount is not None and paid_at is not None
    changes = {
        "paid_amount": current.paid_amount + amount,
        "paid_at": max(paid_at, current.paid_at) if current.paid_at else paid_at,
    }
    current, _ = versioned_update(current, actor=actor, version=None, changes=changes)
    current.contract = milestone.contract
    _billing_event(
        actor,
        "billing.paid",
        current,
        amount,
        paid_at=paid_at.isoformat(),
        paid_total=str(current.paid_amount),
        fully_paid=current.is_paid,
    )
    return current


# --- account plans ----------------------------------------------------------------------------------------------------
def _action_rows(client: Client, actions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows, problems = [], []
    for number, action in enumerate(actions, start=1):
        text = (action.get("text") or "").strip()
        owner = action.get("owner")
        if not text:
            problems.append(gettext("Action %(row)d: say what will be done.") % {"row": number})
        elif owner is not None and not (owner.is_admin or is_on_account_team(owner, client)):
            problems.append(gettext("Action %(row)d: the owner must be on the account team.") % {"row": number})
        rows.append(
            {
                "id": action.get("id") or None,
                "text": text,
                "owner": owner,
                "due": action.get("due"),
                "done": bool(action.get("done")),
            }
        )
    if problems:
        raise ValidationFailed({"actions": problems})
    return rows


def _actions_sync(actor: Any, plan: AccountPlan, rows: list[dict[str, Any]]) -> None:
    existing = {a.pk: a for a in plan.actions.all()}
    for row in rows:
        pk = row.pop("id", None)
        action = existing.pop(int(pk), None) if pk not in (None, "") else None
        if action is None:
            tracked_create(AccountPlanAction, actor=actor, plan=plan, **row)
        else:
            versioned_update(action, actor=actor, version=None, changes=row)
    for action in existing.values():
        action.delete()


@transaction.atomic
def account_plan_save(
    *,
    actor: Any,
    client: Client,
    year: int,
    quarter: int,
    version: int | None = None,
    actions: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> AccountPlan:
    """Write the plan of ``client`` for ``year`` Q``quarter`` (one per client and quarter): created the first time,
    updated (version-checked) afterwards. ``actions`` (dicts of id?, text, owner, due, done), when given, become the
    plan's actions: rows with an id are updated, rows without are added, actions left out are removed."""
    if not can_edit_account_plan(actor, client):
        raise Forbidden()
    _unknown("account_plan_save", fields, ACCOUNT_PLAN_EDITABLE)
    if quarter not in (1, 2, 3, 4):
        raise ValidationFailed({"quarter": [gettext("A quarter is 1, 2, 3 or 4.")]})
    if "currency" in fields:
        fields["currency"] = _currency(fields["currency"])
    rows = _action_rows(client, actions) if actions is not None else None
    Client.objects.select_for_update().filter(pk=client.pk).first()  # two first saves of a quarter queue up
    plan = AccountPlan.objects.filter(client=client, year=year, quarter=quarter).first()
    data = {"year": year, "quarter": quarter}
    if plan is None:
        plan = tracked_create(AccountPlan, actor=actor, client=client, year=year, quarter=quarter, **fields)
        business_event_record(actor=actor, verb="account_plan.created", target=plan, data=data)
    else:
        plan, changed = versioned_update(plan, actor=actor, version=version, changes=fields)
        if "review_notes" in changed:
            business_event_record(actor=actor, verb="account_plan.reviewed", target=plan, data=data)
        elif changed:
            business_event_record(actor=actor, verb="account_plan.updated", target=plan, data=data)
    if rows is not None:
        _actions_sync(actor, plan, rows)
    return plan
