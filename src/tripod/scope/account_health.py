"""The health of one client account, computed from the records behind it, for the client 360 page and the account
manager's cockpit.

Each component reads one domain through its scoped selector and grades it good / watch / at risk by a rule stated
in words next to the value, with the records that decided it. The overall status is the WORST component status:
one account at risk anywhere is an account at risk (a weighted health score is a later issue). A component with
no data to grade (no survey answered, nothing billed yet) says so and does not count.

Who gets which component: delivery (SPI / CPI) only for users who may see the costs of at least one of the client's
active projects; the account side (satisfaction, SLA, relationship coverage, collections, renewals, signals) only
for the client's account team and admins, who see all of it: a PM who sees a few of the client's tickets would
otherwise get a grade built on part of the picture. The client's portal users get no component at all.

The grading functions (``grade_*``) are pure; ``account_health`` loads the data in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tripod.clients.access.accounts import is_on_account_team
from tripod.clients.models import BillingMilestone, Client, Contact, Survey
from tripod.clients.selectors.accounts import contact_list
from tripod.clients.selectors.pipeline import ZERO, Collection, CollectionRate, renewals_due
from tripod.clients.selectors.signals import signal_headline, signal_list
from tripod.clients.selectors.surveys import TrendPoint, csat, detractor_list, nps, survey_responses, trend_periods
from tripod.clients.selectors.tickets import ticket_list, with_sla
from tripod.core.access import scope
from tripod.projects.models import Project
from tripod.projects.selectors.budget import earned_value_for_projects, projects_with_visible_costs
from tripod.projects.selectors.cockpit import AMBER_FROM, GREEN_FROM

GOOD, WATCH, AT_RISK, NO_DATA = "good", "watch", "at_risk", "none"
SEVERITY = {NO_DATA: -1, GOOD: 0, WATCH: 1, AT_RISK: 2}
STATUS_LABELS = {GOOD: _("Good"), WATCH: _("Watch"), AT_RISK: _("At risk"), NO_DATA: _("No data")}

KEY_ROLES = (Contact.DecisionRole.ECONOMIC_BUYER, Contact.DecisionRole.DECISION_MAKER)
TOUCH_WINDOW_DAYS = 60
SLA_WINDOW_DAYS = 90
DETRACTOR_WINDOW_DAYS = 90  # detractors listed as the records behind the satisfaction grade
RENEWAL_WINDOW_DAYS = 90
SLA_GOOD_FROM = 95.0  # % compliance
SLA_WATCH_FROM = 80.0
NPS_GOOD_ABOVE = Decimal("30")  # the surveys' own bands: above 30 good, below 0 bad
NPS_DROP = Decimal("10")  # points lost since the previous quarter that call for a look
CSAT_GOOD_FROM = Decimal("4")
CSAT_RISK_BELOW = Decimal("3")
CSAT_DROP = Decimal("0.5")
COLLECTION_GOOD_FROM = Decimal("0.9")
COLLECTION_WATCH_FROM = Decimal("0.7")
RECORDS_SHOWN = 5

type Label = str | Promise


@dataclass(frozen=True)
class Evidence:
    """One record behind a component's grade, with a link to it for those who may open it."""

    label: str
    url: str | None = None


@dataclass(frozen=True)
class HealthComponent:
    code: str
    title: Label
    value: str
    status: str
    rule: Label
    records: Sequence[Evidence] = ()
    more: int = 0  # records left out of ``records``

    @property
    def status_label(self) -> Label:
        return STATUS_LABELS[self.status]

    @property
    def counts(self) -> bool:
        return self.status != NO_DATA


@dataclass(frozen=True)
class AccountHealth:
    client: Client
    today: dt.date
    components: list[HealthComponent] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The worst status among the graded components (``none`` when nothing could be graded)."""
        return worst(c.status for c in self.components)

    @property
    def status_label(self) -> Label:
        return STATUS_LABELS[self.status]

    @property
    def reasons(self) -> list[HealthComponent]:
        """The components that are not good, worst first: why the account needs attention."""
        flagged = [c for c in self.components if c.status in (WATCH, AT_RISK)]
        return sorted(flagged, key=lambda c: -SEVERITY[c.status])

    def component(self, code: str) -> HealthComponent | None:
        return next((c for c in self.components if c.code == code), None)


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=lambda s: SEVERITY[s], default=NO_DATA)


# --- pure grading -----------------------------------------------------------------------------------------------------
def grade_index(value: Decimal | None) -> str:
    """SPI or CPI in the earned-value bands of the PM cockpit: good from 0.95, watch from 0.85, at risk below."""
    if value is None:
        return NO_DATA
    return GOOD if value >= GREEN_FROM else WATCH if value >= AMBER_FROM else AT_RISK


def grade_nps(latest: Decimal | None, previous: Decimal | None) -> str:
    if latest is None:
        return NO_DATA
    if latest < 0:
        return AT_RISK
    dropped = previous is not None and previous - latest >= NPS_DROP
    return GOOD if latest > NPS_GOOD_ABOVE and not dropped else WATCH


def grade_csat(latest: Decimal | None, previous: Decimal | None) -> str:
    if latest is None:
        return NO_DATA
    if latest < CSAT_RISK_BELOW:
        return AT_RISK
    dropped = previous is not None and previous - latest >= CSAT_DROP
    return GOOD if latest >= CSAT_GOOD_FROM and not dropped else WATCH


def grade_sla(*, breached: int, near_breach: int, compliance: float | None) -> str:
    if breached or (compliance is not None and compliance < SLA_WATCH_FROM):
        return AT_RISK
    if near_breach or (compliance is not None and compliance < SLA_GOOD_FROM):
        return WATCH
    return GOOD


def grade_coverage(*, touched: int, total: int) -> str:
    """All key contacts touched: good; at least half: watch; fewer, or none recorded: at risk / watch."""
    if total == 0:
        return WATCH  # nobody at the top of the decision chain is known: a gap to close, not yet a loss
    if touched == total:
        return GOOD
    return WATCH if touched * 2 >= total else AT_RISK


def grade_collection(rate: Decimal | None) -> str:
    if rate is None:
        return NO_DATA
    return GOOD if rate >= COLLECTION_GOOD_FROM else WATCH if rate >= COLLECTION_WATCH_FROM else AT_RISK


def grade_renewals(*, overdue: int, due: int) -> str:
    return AT_RISK if overdue else WATCH if due else GOOD


def grade_signals(open_signals: int) -> str:
    return WATCH if open_signals else GOOD


def latest_two(points: Sequence[TrendPoint]) -> tuple[Decimal | None, Decimal | None]:
    """The values of the latest period with answers and of the one with answers before it."""
    answered = [p.value for p in points if p.count and p.value is not None]
    latest = answered[-1] if answered else None
    previous = answered[-2] if len(answered) > 1 else None
    return latest, previous


def _ratio_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _pct(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{Decimal(str(value)).quantize(Decimal('0.1'))} %"


def _trimmed(records: list[Evidence]) -> tuple[list[Evidence], int]:
    return records[:RECORDS_SHOWN], max(0, len(records) - RECORDS_SHOWN)


def _by_client(rows: Iterable[Any], key: str = "client_id") -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _day(value: dt.datetime | None) -> str:
    return f"{timezone.localdate(value):%Y-%m-%d}" if value else gettext("never")


# --- components, each over a batch of clients in a fixed number of queries --------------------------------------------
type Components = dict[int, HealthComponent]


def _delivery(user: Any, ids: list[int]) -> Components:
    active = projects_with_visible_costs(user).filter(client__in=ids).exclude(phase=Project.Phase.CLOSED)
    projects = list(active.order_by("code"))
    figures = earned_value_for_projects(user=user, projects=projects) if projects else {}
    result: Components = {}
    for client_id, own in _by_client(projects).items():
        rows, statuses = [], []
        for project in own:
            ev = figures.get(project.pk)
            spi, cpi = (ev.spi, ev.cpi) if ev else (None, None)
            status = worst([grade_index(spi), grade_index(cpi)])
            statuses.append(status)
            text = gettext("%(project)s: SPI %(spi)s, CPI %(cpi)s") % {
                "project": project.code,
                "spi": _ratio_text(spi),
                "cpi": _ratio_text(cpi),
            }
            rows.append((SEVERITY[status], Evidence(text, reverse("projects:detail", args=[project.pk]))))
        rows.sort(key=lambda row: -row[0])
        records, more = _trimmed([evidence for _severity, evidence in rows])
        measured = sum(1 for s in statuses if s != NO_DATA)
        result[client_id] = HealthComponent(
            "delivery",
            _("Delivery"),
            gettext("%(measured)s of %(count)s active projects measured") % {"measured": measured, "count": len(own)},
            worst(statuses),
            _("The worse of SPI and CPI over the active projects: good from 0.95, watch from 0.85, at risk below."),
            records,
            more,
        )
    return result


def _quarter(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _trend_text(latest: Decimal | None, previous: Decimal | None, places: str) -> str:
    if latest is None:
        return "—"
    step = Decimal(places)
    text = f"{latest.quantize(step)}"
    if previous is not None:
        change = latest - previous
        text += f" ({'+' if change >= 0 else ''}{change.quantize(step)})"
    return text


def _satisfaction(user: Any, ids: list[int], today: dt.date) -> Components:
    first = trend_periods(today=today, months=12, period="quarter")[0]
    scores: dict[tuple[int, str], dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(list))
    answers = survey_responses(user=user).filter(invitation__survey__client__in=ids, answered_at__date__gte=first)
    for client_id, kind, score, answered_at in answers.values_list(
        "invitation__survey__client_id", "invitation__survey__kind", "score", "answered_at"
    ):
        scores[(client_id, kind)][_quarter(timezone.localdate(answered_at))].append(score)
    detractors: dict[int, list[Any]] = defaultdict(list)
    since = today - dt.timedelta(days=DETRACTOR_WINDOW_DAYS)
    for answer in detractor_list(user=user, since=since).filter(invitation__survey__client__in=ids):
        detractors[answer.invitation.survey.client_id].append(answer)

    def values(client_id: int, kind: str, measure: Any) -> list[TrendPoint]:
        by_quarter = scores.get((client_id, kind), {})
        return [
            TrendPoint(start, "", len(by_quarter[start]), measure(by_quarter[start])) for start in sorted(by_quarter)
        ]

    result: Components = {}
    for client_id in ids:
        nps_latest, nps_previous = latest_two(values(client_id, Survey.Kind.NPS, lambda s: nps(s).score))
        csat_latest, csat_previous = latest_two(values(client_id, Survey.Kind.CSAT, lambda s: csat(s).mean))
        records, more = _trimmed(
            [
                Evidence(
                    gettext("Detractor: %(contact)s scored %(score)s on %(day)s")
                    % {
                        "contact": answer.invitation.contact.name if answer.invitation.contact_id else "—",
                        "score": answer.score,
                        "day": _day(answer.answered_at),
                    },
                    reverse("clients:survey_detail", args=[answer.invitation.survey_id]),
                )
                for answer in detractors[client_id]
            ]
        )
        result[client_id] = HealthComponent(
            "satisfaction",
            _("Satisfaction"),
            gettext("NPS %(nps)s · CSAT %(csat)s")
            % {
                "nps": _trend_text(nps_latest, nps_previous, "1"),
                "csat": _trend_text(csat_latest, csat_previous, "0.1"),
            },
            worst([grade_nps(nps_latest, nps_previous), grade_csat(csat_latest, csat_previous)]),
            _(
                "Latest quarter with answers against the one before: NPS above 30 is good, below 0 at risk, a drop "
                "of 10 points or more is watch; CSAT from 4 is good, below 3 at risk, a drop of 0.5 is watch."
            ),
            records,
            more,
        )
    return result


def _compliance(rows: list[tuple[Any, ...]]) -> float | None:
    """The lower of first-response and resolution compliance (% met among the tickets that reached the target), as
    ``clients.selectors.tickets.sla_metrics`` counts them."""
    shares = []
    for target, minutes, breached in ((1, 2, 3), (4, 5, 6)):
        reached = [r for r in rows if r[target] is not None and r[minutes] is not None]
        if reached:
            shares.append(round(sum(1 for r in reached if not r[breached]) * 100 / len(reached), 1))
    return min(shares) if shares else None


def _sla(user: Any, ids: list[int], today: dt.date) -> Components:
    now = timezone.now()
    open_tickets = _by_client(with_sla(list(ticket_list(user=user, open_only=True).filter(client__in=ids)), now))
    since = now - dt.timedelta(days=SLA_WINDOW_DAYS)
    history: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in (
        ticket_list(user=user)
        .filter(client__in=ids, opened_at__gte=since)
        .order_by()
        .values_list(
            "client_id",
            "response_target_minutes",
            "response_minutes",
            "response_breached",
            "resolution_target_minutes",
            "resolution_minutes",
            "resolution_breached",
        )
    ):
        history[row[0]].append(row)
    result: Components = {}
    for client_id in ids:
        tickets = open_tickets.get(client_id, [])
        breached = [t for t in tickets if t.sla.state == "breached"]
        near = [t for t in tickets if t.sla.state == "warning"]
        compliance = _compliance(history.get(client_id, []))
        records, more = _trimmed(
            [
                Evidence(f"#{t.pk} {t.subject} — {t.sla.label}", reverse("clients:ticket_detail", args=[t.pk]))
                for t in breached + near
            ]
        )
        result[client_id] = HealthComponent(
            "sla",
            _("SLA"),
            gettext("%(open)s open, %(breached)s breached, %(near)s near breach · compliance %(compliance)s")
            % {"open": len(tickets), "breached": len(breached), "near": len(near), "compliance": _pct(compliance)},
            grade_sla(breached=len(breached), near_breach=len(near), compliance=compliance),
            _(
                "An open ticket past its target, or compliance under 80 % over 90 days, is at risk; an open ticket "
                "near breach, or compliance under 95 %, is watch."
            ),
            records,
            more,
        )
    return result


def _coverage(user: Any, ids: list[int], today: dt.date) -> Components:
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=TOUCH_WINDOW_DAYS), dt.time.min))
    contacts = _by_client(
        contact_list(user=user, active=True).filter(client__in=ids, role_in_decision_chain__in=KEY_ROLES)
    )
    result: Components = {}
    for client_id in ids:
        own = contacts.get(client_id, [])
        touched = [c for c in own if c.last_touch_at is not None and c.last_touch_at >= since]
        url = reverse("clients:decision_chain", args=[client_id])
        records, more = _trimmed(
            [
                Evidence(
                    gettext("%(name)s (%(role)s): last touch %(when)s")
                    % {"name": c.name, "role": c.get_role_in_decision_chain_display(), "when": _day(c.last_touch_at)},
                    url,
                )
                for c in own
                if c not in touched
            ]
        )
        result[client_id] = HealthComponent(
            "coverage",
            _("Relationship coverage"),
            gettext("%(touched)s of %(total)s decision makers and economic buyers touched in 60 days")
            % {"touched": len(touched), "total": len(own)}
            if own
            else gettext("No decision maker or economic buyer recorded"),
            grade_coverage(touched=len(touched), total=len(own)),
            _(
                "Active decision makers and economic buyers with an interaction in the last 60 days: all is good, "
                "at least half is watch, fewer is at risk; none recorded is watch."
            ),
            records,
            more,
        )
    return result


def _collections(user: Any, ids: list[int], today: dt.date) -> Components:
    milestones = scope(BillingMilestone.objects.all(), user).filter(contract__client__in=ids, due__lte=today)
    sums: dict[int, list[Collection]] = defaultdict(list)
    for row in (
        milestones.order_by()
        .values("contract__client_id", "contract__currency")
        .annotate(due_total=Sum("amount"), paid_total=Sum("paid_amount"))
        .order_by("contract__client_id", "contract__currency")
    ):
        sums[row["contract__client_id"]].append(
            Collection(row["contract__currency"], row["due_total"] or ZERO, row["paid_total"] or ZERO)
        )
    unpaid: dict[int, list[BillingMilestone]] = defaultdict(list)
    for milestone in milestones.filter(paid_amount__lt=F("amount")).select_related("contract").order_by("due", "pk"):
        unpaid[milestone.contract.client_id].append(milestone)
    result: Components = {}
    for client_id in ids:
        collection = CollectionRate(today, sums.get(client_id, []))
        rates = [c.rate for c in collection.by_currency if c.rate is not None]
        rate = min(rates) if rates else None
        value = " · ".join(f"{c.currency} {c.paid:,.2f} / {c.due:,.2f}" for c in collection.by_currency)
        value = f"{_pct(rate * 100)} ({value})" if rate is not None else gettext("Nothing due yet")
        records, more = _trimmed(
            [
                Evidence(
                    gettext("%(contract)s %(name)s: %(outstanding)s %(currency)s outstanding, due %(due)s")
                    % {
                        "contract": m.contract.number,
                        "name": m.name,
                        "outstanding": f"{m.outstanding:,.2f}",
                        "currency": m.contract.currency,
                        "due": f"{m.due:%Y-%m-%d}",
                    },
                    reverse("clients:contract_detail", args=[m.contract_id]),
                )
                for m in unpaid.get(client_id, [])
            ]
        )
        result[client_id] = HealthComponent(
            "collections",
            _("Collections"),
            value,
            grade_collection(rate),
            _(
                "Paid / due on the billing milestones due by today (the lowest currency counts): from 90 % good, "
                "from 70 % watch, below at risk."
            ),
            records,
            more,
        )
    return result


def _renewals(user: Any, ids: list[int], today: dt.date) -> Components:
    due = _by_client(renewals_due(user=user, within_days=RENEWAL_WINDOW_DAYS, today=today).filter(client__in=ids))
    result: Components = {}
    for client_id in ids:
        contracts = due.get(client_id, [])
        overdue = sum(1 for c in contracts if c.renewal_date < today)
        records, more = _trimmed(
            [
                Evidence(
                    gettext("%(contract)s renews on %(day)s")
                    % {"contract": c.number, "day": f"{c.renewal_date:%Y-%m-%d}"},
                    reverse("clients:contract_detail", args=[c.pk]),
                )
                for c in contracts
            ]
        )
        result[client_id] = HealthComponent(
            "renewals",
            _("Renewals"),
            gettext("%(due)s undecided within 90 days, %(overdue)s past the renewal date")
            % {"due": len(contracts) - overdue, "overdue": overdue},
            grade_renewals(overdue=overdue, due=len(contracts) - overdue),
            _("An undecided renewal past its date is at risk; one within 90 days is watch."),
            records,
            more,
        )
    return result


def _signals(user: Any, ids: list[int], today: dt.date) -> Components:
    found = _by_client(signal_list(user=user, open_only=True).filter(client__in=ids))
    result: Components = {}
    for client_id in ids:
        signals = found.get(client_id, [])
        records, more = _trimmed([Evidence(f"{signal.rule.name}: {signal_headline(signal)}") for signal in signals])
        result[client_id] = HealthComponent(
            "signals",
            _("Open signals"),
            str(len(signals)),
            grade_signals(len(signals)),
            _("Any open buying signal is watch until someone acts on it."),
            records,
            more,
        )
    return result


ACCOUNT_SIDE = (_satisfaction, _sla, _coverage, _collections, _renewals, _signals)


def sees_account(user: Any, client: Client) -> bool:
    """Whether ``user`` gets the account side of ``client``: admins and its account team (staff only)."""
    if not (user.is_authenticated and user.is_active and user.is_internal):
        return False
    return bool(user.is_admin or is_on_account_team(user, client))


def _account_side_ids(user: Any, ids: list[int]) -> list[int]:
    """The clients among ``ids`` whose account side ``user`` sees whole: all for admins, else the account team's."""
    if not (user.is_authenticated and user.is_active and user.is_internal):
        return []
    if user.is_admin:
        return ids
    mine = Client.objects.filter(pk__in=ids).filter(Q(owner_am=user) | Q(account_team=user))
    return sorted(set(mine.values_list("pk", flat=True)))


def account_health_for(
    *, user: Any, clients: Iterable[Client], today: dt.date | None = None
) -> dict[int, AccountHealth]:
    """The health of each of ``clients`` (already scoped) as ``user`` may see it, keyed by client id; the same
    number of queries for one client or a hundred."""
    today = today or timezone.localdate()
    clients = list(clients)
    ids = [c.pk for c in clients]
    parts: dict[int, list[HealthComponent]] = {pk: [] for pk in ids}
    if not ids:
        return {}
    for client_id, component in _delivery(user, ids).items():
        parts[client_id].append(component)
    team = _account_side_ids(user, ids)
    if team:
        for build in ACCOUNT_SIDE:
            for client_id, component in build(user, team, today).items():
                parts[client_id].append(component)
    return {c.pk: AccountHealth(c, today, parts[c.pk]) for c in clients}


def account_health(*, user: Any, client: Client, today: dt.date | None = None) -> AccountHealth:
    """The health of ``client`` as ``user`` may see it (see the module's docstring for who gets which component)."""
    return account_health_for(user=user, clients=[client], today=today)[client.pk]


def attention_order(healths: Iterable[AccountHealth]) -> list[AccountHealth]:
    """At risk first, then watch, then the rest; by the number of flagged components, then by name."""
    return sorted(healths, key=lambda h: (-SEVERITY[h.status], -len(h.reasons), h.client.name))


__all__ = [
    "AT_RISK",
    "GOOD",
    "NO_DATA",
    "WATCH",
    "AccountHealth",
    "Evidence",
    "HealthComponent",
    "account_health",
    "account_health_for",
    "attention_order",
    "sees_account",
]
