"""Reads of buying signals and their rules, scoped to the user: signals (with their evidence) are the account
team's and admins'; rules are read by admins and AMs. The client portal sees none of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from tripod.clients.access import contacts_visible_to
from tripod.clients.access.interactions import interactions_visible_to
from tripod.clients.access.pipeline import contracts_visible_to
from tripod.clients.access.signals import signal_rules_visible_to, signals_visible_to
from tripod.clients.access.surveys import survey_responses_visible_to
from tripod.clients.models import (
    Client,
    Contact,
    Contract,
    Interaction,
    Signal,
    SignalEvidence,
    SignalRule,
    SurveyResponse,
)
from tripod.core.errors import NotFound

Kind = SignalRule.Kind


def _pk(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def signal_list(
    *,
    user: Any,
    client: Client | int | None = None,
    open_only: bool = True,
    rule: SignalRule | int | None = None,
    status: str | None = None,
) -> QuerySet[Signal]:
    """Signals the user may see, newest first, with rule, client and handler joined and the evidence prefetched
    (oldest first). ``open_only``: still live (open or acknowledged); ``status``: exactly that status."""
    qs = signals_visible_to(user).select_related("rule", "client", "acted_by", "followup")
    if client:
        qs = qs.filter(client=_pk(client))
    if rule:
        qs = qs.filter(rule=_pk(rule))
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=Signal.LIVE)
    evidence = SignalEvidence.objects.select_related("content_type").order_by("at", "pk")
    return qs.prefetch_related(Prefetch("evidence", queryset=evidence)).order_by("-raised_at", "-pk")


def signal_get(*, user: Any, pk: Any) -> Signal:
    """One signal the user may see (whatever its status), or 404."""
    try:
        return signal_list(user=user, open_only=False).get(pk=pk)
    except (Signal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(Signal._meta.verbose_name) from exc


def signal_counts(*, user: Any, client: Client | int | None = None) -> dict[str, int]:
    """Live signals the user may see: ``open``, ``acknowledged`` and ``high`` (live, of a high-severity rule)."""
    qs = signals_visible_to(user).filter(status__in=Signal.LIVE)
    if client:
        qs = qs.filter(client=_pk(client))
    return qs.aggregate(
        open=Count("pk", filter=Q(status=Signal.Status.OPEN)),
        acknowledged=Count("pk", filter=Q(status=Signal.Status.ACKNOWLEDGED)),
        high=Count("pk", filter=Q(rule__severity=SignalRule.Severity.HIGH)),
    )


def signal_rule_list(*, user: Any, active: bool | None = None) -> QuerySet[SignalRule]:
    """Rules the user may read, by name, each with ``live_count`` (its signals still open or acknowledged, over
    the clients the user may see)."""
    qs = signal_rules_visible_to(user)
    if active is not None:
        qs = qs.filter(active=active)
    visible = signals_visible_to(user).filter(status__in=Signal.LIVE).values("pk")
    return qs.annotate(live_count=Count("signals", filter=Q(signals__in=visible))).order_by("name", "pk")


def signal_rule_get(*, user: Any, pk: Any) -> SignalRule:
    try:
        return signal_rule_list(user=user).get(pk=pk)
    except (SignalRule.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(SignalRule._meta.verbose_name) from exc


def signal_headline(signal: Signal) -> str:
    """One line saying what the signal found, from its rule and its (prefetched) evidence."""
    evidence = list(signal.evidence.all())
    params = signal.rule.parameters or {}
    days = params.get("days", "")
    kind = signal.rule.kind
    if kind == Kind.CONTENT_DOWNLOADS:
        n = len(evidence)
        return ngettext(
            "%(count)s content download within %(days)s days",
            "%(count)s content downloads within %(days)s days",
            n,
        ) % {"count": n, "days": days}
    if kind == Kind.NEW_DECISION_MAKER:
        n = len(evidence)
        return ngettext(
            "%(count)s new decision maker in the last %(days)s days",
            "%(count)s new decision makers in the last %(days)s days",
            n,
        ) % {"count": n, "days": days}
    if kind == Kind.RENEWAL_DUE:
        return gettext("A renewal to decide within %(days)s days") % {"days": days}
    if kind == Kind.GOING_QUIET:
        return gettext("No interaction with the decision makers for %(days)s days or more") % {"days": days}
    n = len(evidence)
    return ngettext(
        "%(count)s detractor answer in the last %(days)s days",
        "%(count)s detractor answers in the last %(days)s days",
        n,
    ) % {"count": n, "days": days}


@dataclass(frozen=True)
class EvidenceLink:
    """A piece of evidence as shown: its label, what kind of record it is, and a link to the record when the user
    may still see it (None once it was deleted)."""

    evidence: SignalEvidence
    what: str
    url: str | None
    icon: str


_WHAT = {
    Interaction: ("chat-left-text", Interaction._meta.verbose_name),
    Contact: ("person", Contact._meta.verbose_name),
    Contract: ("file-earmark-text", Contract._meta.verbose_name),
    SurveyResponse: ("emoji-frown", SurveyResponse._meta.verbose_name),
}


def evidence_links(*, user: Any, signals: Iterable[Signal]) -> dict[int, list[EvidenceLink]]:
    """The evidence of ``signals`` (prefetched by :func:`signal_list`) by signal id, each linked to its record's
    page. One query per kind of record, over the records the user may see, however many signals there are."""
    signals = list(signals)
    wanted: dict[type, set[int]] = defaultdict(set)
    for signal in signals:
        for item in signal.evidence.all():
            model = item.content_type.model_class()
            wanted[model].add(item.object_id)
    urls: dict[tuple[type, int], str] = {}
    if ids := wanted.get(Interaction):
        for pk, client_id in interactions_visible_to(user).filter(pk__in=ids).values_list("pk", "client_id"):
            urls[(Interaction, pk)] = reverse("clients:interaction_detail", args=[client_id, pk])
    if ids := wanted.get(Contact):
        for pk, client_id in contacts_visible_to(user).filter(pk__in=ids).values_list("pk", "client_id"):
            urls[(Contact, pk)] = reverse("clients:decision_chain", args=[client_id])
    if ids := wanted.get(Contract):
        for pk in contracts_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True):
            urls[(Contract, pk)] = reverse("clients:contract_detail", args=[pk])
    if ids := wanted.get(SurveyResponse):
        rows = survey_responses_visible_to(user).filter(pk__in=ids).values_list("pk", "invitation__survey_id")
        for pk, survey_id in rows:
            urls[(SurveyResponse, pk)] = reverse("clients:survey_detail", args=[survey_id])
    links: dict[int, list[EvidenceLink]] = {}
    for signal in signals:
        links[signal.pk] = []
        for item in signal.evidence.all():
            model = item.content_type.model_class()
            icon, what = _WHAT.get(model, ("link-45deg", ""))
            links[signal.pk].append(EvidenceLink(item, str(what), urls.get((model, item.object_id)), icon))
    return links


def signal_filter_choices(*, user: Any) -> tuple[QuerySet[Client], QuerySet[SignalRule]]:
    """The clients and the rules of the signals the user may see, for the list's filters."""
    visible = signals_visible_to(user)
    clients = Client.objects.filter(pk__in=visible.values("client_id")).order_by("name")
    rules = SignalRule.objects.filter(pk__in=visible.values("rule_id")).order_by("name")
    return clients, rules
