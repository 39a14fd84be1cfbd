"""Reads of the pipeline, always scoped to what the user may see (admins and the client's account team): the board
by stage, the funnel, the win rate, contracts with their billing and renewals, the collection rate, account plans.

Money is summed per currency: without exchange rates, adding yuan to dollars would be a number nobody can use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tripod.clients.access.pipeline import (
    account_plans_visible_to,
    can_view_pipeline,
    contracts_visible_to,
    opportunities_visible_to,
)
from tripod.clients.models import AccountPlan, BillingMilestone, Client, Contract, Opportunity, OpportunityEffort
from tripod.core.access import get_visible, scope
from tripod.core.errors import NotFound
from tripod.identity.models import User

ZERO = Decimal("0")
CENT = Decimal("0.01")
Stage = Opportunity.Stage
FUNNEL_STAGES = (*Opportunity.OPEN_STAGES, Stage.WON)
MONEY = DecimalField(max_digits=20, decimal_places=2)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


def _filtered(qs: QuerySet[Any], **lookups: Any) -> QuerySet[Any]:
    """Apply the lookups whose value was given (None or empty: no filter)."""
    return qs.filter(**{lookup: value for lookup, value in lookups.items() if value not in (None, "")})


def _local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


# --- opportunities ----------------------------------------------------------------------------------------------------
def _opportunities(
    user: Any,
    *,
    owner_id: Any = None,
    client_id: Any = None,
    business_line_id: Any = None,
) -> QuerySet[Opportunity]:
    qs = opportunities_visible_to(user)
    return _filtered(qs, owner_id=owner_id, client_id=client_id, business_line_id=business_line_id)


def opportunity_list(
    *,
    user: Any,
    stage: str | None = None,
    owner_id: Any = None,
    client_id: Any = None,
    business_line_id: Any = None,
    search: str | None = None,
    open_only: bool = False,
    closed_since: dt.date | None = None,
) -> QuerySet[Opportunity]:
    """Opportunities the user may see, soonest expected close first. ``closed_since``: open ones, and closed ones
    only if they closed on or after that day (the board keeps recent wins and losses in view)."""
    qs = _opportunities(user, owner_id=owner_id, client_id=client_id, business_line_id=business_line_id)
    qs = _filtered(qs, stage=stage)
    if open_only:
        qs = qs.filter(stage__in=Opportunity.OPEN_STAGES)
    if closed_since is not None:
        qs = qs.filter(Q(stage__in=Opportunity.OPEN_STAGES) | Q(closed_at__gte=_local_day_start(closed_since)))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(client__name__icontains=search))
    qs = qs.select_related("client", "owner", "business_line")
    return qs.order_by(F("expected_close").asc(nulls_last=True), "name", "pk")


def opportunity_get(*, user: Any, pk: Any) -> Opportunity:
    """One opportunity the user may see (with its client, owner, line, project and contract), or 404."""
    related = ("client", "owner", "business_line", "project", "contract")
    return get_visible(Opportunity.objects.select_related(*related), user, pk=pk)


def opportunity_efforts(*, opportunity: Opportunity) -> list[OpportunityEffort]:
    """The effort by skill of an opportunity the caller already fetched through a scoped selector."""
    return list(OpportunityEffort.objects.filter(opportunity=opportunity).order_by("skill"))


@dataclass
class StageSummary:
    stage: str
    label: str
    count: int = 0
    totals: list[tuple[Money, Money]] = field(default_factory=list)  # (amount, weighted amount) per currency


def pipeline_by_stage(
    *,
    user: Any,
    owner_id: Any = None,
    client_id: Any = None,
    business_line_id: Any = None,
    closed_since: dt.date | None = None,
) -> list[StageSummary]:
    """Per stage, in pipeline order: the number of opportunities, their amount and their weighted amount (amount x
    probability) per currency, over what the user may see. One query."""
    qs = opportunity_list(
        user=user,
        owner_id=owner_id,
        client_id=client_id,
        business_line_id=business_line_id,
        closed_since=closed_since,
    )
    weighted = ExpressionWrapper(F("amount") * F("probability") / 100, output_field=MONEY)
    rows = (
        qs.order_by()
        .values("stage", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"), weighted_total=Sum(weighted, output_field=MONEY))
        .order_by("stage", "currency")
    )
    summaries = {stage: StageSummary(stage, str(label)) for stage, label in Stage.choices}
    for row in rows:
        summary = summaries[row["stage"]]
        summary.count += row["n"]
        weighted_amount = (row["weighted_total"] or ZERO).quantize(CENT)
        summary.totals.append((Money(row["total"] or ZERO, row["currency"]), Money(weighted_amount, row["currency"])))
    return list(summaries.values())


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    count: int
    conversion: Decimal | None  # share of the previous step's opportunities that reached this one (0-1)


def _reached(stage: str, lost_stage: str) -> int:
    """How far down the funnel an opportunity got: its stage, or for a lost one the stage it was lost at."""
    at = lost_stage if stage == Stage.LOST else stage
    return FUNNEL_STAGES.index(at) if at in FUNNEL_STAGES else 0


def opportunity_funnel(
    *,
    user: Any,
    start: dt.date | None = None,
    end: dt.date | None = None,
    owner_id: Any = None,
    client_id: Any = None,
    business_line_id: Any = None,
) -> list[FunnelStep]:
    """How many of the opportunities (created from ``start`` to ``end``, if given) reached each stage, from
    qualification to won; a lost one counts for every stage up to the one it was lost at. One query."""
    qs = _opportunities(user, owner_id=owner_id, client_id=client_id, business_line_id=business_line_id)
    if start:
        qs = qs.filter(created_at__gte=_local_day_start(start))
    if end:
        qs = qs.filter(created_at__lt=_local_day_start(end + dt.timedelta(days=1)))
    reached = [0] * len(FUNNEL_STAGES)
    for row in qs.order_by().values("stage", "lost_stage").annotate(n=Count("pk")):
        for index in range(_reached(row["stage"], row["lost_stage"]) + 1):
            reached[index] += row["n"]
    labels = dict(Stage.choices)
    steps = []
    for index, stage in enumerate(FUNNEL_STAGES):
        previous = reached[index - 1] if index else None
        conversion = Decimal(reached[index]) / previous if previous else None
        steps.append(FunnelStep(stage, str(labels[stage]), reached[index], conversion))
    return steps


@dataclass(frozen=True)
class WinRate:
    start: dt.date
    end: dt.date
    won: int
    lost: int

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def rate(self) -> Decimal | None:
        """Won / (won + lost), 0-1; None when nothing closed in the period."""
        return Decimal(self.won) / self.closed if self.closed else None


def win_rate(
    *,
    user: Any,
    start: dt.date,
    end: dt.date,
    owner_id: Any = None,
    client_id: Any = None,
    business_line_id: Any = None,
) -> WinRate:
    """Opportunities won and lost with a close date from ``start`` to ``end`` (both included, the user's days)."""
    qs = _opportunities(user, owner_id=owner_id, client_id=client_id, business_line_id=business_line_id)
    qs = qs.filter(closed_at__gte=_local_day_start(start), closed_at__lt=_local_day_start(end + dt.timedelta(days=1)))
    counts = qs.aggregate(won=Count("pk", filter=Q(stage=Stage.WON)), lost=Count("pk", filter=Q(stage=Stage.LOST)))
    return WinRate(start, end, counts["won"], counts["lost"])


# --- contracts and billing --------------------------------------------------------------------------------------------
def contract_list(
    *,
    user: Any,
    client_id: Any = None,
    status: str | None = None,
    renewal_status: str | None = None,
    search: str | None = None,
) -> QuerySet[Contract]:
    """Contracts the user may see, annotated with their milestones' ``billed`` (planned), ``invoiced`` and ``paid``
    totals."""
    qs = _filtered(contracts_visible_to(user), client_id=client_id, status=status, renewal_status=renewal_status)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(title__icontains=search) | Q(client__name__icontains=search))
    zero = ZERO
    return (
        qs.select_related("client")
        .annotate(
            billed=Coalesce(Sum("milestones__amount"), zero, output_field=MONEY),
            invoiced=Coalesce(
                Sum("milestones__amount", filter=Q(milestones__invoiced_at__isnull=False)), zero, output_field=MONEY
            ),
            paid=Coalesce(Sum("milestones__paid_amount"), zero, output_field=MONEY),
        )
        .order_by(F("start").desc(nulls_last=True), "number")
    )


def contract_get(*, user: Any, pk: Any) -> Contract:
    return get_visible(Contract.objects.select_related("client"), user, pk=pk)


def contract_milestones(*, contract: Contract, today: dt.date | None = None) -> list[BillingMilestone]:
    """The billing milestones of a contract the caller already fetched through a scoped selector, by due date, each
    with ``state`` (planned / invoiced / part_paid / paid), ``overdue`` (invoiced, not fully paid, past due) and
    ``to_invoice`` (due and not yet invoiced)."""
    today = today or timezone.localdate()
    milestones = list(BillingMilestone.objects.filter(contract=contract).order_by("due", "pk"))
    for milestone in milestones:
        milestone.contract = contract
        if milestone.is_paid:
            milestone.state = "paid"
        elif milestone.paid_amount > 0:
            milestone.state = "part_paid"
        elif milestone.invoiced_at:
            milestone.state = "invoiced"
        else:
            milestone.state = "planned"
        milestone.overdue = bool(milestone.invoiced_at) and not milestone.is_paid and milestone.due < today
        milestone.to_invoice = milestone.invoiced_at is None and milestone.due <= today
    return milestones


def renewal_state(contract: Contract, today: dt.date, within_days: int = 90) -> str | None:
    """What the renewal badge says: ``overdue`` (the renewal date passed undecided), ``due`` (within the window),
    or None (no renewal date, settled, or far off)."""
    if contract.renewal_date is None or contract.renewal_status in Contract.SETTLED_RENEWALS:
        return None
    if contract.status != Contract.Status.ACTIVE:
        return None
    if contract.renewal_date < today:
        return "overdue"
    if contract.renewal_date <= today + dt.timedelta(days=within_days):
        return "due"
    return None


def renewals_due(*, user: Any, within_days: int = 90, today: dt.date | None = None) -> QuerySet[Contract]:
    """Active contracts whose renewal is still undecided and dated within ``within_days`` from today, or already
    past (those are the most urgent), soonest first."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    return (
        contracts_visible_to(user)
        .filter(status=Contract.Status.ACTIVE, renewal_date__lte=horizon)
        .exclude(renewal_status__in=Contract.SETTLED_RENEWALS)
        .select_related("client")
        .order_by("renewal_date", "number")
    )


@dataclass(frozen=True)
class Collection:
    """Money due on or before a day, and how much of it was paid, in one currency."""

    currency: str
    due: Decimal
    paid: Decimal

    @property
    def rate(self) -> Decimal | None:
        return self.paid / self.due if self.due else None


@dataclass(frozen=True)
class CollectionRate:
    as_of: dt.date
    by_currency: list[Collection]

    @property
    def rate(self) -> Decimal | None:
        """Paid / due over every milestone due by ``as_of``: None when nothing is due yet, or when the milestones
        are in several currencies (see ``by_currency`` then)."""
        if len(self.by_currency) != 1:
            return None
        return self.by_currency[0].rate


def collection_rate(
    *, user: Any, client: Client | None = None, as_of: dt.date, contract: Contract | None = None
) -> CollectionRate:
    """Collection rate = amount paid on milestones due on or before ``as_of`` / amount due on or before ``as_of``,
    over the milestones the user may see (of ``client``, or of one ``contract``, if given), per currency. One
    query."""
    qs = scope(BillingMilestone.objects.all(), user).filter(due__lte=as_of)
    if client is not None:
        qs = qs.filter(contract__client=client)
    if contract is not None:
        qs = qs.filter(contract=contract)
    rows = (
        qs.order_by()
        .values("contract__currency")
        .annotate(due_total=Sum("amount"), paid_total=Sum("paid_amount"))
        .order_by("contract__currency")
    )
    return CollectionRate(
        as_of,
        [Collection(row["contract__currency"], row["due_total"] or ZERO, row["paid_total"] or ZERO) for row in rows],
    )


# --- account plans ----------------------------------------------------------------------------------------------------
def current_quarter(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of ``year`` Q``quarter``."""
    first = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, following - dt.timedelta(days=1)


def shift_quarter(year: int, quarter: int, by: int) -> tuple[int, int]:
    index = year * 4 + (quarter - 1) + by
    return index // 4, index % 4 + 1


def account_plan_for(*, user: Any, client: Client, year: int, quarter: int) -> AccountPlan | None:
    """The plan of ``client`` for ``year`` Q``quarter`` with its actions (and their owners), or None when not written
    yet; 404 when the user may not see the client's pipeline."""
    if not can_view_pipeline(user, client):
        raise NotFound(AccountPlan._meta.verbose_name)
    plan = account_plans_visible_to(user).filter(client=client, year=year, quarter=quarter).first()
    if plan is not None:
        plan.action_list = list(
            plan.actions.select_related("owner").order_by("done", F("due").asc(nulls_last=True), "pk")
        )
    return plan


@dataclass
class QuarterFigures:
    """What actually happened in a plan's quarter, for its review: won amounts, the weighted pipeline still
    expected to close in it, and the billing due in it (per currency)."""

    won: list[Money]
    won_count: int
    open_weighted: list[Money]
    open_count: int
    billing_due: list[Money]
    billing_paid: list[Money]


def _per_currency(rows: Any, value: str) -> list[Money]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        totals[row["currency"]] += row[value] or ZERO
    return [Money(amount.quantize(CENT), currency) for currency, amount in sorted(totals.items())]


def account_quarter_figures(*, user: Any, client: Client, year: int, quarter: int) -> QuarterFigures:
    """Three queries: opportunities won in the quarter, open ones expected to close in it, milestones due in it."""
    if not can_view_pipeline(user, client):
        raise NotFound(AccountPlan._meta.verbose_name)
    first, last = quarter_bounds(year, quarter)
    opportunities = opportunities_visible_to(user).filter(client=client).order_by()
    won = (
        opportunities.filter(
            stage=Stage.WON,
            closed_at__gte=_local_day_start(first),
            closed_at__lt=_local_day_start(last + dt.timedelta(days=1)),
        )
        .values("currency")
        .annotate(total=Sum("amount"), n=Count("pk"))
    )
    weighted = ExpressionWrapper(F("amount") * F("probability") / 100, output_field=MONEY)
    expected = (
        opportunities.filter(stage__in=Opportunity.OPEN_STAGES, expected_close__range=(first, last))
        .values("currency")
        .annotate(total=Sum(weighted, output_field=MONEY), n=Count("pk"))
    )
    billing = (
        scope(BillingMilestone.objects.all(), user)
        .filter(contract__client=client, due__range=(first, last))
        .order_by()
        .values(currency=F("contract__currency"))
        .annotate(due_total=Sum("amount"), paid_total=Sum("paid_amount"))
    )
    won_rows, expected_rows, billing_rows = list(won), list(expected), list(billing)
    return QuarterFigures(
        won=_per_currency(won_rows, "total"),
        won_count=sum(row["n"] for row in won_rows),
        open_weighted=_per_currency(expected_rows, "total"),
        open_count=sum(row["n"] for row in expected_rows),
        billing_due=_per_currency(billing_rows, "due_total"),
        billing_paid=_per_currency(billing_rows, "paid_total"),
    )


def opportunity_owners(*, user: Any) -> QuerySet[Any]:
    """Who owns the opportunities the user may see (and the user), to filter the pipeline by."""
    owned = _opportunities(user).order_by().values("owner_id")
    return User.objects.filter(Q(pk__in=owned) | Q(pk=user.pk)).order_by("display_name", "username")


def account_team_users(*, client: Client, also_id: Any = None) -> QuerySet[Any]:
    """Who may own an opportunity or a plan's action for ``client``: its AM and account team (plus ``also_id``, so an
    edit form keeps the current choice)."""
    condition = Q(owned_clients=client) | Q(account_clients=client)
    if also_id:
        condition |= Q(pk=also_id)
    return User.objects.filter(pk__in=User.objects.filter(condition).values("pk")).order_by("display_name", "username")


def pipeline_clients(*, user: Any) -> QuerySet[Client]:
    """Clients whose pipeline the user may see and write: all for admins, else those of their account teams."""
    if not (user.is_authenticated and user.is_active and user.is_internal):
        return Client.objects.none()
    if user.is_admin:
        return Client.objects.order_by("name")
    return Client.objects.filter(Q(owner_am=user) | Q(account_team=user)).distinct().order_by("name")
