"""How the pipeline's business events read on an activity timeline: opportunities moving and closing, contracts and
their renewals, billing milestones invoiced and paid, account plans."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Contract, Opportunity
from tripod.core.timeline import register_event_label


def _choice(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, value or "—"))


def _stage_change(data: dict[str, Any]) -> str:
    return (
        f"{_choice(Opportunity.Stage.choices, data.get('from'))} → {_choice(Opportunity.Stage.choices, data.get('to'))}"
    )


def _contract_status(data: dict[str, Any]) -> str:
    return f"{_choice(Contract.Status.choices, data.get('from'))} → {_choice(Contract.Status.choices, data.get('to'))}"


def _renewal_status(data: dict[str, Any]) -> str:
    choices = Contract.RenewalStatus.choices
    return f"{_choice(choices, data.get('from'))} → {_choice(choices, data.get('to'))}"


def _milestone_money(data: dict[str, Any]) -> str:
    return f"{data.get('milestone', '')} · {data.get('amount', '')} {data.get('currency', '')}".strip(" ·")


def _closed(data: dict[str, Any]) -> str:
    category = data.get("category")
    return _choice(Opportunity.ReasonCategory.choices, category) if category else ""


def _quarter(data: dict[str, Any]) -> str:
    return f"{data.get('year', '')} Q{data.get('quarter', '')}"


def register() -> None:
    register_event_label("opportunity.created", _("created the opportunity"))
    register_event_label("opportunity.stage_changed", _("moved the opportunity"), describe=_stage_change)
    register_event_label("opportunity.won", _("won the opportunity"), describe=_closed)
    register_event_label("opportunity.lost", _("lost the opportunity"), describe=_closed)
    register_event_label("opportunity.effort_estimated", _("estimated the effort by skill"))
    register_event_label("contract.created", _("created the contract"))
    register_event_label("contract.status_changed", _("changed the contract's status"), describe=_contract_status)
    register_event_label("contract.renewal_status_changed", _("changed the renewal status"), describe=_renewal_status)
    register_event_label("billing.milestone_added", _("added a billing milestone"), describe=_milestone_money)
    register_event_label("billing.invoiced", _("invoiced a billing milestone"), describe=_milestone_money)
    register_event_label("billing.paid", _("recorded a payment"), describe=_milestone_money)
    register_event_label("account_plan.created", _("wrote the account plan"), describe=_quarter)
    register_event_label("account_plan.updated", _("updated the account plan"), describe=_quarter)
    register_event_label("account_plan.reviewed", _("reviewed the account plan"), describe=_quarter)
