"""Writes on buying signals: the rules (admins create, edit, deactivate them), the periodic evaluation that raises
signals with their evidence, and the account team's handling of a signal (acknowledge, dismiss with a reason, act,
optionally giving out a follow-up).

Evaluation (``signals_evaluate``) runs as the system. Each active rule looks at every client that is not lost and
finds the records that make it fire (its evidence). Then, per rule and client:

- a signal still live (open or acknowledged) gets the evidence it does not have yet (``signal.extended``);
- otherwise a new signal is raised (``signal.raised``) unless every piece of evidence was already on an earlier
  signal of the same rule and client: a dismissed signal does not come back for the same records.

The rule's row is locked while it is evaluated, so two runs at once cannot raise the same signal twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tripod.clients.access.signals import can_handle_signal, can_manage_signal_rules
from tripod.clients.models import (
    Client,
    Contact,
    Contract,
    Interaction,
    Signal,
    SignalEvidence,
    SignalRule,
    Survey,
    SurveyResponse,
)
from tripod.clients.services.interactions import followup_create
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update

Kind = SignalRule.Kind
KEY_ROLES = (Contact.DecisionRole.ECONOMIC_BUYER, Contact.DecisionRole.DECISION_MAKER)
NPS_DETRACTOR_MAX, CSAT_DETRACTOR_MAX = 6, 2  # as the surveys count detractors
LABEL_MAX = 300


@dataclass(frozen=True)
class Parameter:
    label: Any
    default: int
    low: int
    high: int


_DAYS = gettext_lazy("Days")
KIND_PARAMETERS: dict[str, dict[str, Parameter]] = {
    Kind.CONTENT_DOWNLOADS: {
        "count": Parameter(gettext_lazy("Number of downloads"), 3, 1, 100),
        "days": Parameter(_DAYS, 14, 1, 365),
    },
    Kind.NEW_DECISION_MAKER: {"days": Parameter(_DAYS, 30, 1, 365)},
    Kind.RENEWAL_DUE: {"days": Parameter(_DAYS, 90, 1, 730)},
    Kind.GOING_QUIET: {"days": Parameter(_DAYS, 60, 1, 730)},
    Kind.DETRACTOR: {"days": Parameter(_DAYS, 30, 1, 365)},
}

# The rules a new installation starts with: code, name, kind, severity, description.
DEFAULT_RULES: list[tuple[str, Any, str, str, Any]] = [
    ("content-downloads", gettext_lazy("Research under way"), Kind.CONTENT_DOWNLOADS, "medium",
     gettext_lazy("Several content downloads from one client in a short time: someone is researching a purchase.")),
    ("new-decision-maker", gettext_lazy("New decision maker"), Kind.NEW_DECISION_MAKER, "high",
     gettext_lazy("A new decision maker or economic buyer: introduce ourselves before someone else does.")),
    ("renewal-due", gettext_lazy("Renewal coming up"), Kind.RENEWAL_DUE, "high",
     gettext_lazy("A contract's renewal must be decided soon and is not settled yet.")),
    ("going-quiet", gettext_lazy("Decision makers going quiet"), Kind.GOING_QUIET, "medium",
     gettext_lazy("Nobody has spoken with the client's decision makers for a while.")),
    ("detractor", gettext_lazy("Detractor"), Kind.DETRACTOR, "high",
     gettext_lazy("A contact answered a survey as a detractor: NPS 0 to 6, CSAT 1 or 2.")),
]  # fmt: skip

RULE_EDITABLE = {"name", "kind", "parameters", "severity", "active", "description"}


# --- rules ------------------------------------------------------------------------------------------------------------
def rule_parameters(kind: str, parameters: dict[str, Any] | None) -> dict[str, int]:
    """The kind's parameters with defaults filled in; raises ValidationFailed naming each bad parameter."""
    if kind not in KIND_PARAMETERS:
        raise ValidationFailed({"kind": [gettext("Choose a kind of rule.")]})
    schema = KIND_PARAMETERS[kind]
    given = dict(parameters or {})
    errors: dict[str, list[str]] = {}
    for name in given:
        if name not in schema:
            message = gettext("“%(parameter)s” is not a parameter of this kind of rule.")
            errors[name] = [message % {"parameter": name}]
    cleaned: dict[str, int] = {}
    for name, parameter in schema.items():
        value = given.get(name, parameter.default)
        if value is None:
            value = parameter.default
        if isinstance(value, bool) or not isinstance(value, int) or not parameter.low <= value <= parameter.high:
            message = gettext("%(parameter)s must be a whole number from %(low)s to %(high)s.")
            errors[name] = [message % {"parameter": parameter.label, "low": parameter.low, "high": parameter.high}]
            continue
        cleaned[name] = value
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _check_severity(severity: str) -> None:
    if severity not in SignalRule.Severity.values:
        raise ValidationFailed({"severity": [gettext("Choose low, medium or high.")]})


@transaction.atomic
def signal_rule_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parameters: dict[str, Any] | None = None,
    severity: str = SignalRule.Severity.MEDIUM,
    active: bool = True,
    description: str = "",
) -> SignalRule:
    if not can_manage_signal_rules(actor):
        raise Forbidden()
    cleaned = rule_parameters(kind, parameters)
    _check_severity(severity)
    rule = tracked_create(
        SignalRule,
        actor=actor,
        code=(code or "").strip(),
        name=(name or "").strip(),
        kind=kind,
        parameters=cleaned,
        severity=severity,
        active=active,
        description=(description or "").strip(),
    )
    business_event_record(
        actor=actor, verb="signal_rule.created", target=rule, data={"kind": kind, "parameters": cleaned}
    )
    return rule


@transaction.atomic
def signal_rule_update(*, actor: Any, rule: SignalRule, version: int | None, **changes: Any) -> SignalRule:
    """Edit a rule (its code stays: it is how the rule is known). Changing the kind re-checks the parameters
    against the new kind's."""
    if not can_manage_signal_rules(actor):
        raise Forbidden()
    unknown = set(changes) - RULE_EDITABLE
    if unknown:
        raise TypeError(f"signal_rule_update got unknown fields {sorted(unknown)}")
    kind = changes.get("kind", rule.kind)
    if "parameters" in changes:
        changes["parameters"] = rule_parameters(kind, changes["parameters"])
    elif "kind" in changes:  # keep what the new kind shares with the old (the window in days), default the rest
        kept = {k: v for k, v in rule.parameters.items() if k in KIND_PARAMETERS.get(kind, {})}
        changes["parameters"] = rule_parameters(kind, kept)
    if "severity" in changes:
        _check_severity(changes["severity"])
    for name in ("name", "description"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    active_before = rule.active
    rule, changed = versioned_update(rule, actor=actor, version=version, changes=changes)
    if changed:
        data = {"fields": sorted(changed)}
        if "parameters" in changed:
            data["parameters"] = rule.parameters
        business_event_record(actor=actor, verb="signal_rule.changed", target=rule, data=data)
    if rule.active != active_before:
        verb = "signal_rule.activated" if rule.active else "signal_rule.deactivated"
        business_event_record(actor=actor, verb=verb, target=rule, data={})
    return rule


def signal_rule_set_active(*, actor: Any, rule: SignalRule, active: bool) -> SignalRule:
    """Deactivate a rule (it raises nothing new; its signals stay) or activate it again."""
    return signal_rule_update(actor=actor, rule=rule, version=None, active=active)


@transaction.atomic
def signal_rules_install_defaults(*, actor: Any) -> list[SignalRule]:
    """Create the default rules whose codes are not taken yet (admins; safe to run again)."""
    if not can_manage_signal_rules(actor):
        raise Forbidden()
    taken = set(SignalRule.objects.values_list("code", flat=True))
    return [
        signal_rule_create(
            actor=actor, code=code, name=str(name), kind=kind, severity=severity, description=str(description)
        )
        for code, name, kind, severity, description in DEFAULT_RULES
        if code not in taken
    ]


# --- evaluation -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    """One record that makes a rule fire."""

    record: models.Model
    label: str
    at: dt.datetime | None


def _eligible_clients() -> models.QuerySet[Client]:
    return Client.objects.exclude(status=Client.Status.LOST)


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _content_downloads(params: dict[str, int], now: dt.datetime) -> dict[int, list[Evidence]]:
    since = now - dt.timedelta(days=params["days"])
    hits: dict[int, list[Evidence]] = defaultdict(list)
    downloads = Interaction.objects.filter(
        kind=Interaction.Kind.CONTENT_DOWNLOAD, at__gte=since, at__lte=now, client__in=_eligible_clients()
    ).order_by("at", "pk")
    for interaction in downloads:
        hits[interaction.client_id].append(Evidence(interaction, _label(interaction.subject), interaction.at))
    return {client_id: items for client_id, items in hits.items() if len(items) >= params["count"]}


def _contact_label(contact: Contact) -> str:
    return _label(f"{contact.name} ({contact.title})" if contact.title else contact.name)


def _new_decision_makers(params: dict[str, int], now: dt.datetime) -> dict[int, list[Evidence]]:
    since = now - dt.timedelta(days=params["days"])
    hits: dict[int, list[Evidence]] = defaultdict(list)
    contacts = Contact.objects.filter(
        role_in_decision_chain__in=KEY_ROLES,
        active=True,
        created_at__gte=since,
        created_at__lte=now,
        client__in=_eligible_clients(),
    ).order_by("created_at", "pk")
    for contact in contacts:
        hits[contact.client_id].append(Evidence(contact, _contact_label(contact), contact.created_at))
    return dict(hits)


def _renewals_due(params: dict[str, int], now: dt.datetime) -> dict[int, list[Evidence]]:
    horizon = timezone.localdate(now) + dt.timedelta(days=params["days"])
    hits: dict[int, list[Evidence]] = defaultdict(list)
    contracts = (
        Contract.objects.filter(
            status=Contract.Status.ACTIVE,
            renewal_date__isnull=False,
            renewal_date__lte=horizon,
            client__in=_eligible_clients(),
        )
        .exclude(renewal_status__in=Contract.SETTLED_RENEWALS)
        .order_by("renewal_date", "pk")
    )
    for contract in contracts:
        label = _label(f"{contract.number} {contract.title}")
        hits[contract.client_id].append(Evidence(contract, label, _day_start(contract.renewal_date)))
    return dict(hits)


def _going_quiet(params: dict[str, int], now: dt.datetime) -> dict[int, list[Evidence]]:
    """Clients none of whose (active) economic buyers and decision makers has had an interaction with us for
    ``days`` days; a key contact added more recently than that has not been quiet that long."""
    quiet_since = now - dt.timedelta(days=params["days"])
    latest = Interaction.objects.filter(contacts=OuterRef("pk"), at__lte=now).order_by("-at", "-pk")
    contacts = (
        Contact.objects.filter(role_in_decision_chain__in=KEY_ROLES, active=True, client__in=_eligible_clients())
        .annotate(last_touch_at=Subquery(latest.values("at")[:1]), last_touch_id=Subquery(latest.values("pk")[:1]))
        .order_by("client_id", "name", "pk")
    )
    by_client: dict[int, list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_client[contact.client_id].append(contact)
    touches = Interaction.objects.in_bulk([c.last_touch_id for c in contacts if c.last_touch_id])
    hits: dict[int, list[Evidence]] = {}
    for client_id, key_contacts in by_client.items():
        if any((c.last_touch_at or c.created_at) > quiet_since for c in key_contacts):
            continue
        items = []
        for contact in key_contacts:
            items.append(Evidence(contact, _contact_label(contact), contact.last_touch_at))
            if (touch := touches.get(contact.last_touch_id)) is not None:
                items.append(Evidence(touch, _label(touch.subject), touch.at))
        hits[client_id] = list({(type(i.record), i.record.pk): i for i in items}.values())
    return hits


def _detractors(params: dict[str, int], now: dt.datetime) -> dict[int, list[Evidence]]:
    """Detractors as the surveys count them (NPS 0-6, CSAT 1-2: the answers that put a call-back on the AM's
    list) answered within ``days`` days."""
    since = now - dt.timedelta(days=params["days"])
    hits: dict[int, list[Evidence]] = defaultdict(list)
    detractors = Q(invitation__survey__kind=Survey.Kind.NPS, score__lte=NPS_DETRACTOR_MAX) | Q(
        invitation__survey__kind=Survey.Kind.CSAT, score__lte=CSAT_DETRACTOR_MAX
    )
    responses = (
        SurveyResponse.objects.filter(
            detractors,
            answered_at__gte=since,
            answered_at__lte=now,
            invitation__survey__client__in=_eligible_clients(),
        )
        .select_related("invitation__contact", "invitation__survey")
        .order_by("answered_at", "pk")
    )
    for response in responses:
        survey = response.invitation.survey
        label = f"{response.invitation.contact.name}: {response.score}/{survey.score_range[1]} · {survey.title}"
        hits[survey.client_id].append(Evidence(response, _label(label), response.answered_at))
    return dict(hits)


FINDERS = {
    Kind.CONTENT_DOWNLOADS: _content_downloads,
    Kind.NEW_DECISION_MAKER: _new_decision_makers,
    Kind.RENEWAL_DUE: _renewals_due,
    Kind.GOING_QUIET: _going_quiet,
    Kind.DETRACTOR: _detractors,
}


def rule_hits(rule: SignalRule, *, now: dt.datetime) -> dict[int, list[Evidence]]:
    """What ``rule`` finds as of ``now``: the evidence for each client id it fires on."""
    return FINDERS[rule.kind](rule_parameters(rule.kind, rule.parameters), now)


type EvidenceKey = tuple[int, int]  # (content type id, object id)


def _key(item: Evidence) -> EvidenceKey:
    return (ContentType.objects.get_for_model(item.record).pk, item.record.pk)


def _add_evidence(signal: Signal, items: Iterable[Evidence], now: dt.datetime) -> list[SignalEvidence]:
    rows = [
        SignalEvidence(
            signal=signal, content_type_id=_key(i)[0], object_id=i.record.pk, label=i.label, at=i.at, added_at=now
        )
        for i in items
    ]
    return SignalEvidence.objects.bulk_create(rows)


def _latest(items: Iterable[Evidence]) -> dt.datetime | None:
    return max((i.at for i in items if i.at is not None), default=None)


def _evaluate_rule(rule: SignalRule, now: dt.datetime) -> tuple[int, int]:
    hits = rule_hits(rule, now=now)
    if not hits:
        return 0, 0
    signals = list(Signal.objects.filter(rule=rule, client_id__in=hits).order_by("pk"))
    keys_by_signal: dict[int, set[EvidenceKey]] = defaultdict(set)
    for signal_id, ct, oid in SignalEvidence.objects.filter(signal__in=signals).values_list(
        "signal_id", "content_type_id", "object_id"
    ):
        keys_by_signal[signal_id].add((ct, oid))
    raised = extended = 0
    for client_id, items in hits.items():
        mine = [s for s in signals if s.client_id == client_id]
        live = next((s for s in mine if s.is_live), None)
        if live is not None:
            new = [i for i in items if _key(i) not in keys_by_signal[live.pk]]
            if not new:
                continue
            _add_evidence(live, new, now)
            live.last_evidence_at = max(filter(None, [live.last_evidence_at, _latest(new)]), default=None)
            live.version += 1
            live._change_reason = "evidence"
            live.save()
            business_event_record(
                actor=None,
                verb="signal.extended",
                target=live,
                data={"rule": rule.code, "client": client_id, "added": len(new)},
            )
            extended += 1
            continue
        seen = set().union(*(keys_by_signal[s.pk] for s in mine)) if mine else set()
        if all(_key(i) in seen for i in items):
            continue  # the same records already raised a signal that was handled
        signal = tracked_create(
            Signal, actor=None, rule=rule, client_id=client_id, raised_at=now, last_evidence_at=_latest(items)
        )
        _add_evidence(signal, items, now)
        business_event_record(
            actor=None,
            verb="signal.raised",
            target=signal,
            data={"rule": rule.code, "kind": rule.kind, "client": client_id, "evidence": len(items)},
        )
        raised += 1
    return raised, extended


def signals_evaluate(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Evaluate every active rule over every client as of ``now``; returns how many rules ran and how many signals
    were raised and extended. Each rule is evaluated in its own transaction, under a lock on the rule's row."""
    now = now or timezone.now()
    counts = {"rules": 0, "raised": 0, "extended": 0}
    for rule_id in SignalRule.objects.filter(active=True).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            rule = SignalRule.objects.select_for_update().filter(pk=rule_id, active=True).first()
            if rule is None:
                continue
            raised, extended = _evaluate_rule(rule, now)
        counts["rules"] += 1
        counts["raised"] += raised
        counts["extended"] += extended
    return counts


# --- handling a signal ------------------------------------------------------------------------------------------------
def _handle(
    actor: Any,
    signal: Signal,
    *,
    to: str,
    verb: str,
    allowed_from: tuple[str, ...],
    refusal: str,
    note: str,
    **extra: Any,
) -> Signal:
    """Move the signal under a row lock (the status is checked on the locked row, so two people handling it at
    once record one decision) and record the business event."""
    if not can_handle_signal(actor, signal):
        raise Forbidden()
    locked = Signal.objects.select_for_update().get(pk=signal.pk)
    if locked.status not in allowed_from:
        raise ValidationFailed({"status": [refusal]})
    before = locked.status
    locked.status = to
    locked.note = (note or "").strip() or locked.note
    locked.acted_by = actor
    locked.handled_at = timezone.now()
    for name, value in extra.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_by = actor
    locked._change_reason = "status"
    locked.save()
    data: dict[str, Any] = {"from": before, "to": to}
    if locked.note:
        data["note"] = locked.note
    if locked.followup_id:
        data["followup"] = locked.followup_id
    business_event_record(actor=actor, verb=verb, target=locked, data=data)
    return locked


@transaction.atomic
def signal_acknowledge(*, actor: Any, signal: Signal, note: str = "") -> Signal:
    """Seen, being looked at: it stays on the list (and gathers new evidence) until dismissed or acted on."""
    return _handle(
        actor,
        signal,
        to=Signal.Status.ACKNOWLEDGED,
        verb="signal.acknowledged",
        allowed_from=(Signal.Status.OPEN,),
        refusal=gettext("Only an open signal can be acknowledged."),
        note=note,
    )


@transaction.atomic
def signal_dismiss(*, actor: Any, signal: Signal, reason: str) -> Signal:
    """Not a real signal, or nothing to do: say why. The same records will not raise it again."""
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [gettext("Say why the signal is dismissed.")]})
    return _handle(
        actor,
        signal,
        to=Signal.Status.DISMISSED,
        verb="signal.dismissed",
        allowed_from=Signal.LIVE,
        refusal=gettext("This signal was already dismissed or acted on."),
        note=reason,
    )


@transaction.atomic
def signal_act(
    *,
    actor: Any,
    signal: Signal,
    note: str = "",
    followup_text: str = "",
    followup_due: dt.date | None = None,
    followup_owner: Any = None,
) -> Signal:
    """Someone acted on the signal; with ``followup_text`` a follow-up is given out too (due ``followup_due``,
    owned by ``followup_owner`` or the client's account manager)."""
    if not can_handle_signal(actor, signal):
        raise Forbidden()
    followup_text = (followup_text or "").strip()
    if followup_text and followup_due is None:
        raise ValidationFailed({"followup_due": [gettext("Give the follow-up a due date.")]})
    if followup_due is not None and not followup_text:
        raise ValidationFailed({"followup_text": [gettext("Say what the follow-up is.")]})
    extra = {}
    if followup_text:  # written first; a refused move below rolls it back with everything else
        extra["followup"] = followup_create(
            actor=actor, client=signal.client, text=followup_text, due=followup_due, owner=followup_owner
        )
    return _handle(
        actor,
        signal,
        to=Signal.Status.ACTED,
        verb="signal.acted",
        allowed_from=Signal.LIVE,
        refusal=gettext("This signal was already dismissed or acted on."),
        note=note,
        **extra,
    )
