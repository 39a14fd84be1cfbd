"""Reads of surveys and their results, always scoped to what the user may see, and the NPS / CSAT arithmetic.

The arithmetic is in small pure functions over scores or counts (no database), so it is tested with hand-worked
numbers and used alike for one survey, a client, a month of a trend, or everything the user may see:

- NPS = % promoters (9-10) - % detractors (0-6), from -100 to 100; passives (7-8) count in the total only.
- CSAT = the mean score (1-5), and % satisfied = the share of 4s and 5s.
- response rate = answers / invitations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tripod.clients.access.surveys import surveys_visible_to
from tripod.clients.models import Client, Survey, SurveyInvitation, SurveyResponse
from tripod.core.access import get_visible, scope

Kind = Survey.Kind
PROMOTER_MIN, DETRACTOR_MAX = 9, 6  # NPS
SATISFIED_MIN = 4  # CSAT
ONE_DECIMAL, TWO_DECIMALS = Decimal("0.1"), Decimal("0.01")


# --- pure arithmetic --------------------------------------------------------------------------------------------------
def _ratio(part: int | Decimal, whole: int, places: Decimal = ONE_DECIMAL, scale: int = 100) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * scale / whole).quantize(places, rounding=ROUND_HALF_UP)


def _score(item: Any) -> int:
    return item if isinstance(item, int) else item.score


@dataclass(frozen=True)
class NpsResult:
    promoters: int
    passives: int
    detractors: int

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> Decimal | None:
        """% promoters - % detractors, to one decimal; None without answers."""
        return _ratio(self.promoters - self.detractors, self.total)

    @property
    def promoter_pct(self) -> Decimal | None:
        return _ratio(self.promoters, self.total)

    @property
    def passive_pct(self) -> Decimal | None:
        return _ratio(self.passives, self.total)

    @property
    def detractor_pct(self) -> Decimal | None:
        return _ratio(self.detractors, self.total)


@dataclass(frozen=True)
class CsatResult:
    count: int
    total_score: int
    satisfied: int

    @property
    def mean(self) -> Decimal | None:
        """The mean score (1-5), to two decimals; None without answers."""
        return _ratio(self.total_score, self.count, TWO_DECIMALS, scale=1)

    @property
    def satisfied_pct(self) -> Decimal | None:
        """% of answers scoring 4 or 5, to one decimal."""
        return _ratio(self.satisfied, self.count)


def nps_from_counts(*, promoters: int, passives: int, detractors: int) -> NpsResult:
    return NpsResult(promoters=promoters, passives=passives, detractors=detractors)


def nps(responses: Iterable[Any]) -> NpsResult:
    """NPS over scores 0-10 (ints, or responses with ``.score``)."""
    scores = [_score(item) for item in responses]
    promoters = sum(1 for s in scores if s >= PROMOTER_MIN)
    detractors = sum(1 for s in scores if s <= DETRACTOR_MAX)
    return NpsResult(promoters=promoters, passives=len(scores) - promoters - detractors, detractors=detractors)


def csat(responses: Iterable[Any]) -> CsatResult:
    """CSAT over scores 1-5 (ints, or responses with ``.score``)."""
    scores = [_score(item) for item in responses]
    return CsatResult(
        count=len(scores), total_score=sum(scores), satisfied=sum(1 for s in scores if s >= SATISFIED_MIN)
    )


def response_rate(*, invited: int, answered: int) -> Decimal | None:
    """% of invitations answered, to one decimal; None when nobody was invited."""
    return _ratio(answered, invited)


def score_band(kind: str, score: int) -> str:
    """Where one answer falls: "promoter", "passive" or "detractor" (CSAT: 4-5, 3, 1-2)."""
    if kind == Kind.NPS:
        return "promoter" if score >= PROMOTER_MIN else "detractor" if score <= DETRACTOR_MAX else "passive"
    return "promoter" if score >= SATISFIED_MIN else "detractor" if score <= 2 else "passive"


def nps_band(score: Decimal | None) -> str:
    """How an NPS reads: "good" above 30, "bad" below 0 (more detractors than promoters), "fair" between."""
    if score is None:
        return "none"
    if score > 30:
        return "good"
    return "bad" if score < 0 else "fair"


def csat_band(mean: Decimal | None) -> str:
    if mean is None:
        return "none"
    if mean >= 4:
        return "good"
    return "bad" if mean < 3 else "fair"


# --- surveys ----------------------------------------------------------------------------------------------------------
def _with_results(qs: QuerySet[Survey]) -> QuerySet[Survey]:
    score = "invitations__response__score"
    return qs.annotate(
        invited=Count("invitations"),
        answered=Count("invitations__response"),
        promoters=Count("invitations__response", filter=Q(**{f"{score}__gte": PROMOTER_MIN})),
        detractors=Count("invitations__response", filter=Q(**{f"{score}__lte": DETRACTOR_MAX})),
        satisfied=Count("invitations__response", filter=Q(**{f"{score}__gte": SATISFIED_MIN})),
        score_total=Sum(score, default=0),
    )


def survey_result(survey: Survey) -> NpsResult | CsatResult:
    """The NPS or CSAT of one survey annotated by :func:`survey_list` / :func:`survey_get` (no query)."""
    if survey.kind == Kind.NPS:
        passives = survey.answered - survey.promoters - survey.detractors
        return nps_from_counts(promoters=survey.promoters, passives=passives, detractors=survey.detractors)
    return CsatResult(count=survey.answered, total_score=survey.score_total, satisfied=survey.satisfied)


def survey_list(
    *,
    user: Any,
    client: Client | None = None,
    kind: str | None = None,
    trigger: str | None = None,
    search: str | None = None,
) -> QuerySet[Survey]:
    """Surveys the user may see, newest first, each annotated with ``invited``, ``answered`` and the counts
    :func:`survey_result` turns into its NPS or CSAT."""
    qs = surveys_visible_to(user).select_related("client", "project", "task", "created_by")
    if client is not None:
        qs = qs.filter(client=client)
    if kind:
        qs = qs.filter(kind=kind)
    if trigger:
        qs = qs.filter(trigger=trigger)
    if search:
        qs = qs.filter(title__icontains=search)
    return _with_results(qs).order_by("-created_at", "-pk")


def survey_get(*, user: Any, pk: Any) -> Survey:
    """One survey the user may see (with its results annotated), or 404."""
    qs = _with_results(Survey.objects.select_related("client__owner_am", "project", "task", "created_by"))
    return get_visible(qs, user, pk=pk)


def survey_invitations(*, survey: Survey) -> list[SurveyInvitation]:
    """The invitations of a survey the caller fetched through a scoped selector, with contact and answer."""
    return list(survey.invitations.select_related("contact", "response").order_by("contact__name", "pk"))


def survey_responses(
    *, user: Any, client: Client | None = None, kind: str | None = None, survey: Survey | None = None
) -> QuerySet[SurveyResponse]:
    """Answers the user may see, newest first."""
    qs = scope(SurveyResponse.objects.all(), user).select_related("invitation__contact", "invitation__survey__client")
    if client is not None:
        qs = qs.filter(invitation__survey__client=client)
    if kind:
        qs = qs.filter(invitation__survey__kind=kind)
    if survey is not None:
        qs = qs.filter(invitation__survey=survey)
    return qs.order_by("-answered_at", "-pk")


def detractor_list(*, user: Any, client: Client | None = None, since: date | None = None) -> QuerySet[SurveyResponse]:
    """Detractors' answers the user may see (NPS 0-6, CSAT 1-2), newest first; for cockpits and the client page."""
    detractors = Q(invitation__survey__kind=Kind.NPS, score__lte=DETRACTOR_MAX) | Q(
        invitation__survey__kind=Kind.CSAT, score__lte=2
    )
    qs = survey_responses(user=user, client=client).filter(detractors)
    if since is not None:
        qs = qs.filter(answered_at__date__gte=since)
    return qs


@dataclass(frozen=True)
class Satisfaction:
    """NPS, CSAT and response rate over every survey in scope."""

    nps: NpsResult
    csat: CsatResult
    invited: int
    answered: int

    @property
    def response_rate(self) -> Decimal | None:
        return response_rate(invited=self.invited, answered=self.answered)

    @property
    def nps_band(self) -> str:
        return nps_band(self.nps.score)

    @property
    def csat_band(self) -> str:
        return csat_band(self.csat.mean)


def satisfaction_summary(*, user: Any, client: Client | None = None, since: date | None = None) -> Satisfaction:
    """NPS and CSAT over the answers the user may see (of ``client``; answered on or after ``since``), and the
    response rate over the invitations. Two queries."""
    answers = survey_responses(user=user, client=client).order_by()
    invitations = scope(SurveyInvitation.objects.all(), user)
    if client is not None:
        invitations = invitations.filter(survey__client=client)
    if since is not None:
        answers = answers.filter(answered_at__date__gte=since)
        invitations = invitations.filter(sent_at__date__gte=since)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in answers.values("invitation__survey__kind", "score").annotate(n=Count("pk")):
        by_kind[row["invitation__survey__kind"]] += [row["score"]] * row["n"]
    counts = invitations.aggregate(invited=Count("pk"), answered=Count("response"))
    return Satisfaction(
        nps=nps(by_kind[Kind.NPS]),
        csat=csat(by_kind[Kind.CSAT]),
        invited=counts["invited"],
        answered=counts["answered"],
    )


# --- trends -----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendPoint:
    start: date
    label: str
    count: int
    value: Decimal | None  # NPS score, or CSAT mean
    share: Decimal | None = None  # CSAT: % satisfied


def _period_start(day: date, period: str) -> date:
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def trend_periods(*, today: date, months: int = 12, period: str = "month") -> list[date]:
    """The first days of the periods covering the last ``months`` months up to ``today`` (the current one last)."""
    step = 3 if period == "quarter" else 1
    last = _period_start(today, period)
    first = _period_start(_add_months(today.replace(day=1), -(max(months, 1) - 1)), period)
    starts = []
    current = first
    while current <= last:
        starts.append(current)
        current = _add_months(current, step)
    return starts


def _period_label(start: date, period: str) -> str:
    if period == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"  # short and the same in every language: it labels a chart's axis


def _scores_by_period(
    *, user: Any, kind: str, client: Client | None, months: int, period: str, today: date | None
) -> tuple[list[date], dict[date, list[int]]]:
    today = today or timezone.localdate()
    starts = trend_periods(today=today, months=months, period=period)
    answers = survey_responses(user=user, client=client, kind=kind).filter(answered_at__date__gte=starts[0])
    grouped: dict[date, list[int]] = defaultdict(list)
    for score, answered_at in answers.values_list("score", "answered_at"):
        grouped[_period_start(timezone.localdate(answered_at), period)].append(score)
    return starts, grouped


def nps_trend(
    *, user: Any, client: Client | None = None, months: int = 12, period: str = "month", today: date | None = None
) -> list[TrendPoint]:
    """NPS per month (or quarter) over the last ``months`` months; a period without answers has value None."""
    starts, grouped = _scores_by_period(
        user=user, kind=Kind.NPS, client=client, months=months, period=period, today=today
    )
    points = []
    for start in starts:
        result = nps(grouped.get(start, []))
        points.append(TrendPoint(start, _period_label(start, period), result.total, result.score))
    return points


def csat_trend(
    *, user: Any, client: Client | None = None, months: int = 12, period: str = "month", today: date | None = None
) -> list[TrendPoint]:
    """CSAT mean and % satisfied per month (or quarter) over the last ``months`` months."""
    starts, grouped = _scores_by_period(
        user=user, kind=Kind.CSAT, client=client, months=months, period=period, today=today
    )
    points = []
    for start in starts:
        result = csat(grouped.get(start, []))
        points.append(TrendPoint(start, _period_label(start, period), result.count, result.mean, result.satisfied_pct))
    return points


# --- the public page --------------------------------------------------------------------------------------------------
def invitation_by_token(*, token: str) -> SurveyInvitation | None:
    """The invitation a private link belongs to, or None. No user: the token itself is the credential, so this
    is only for the public answer page, which shows nothing but the survey's question to its holder."""
    if not token or len(token) > SurveyInvitation.MAX_TOKEN_LENGTH:
        return None
    return (
        SurveyInvitation.objects.select_related("survey__client", "contact", "response")
        .filter(token_hash=SurveyInvitation.hash_token(token))
        .first()
    )
