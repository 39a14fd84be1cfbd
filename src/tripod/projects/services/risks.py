"""Writes on the risk register: raise, edit, close a risk; response actions; a risk that occurred becomes an issue.

Who: anyone on the staff side who sees the project's internals raises a risk (``can_raise_risk``); the project's
editors and the risk's owner change it. The score (probability x the highest of the three impacts) is stored here
on every write. Numbers R1, R2... are per project, taken under a lock on the project row so two people raising a
risk at the same moment never get the same number.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.access import can_edit_project, can_raise_risk, can_view_project_internals
from tripod.projects.models import IssueLogEntry, Project, Risk, RiskAction

RISK_FIELDS = (
    "title",
    "kind",
    "cause",
    "event",
    "effect",
    "probability",
    "impact_schedule",
    "impact_cost",
    "impact_quality",
    "owner",
    "strategy",
    "triggers",
    "review_date",
)
RISK_EDITABLE = set(RISK_FIELDS)
RISK_ACTION_EDITABLE = {"description", "owner", "due"}


def risk_score(*, probability: int, impact_schedule: int, impact_cost: int, impact_quality: int) -> int:
    """Probability x the highest impact (1-25)."""
    return int(probability) * max(int(impact_schedule), int(impact_cost), int(impact_quality))


def can_edit_risk(user: Any, risk: Risk) -> bool:
    """The project's editors, and the risk's owner while they still see the project's internals."""
    if can_edit_project(user, risk.project):
        return True
    return bool(user.is_authenticated and risk.owner_id == user.pk and can_view_project_internals(user, risk.project))


def _check_strategy(kind: str, strategy: str) -> None:
    if not strategy:
        return
    allowed = Risk.THREAT_STRATEGIES if kind == Risk.Kind.THREAT else Risk.OPPORTUNITY_STRATEGIES
    if strategy not in allowed:
        labels = ", ".join(str(Risk.Strategy(s).label).lower() for s in allowed)
        if kind == Risk.Kind.THREAT:
            message = gettext("A threat's response is one of: %(strategies)s.") % {"strategies": labels}
        else:
            message = gettext("An opportunity's response is one of: %(strategies)s.") % {"strategies": labels}
        raise ValidationFailed({"strategy": [message]})


def _check_owner(project: Project, owner: Any, field: str = "owner") -> None:
    if owner is not None and not can_view_project_internals(owner, project):
        raise ValidationFailed({field: [gettext("The owner must be on the staff side of this project.")]})


def _check_scores(fields: dict[str, Any]) -> None:
    errors = {}
    for name in ("probability", "impact_schedule", "impact_cost", "impact_quality"):
        value = fields.get(name)
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = [gettext("Enter a whole number from 1 to 5.")]
    if errors:
        raise ValidationFailed(errors)


def next_number_in_project(model: type[Risk] | type[IssueLogEntry], project: Project) -> int:
    """The next free number in ``project``; the project row is locked first, so concurrent writers queue."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return (model.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def risk_create(
    *,
    actor: Any,
    project: Project,
    title: str,
    kind: str = Risk.Kind.THREAT,
    probability: int = 3,
    impact_schedule: int = 1,
    impact_cost: int = 1,
    impact_quality: int = 1,
    **fields: Any,
) -> Risk:
    if not can_raise_risk(actor, project):
        raise Forbidden()
    unknown = set(fields) - RISK_EDITABLE
    if unknown:
        raise TypeError(f"risk_create got unknown fields {sorted(unknown)}")
    scores = {
        "probability": probability,
        "impact_schedule": impact_schedule,
        "impact_cost": impact_cost,
        "impact_quality": impact_quality,
    }
    _check_scores(scores)
    _check_strategy(kind, fields.get("strategy") or "")
    _check_owner(project, fields.get("owner"))
    risk = tracked_create(
        Risk,
        actor=actor,
        project=project,
        number=next_number_in_project(Risk, project),
        title=(title or "").strip(),
        kind=kind,
        score=risk_score(**scores),
        **scores,
        **fields,
    )
    business_event_record(
        actor=actor, verb="risk.raised", target=risk, data={"number": risk.number, "score": risk.score}
    )
    return risk


@transaction.atomic
def risk_update(*, actor: Any, risk: Risk, version: int | None, **changes: Any) -> Risk:
    if not can_edit_risk(actor, risk):
        raise Forbidden()
    unknown = set(changes) - RISK_EDITABLE
    if unknown:
        raise TypeError(f"risk_update got unknown fields {sorted(unknown)}")
    merged = {name: changes.get(name, getattr(risk, name)) for name in RISK_EDITABLE}
    _check_scores(merged)
    _check_strategy(merged["kind"], merged["strategy"] or "")
    if "owner" in changes:
        _check_owner(risk.project, changes["owner"])
    changes["score"] = risk_score(
        probability=merged["probability"],
        impact_schedule=merged["impact_schedule"],
        impact_cost=merged["impact_cost"],
        impact_quality=merged["impact_quality"],
    )
    risk, changed = versioned_update(risk, actor=actor, version=version, changes=changes)
    if "score" in changed:
        old_score, new_score = changed["score"]
        business_event_record(
            actor=actor, verb="risk.score_changed", target=risk, data={"from": old_score, "to": new_score}
        )
    return risk


def _move(actor: Any, risk: Risk, *, to: str, verb: str, allowed_from: tuple[str, ...], refusal: str) -> Risk:
    """Change the risk's status under a row lock (the status is checked on the locked row, so two people closing
    the same risk at once record one close), and record the business event."""
    if not can_edit_risk(actor, risk):
        raise Forbidden()
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    if locked.status not in allowed_from:
        raise ValidationFailed({"status": [refusal]})
    locked.status = to
    locked.version += 1
    locked.updated_by = actor
    locked._change_reason = "status"
    locked.save()
    business_event_record(actor=actor, verb=verb, target=locked, data={"number": locked.number})
    return locked


@transaction.atomic
def risk_close(*, actor: Any, risk: Risk) -> Risk:
    """The risk can no longer happen (or its window passed): it leaves the open register."""
    S = Risk.Status
    refusal = gettext("This risk is already closed.")
    return _move(actor, risk, to=S.CLOSED, verb="risk.closed", allowed_from=(S.OPEN, S.OCCURRED), refusal=refusal)


@transaction.atomic
def risk_reopen(*, actor: Any, risk: Risk) -> Risk:
    S = Risk.Status
    refusal = gettext("This risk is already open.")
    return _move(actor, risk, to=S.OPEN, verb="risk.reopened", allowed_from=(S.CLOSED, S.OCCURRED), refusal=refusal)


@transaction.atomic
def risk_occurred(
    *,
    actor: Any,
    risk: Risk,
    title: str = "",
    description: str = "",
    priority: str = IssueLogEntry.Priority.HIGH,
    owner: Any = None,
    due: date | None = None,
) -> IssueLogEntry:
    """The risk happened: mark it occurred and raise an issue in the issue log that points back to it."""
    from tripod.projects.services.issues import issue_create

    refusal = gettext("Only an open risk can occur.")
    S = Risk.Status
    risk = _move(actor, risk, to=S.OCCURRED, verb="risk.occurred", allowed_from=(S.OPEN,), refusal=refusal)
    return issue_create(
        actor=actor,
        project=risk.project,
        title=(title or "").strip() or risk.title,
        description=description or risk.effect or risk.event,
        priority=priority,
        owner=owner if owner is not None else risk.owner,
        due=due,
        risk=risk,
    )


# --- response actions -------------------------------------------------------------------------------------------------
@transaction.atomic
def risk_action_create(
    *, actor: Any, risk: Risk, description: str, owner: Any = None, due: date | None = None
) -> RiskAction:
    if not can_edit_risk(actor, risk):
        raise Forbidden()
    _check_owner(risk.project, owner)
    action = tracked_create(
        RiskAction, actor=actor, risk=risk, description=(description or "").strip(), owner=owner, due=due
    )
    business_event_record(actor=actor, verb="risk.action_added", target=risk, data={"action": action.pk})
    return action


@transaction.atomic
def risk_action_update(*, actor: Any, action: RiskAction, version: int | None, **changes: Any) -> RiskAction:
    if not can_edit_risk(actor, action.risk):
        raise Forbidden()
    unknown = set(changes) - RISK_ACTION_EDITABLE
    if unknown:
        raise TypeError(f"risk_action_update got unknown fields {sorted(unknown)}")
    if "owner" in changes:
        _check_owner(action.risk.project, changes["owner"])
    action, _ = versioned_update(action, actor=actor, version=version, changes=changes)
    return action


@transaction.atomic
def risk_action_set_done(*, actor: Any, action: RiskAction, done: bool = True) -> RiskAction:
    """Tick an action done (or not done again); the action's owner may do this too."""
    risk = action.risk
    own = actor.is_authenticated and action.owner_id == actor.pk and can_view_project_internals(actor, risk.project)
    if not (own or can_edit_risk(actor, risk)):
        raise Forbidden()
    if (action.done_at is not None) == done:
        return action
    stamp = timezone.now() if done else None
    action, _ = versioned_update(action, actor=actor, version=None, changes={"done_at": stamp})
    verb = "risk.action_done" if done else "risk.action_reopened"
    business_event_record(actor=actor, verb=verb, target=risk, data={"action": action.pk})
    return action


@transaction.atomic
def risk_action_delete(*, actor: Any, action: RiskAction) -> None:
    risk = action.risk
    if not can_edit_risk(actor, risk):
        raise Forbidden()
    data = {"action": action.pk, "description": action.description}
    action.delete()
    business_event_record(actor=actor, verb="risk.action_deleted", target=risk, data=data)
