"""Survey pages: the list (all surveys the user may see, or one client's) with NPS, CSAT, response rate and their
trends as server-drawn SVG line charts; create; a survey's results with its invitations and answers; send; close.
And the public answer page at /clients/s/<token>/: no login, one question, big score buttons, works on a phone.

The public page tells an unknown link and an expired one apart to nobody: both are the same friendly 404. Misses are
counted per address, and past a limit the page answers 429 for a while (the tokens cannot be guessed anyway; this
keeps anyone from trying at volume).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.clients.access.surveys import can_manage_surveys, can_view_client_surveys
from tripod.clients.models import Client, Survey, SurveyInvitation
from tripod.clients.selectors import client_get
from tripod.clients.selectors.surveys import (
    NpsResult,
    TrendPoint,
    csat_band,
    csat_trend,
    invitation_by_token,
    nps_band,
    nps_trend,
    response_rate,
    satisfaction_summary,
    score_band,
    survey_get,
    survey_invitations,
    survey_list,
    survey_result,
)
from tripod.clients.services.surveys import (
    SurveyAlreadyAnswered,
    invitation_open,
    survey_answer,
    survey_close,
    survey_create,
    survey_send,
)
from tripod.clients.survey_forms import SurveyAnswerForm, SurveyForm, SurveySendForm
from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.htmx import apply_validation_errors, form_page
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role

DASH = "—"
MISS_LIMIT = 20  # unknown or expired links per address ...
MISS_WINDOW = 15 * 60  # ... per 15 minutes


def _survey_url(survey: Survey) -> str:
    return reverse("clients:survey_detail", args=[survey.pk])


def fmt_nps(score: Decimal | None) -> str:
    """An NPS as people write it: a whole number with its sign (+30, -12, 0)."""
    if score is None:
        return DASH
    whole = int(score.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"+{whole}" if whole > 0 else str(whole).replace("-", "\u2212")


def _rounded(value: Decimal, places: int) -> str:
    # number_format cuts digits off; round half up first, as people round by hand.
    return number_format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places, use_l10n=True)


def fmt_mean(mean: Decimal | None) -> str:
    return DASH if mean is None else _rounded(mean, 1)


def fmt_pct(value: Decimal | None) -> str:
    return DASH if value is None else f"{_rounded(value, 0)}%"


def result_text(survey: Survey) -> str:
    """A survey's headline result for a table cell: its NPS, or its CSAT mean and % satisfied."""
    result = survey_result(survey)
    if isinstance(result, NpsResult):
        return fmt_nps(result.score)
    if not result.count:
        return DASH
    return f"{fmt_mean(result.mean)} · {fmt_pct(result.satisfied_pct)}"


# --- the trend chart (server-drawn SVG) -------------------------------------------------------------------------------
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 44, 16, 14, 30


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class TrendChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: list[str]  # SVG polyline points, one per run of periods with answers
    dots: list[Dot]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    zero_y: float | None


def trend_chart(
    points: list[TrendPoint],
    *,
    chart_id: str,
    title: str,
    low: int,
    high: int,
    step: int,
    fmt: Any,
    describe: Any,
) -> TrendChart | None:
    """A line chart of ``points`` on a fixed y scale (``low`` to ``high``); a period without answers breaks the
    line. None when no period has answers."""
    if not any(p.value is not None for p in points):
        return None
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / span, 1)

    def y(value: Decimal | int) -> float:
        return round(TOP + plot_h * float((high - Decimal(value)) / (high - low)), 1)

    lines, run, dots = [], [], []
    for i, point in enumerate(points):
        if point.value is None:
            if run:
                lines.append(" ".join(run))
            run = []
            continue
        run.append(f"{x(i)},{y(point.value)}")
        dots.append(Dot(x(i), y(point.value), describe(point)))
    if run:
        lines.append(" ".join(run))
    every = max(1, (len(points) + 5) // 6)
    x_ticks = [Tick(x(i), p.label) for i, p in enumerate(points) if i % every == 0 or i == len(points) - 1]
    y_ticks = [Tick(y(v), fmt(Decimal(v))) for v in range(low, high + 1, step)]
    description = "; ".join(dot.text for dot in dots)
    return TrendChart(
        id=chart_id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        lines=lines,
        dots=dots,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        zero_y=y(0) if low < 0 < high else None,
    )


def _nps_point(point: TrendPoint) -> str:
    return _("%(period)s: NPS %(score)s from %(count)s answers") % {
        "period": point.label,
        "score": fmt_nps(point.value),
        "count": point.count,
    }


def _csat_point(point: TrendPoint) -> str:
    return _("%(period)s: CSAT %(mean)s, %(satisfied)s satisfied, from %(count)s answers") % {
        "period": point.label,
        "mean": fmt_mean(point.value),
        "satisfied": fmt_pct(point.share),
        "count": point.count,
    }


def trend_charts(*, user: Any, client: Client | None, period: str) -> list[TrendChart]:
    months = 24 if period == "quarter" else 12
    nps_points = nps_trend(user=user, client=client, months=months, period=period)
    csat_points = csat_trend(user=user, client=client, months=months, period=period)
    charts = [
        trend_chart(
            nps_points,
            chart_id="nps-trend",
            title=_("NPS trend"),
            low=-100,
            high=100,
            step=50,
            fmt=fmt_nps,
            describe=_nps_point,
        ),
        trend_chart(
            csat_points,
            chart_id="csat-trend",
            title=_("CSAT trend (mean score)"),
            low=1,
            high=5,
            step=1,
            fmt=lambda v: str(int(v)),
            describe=_csat_point,
        ),
    ]
    return [chart for chart in charts if chart is not None]


# --- lists ------------------------------------------------------------------------------------------------------------
class SurveyTable(Table):
    columns = [
        Column("title", gettext_lazy("Survey"), sort="title", link=_survey_url),
        Column("client", gettext_lazy("Client"), sort="client__name"),
        Column("kind", gettext_lazy("Kind"), accessor="get_kind_display", sort="kind", badge=lambda s: s.kind),
        Column("trigger", gettext_lazy("Trigger"), accessor="get_trigger_display", sort="trigger"),
        Column("project", gettext_lazy("Project"), accessor=lambda s: s.project.code if s.project else DASH,
               sort="project__code"),
        Column("status", gettext_lazy("Status"), accessor="get_status_display", badge=lambda s: s.status),
        Column("sent_at", gettext_lazy("Sent"), accessor=lambda s: timezone.localdate(s.sent_at) if s.sent_at else DASH,
               sort="sent_at"),
        Column("answered", gettext_lazy("Answers"), accessor=lambda s: f"{s.answered} / {s.invited}",
               sort="answered", numeric=True),
        Column("result", gettext_lazy("Result"), accessor=result_text, numeric=True),
    ]  # fmt: skip
    default_sort = "-sent_at"
    search_placeholder = gettext_lazy("Filter by title…")
    empty_text = gettext_lazy("No surveys yet.")
    empty_icon = "emoji-smile"


class ClientSurveyTable(SurveyTable):
    columns = [column for column in SurveyTable.columns if column.key != "client"]


def _period(request: HttpRequest) -> str:
    return "quarter" if request.GET.get("period") == "quarter" else "month"


def _list_page(request: HttpRequest, client: Client | None) -> HttpResponse:
    user = request.user
    get = request.GET
    kind = get.get("kind") if get.get("kind") in Survey.Kind.values else None
    trigger = get.get("trigger") if get.get("trigger") in Survey.Trigger.values else None
    surveys = survey_list(user=user, client=client, kind=kind, trigger=trigger, search=query_param(request))
    table_class = ClientSurveyTable if client is not None else SurveyTable
    table = table_class(
        request,
        surveys,
        id="surveys",
        filters=[
            ChoiceFilter("kind", gettext_lazy("Kind"), Survey.Kind.choices),
            ChoiceFilter("trigger", gettext_lazy("Trigger"), Survey.Trigger.choices),
        ],
    )
    summary = satisfaction_summary(user=user, client=client)
    period = _period(request)
    can_create = client is not None and can_manage_surveys(user, client)
    context = {
        "client": client,
        "summary": summary,
        "nps_text": fmt_nps(summary.nps.score),
        "csat_text": fmt_mean(summary.csat.mean),
        "satisfied_text": fmt_pct(summary.csat.satisfied_pct),
        "rate_text": fmt_pct(summary.response_rate),
        "charts": trend_charts(user=user, client=client, period=period),
        "period": period,
        "can_create": can_create,
    }
    if can_create:
        context.update(
            empty_action_url=reverse("clients:survey_create", args=[client.pk]),
            empty_action_label=_("New survey"),
        )
    return render_table(request, "clients/surveys/list.html", context, table)


@login_required
@require_GET
def survey_list_view(request: HttpRequest) -> HttpResponse:
    """Every survey the user may see, across clients."""
    if not request.user.has_role(Role.ADMIN, Role.AM, Role.PM) or not request.user.is_internal:
        raise Forbidden()
    return _list_page(request, None)


@login_required
@require_GET
def client_surveys_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    if not can_view_client_surveys(request.user, client):
        raise Forbidden()
    return _list_page(request, client)


@login_required
@require_http_methods(["GET", "POST"])
def survey_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    if not can_manage_surveys(request.user, client):
        raise Forbidden()
    return form_page(
        request,
        SurveyForm(request.POST or None, client=client, user=request.user),
        lambda data: survey_create(actor=request.user, client=client, **data),
        title=_("New survey"),
        eyebrow=client.name,
        submit_label=_("Create survey"),
        cancel_url=reverse("clients:surveys", args=[client.pk]),
        success_message=lambda survey: (
            _("Survey %(title)s created: now choose whom to send it to.") % {"title": survey.title}
        ),
        success_url=_survey_url,
    )


# --- one survey -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    score: int
    count: int
    x: float
    y: float
    height: float
    band: str  # detractor / passive / promoter


def score_bars(survey: Survey, invitations: list[SurveyInvitation]) -> tuple[list[Bar], int]:
    """How many answers gave each score, as SVG bars 0..120 high (and the width of the drawing)."""
    low, high = survey.score_range
    counts = dict.fromkeys(range(low, high + 1), 0)
    for invitation in invitations:
        response = getattr(invitation, "response", None)
        if response is not None:
            counts[response.score] = counts.get(response.score, 0) + 1
    peak = max(counts.values()) or 1
    bars = []
    for i, (score, count) in enumerate(sorted(counts.items())):
        height = round(100 * count / peak, 1)
        bars.append(Bar(score, count, 8 + i * 36, 112 - height, height, score_band(survey.kind, score)))
    return bars, 16 + len(bars) * 36


@login_required
@require_GET
def survey_detail_view(request: HttpRequest, survey_pk: int) -> HttpResponse:
    user = request.user
    survey = survey_get(user=user, pk=survey_pk)
    invitations = survey_invitations(survey=survey)
    for invitation in invitations:
        response = getattr(invitation, "response", None)
        invitation.band = score_band(survey.kind, response.score) if response is not None else ""
    can_manage = can_manage_surveys(user, survey.client)
    result = survey_result(survey)
    bars, bars_width = score_bars(survey, invitations)
    if isinstance(result, NpsResult):
        figures = {"nps_text": fmt_nps(result.score), "band": nps_band(result.score)}
    else:
        figures = {
            "csat_text": fmt_mean(result.mean),
            "satisfied_text": fmt_pct(result.satisfied_pct),
            "band": csat_band(result.mean),
        }
    send_form = None
    if can_manage and survey.status != Survey.Status.CLOSED:
        send_form = SurveySendForm(survey=survey, user=user)
    context = {
        "record": survey,
        "survey": survey,
        "client": survey.client,
        "invitations": invitations,
        "result": result,
        "is_nps": isinstance(result, NpsResult),
        **figures,
        "rate_text": fmt_pct(response_rate(invited=survey.invited, answered=survey.answered)),
        "bars": bars,
        "bars_width": bars_width,
        "can_manage": can_manage,
        "send_form": send_form,
        "can_list": can_view_client_surveys(user, survey.client),
    }
    return render(request, "clients/surveys/detail.html", context)


def _say(request: HttpRequest, exc: ValidationFailed) -> None:
    for field_messages in exc.errors.values():
        for message in field_messages:
            messages.error(request, str(message))


@login_required
@require_POST
def survey_send_view(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=survey_pk)
    if not can_manage_surveys(request.user, survey.client):
        raise Forbidden()
    form = SurveySendForm(request.POST, survey=survey, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose at least one contact to invite."))
        return redirect(_survey_url(survey))
    try:
        invitations = survey_send(actor=request.user, survey=survey, contacts=form.cleaned_data["contacts"])
    except ValidationFailed as exc:
        _say(request, exc)
    else:
        messages.success(request, _("Survey sent to %(count)s contacts.") % {"count": len(invitations)})
    return redirect(_survey_url(survey))


@login_required
@require_POST
def survey_close_view(request: HttpRequest, survey_pk: int) -> HttpResponse:
    survey = survey_get(user=request.user, pk=survey_pk)
    try:
        survey_close(actor=request.user, survey=survey)
    except ValidationFailed as exc:
        _say(request, exc)
    else:
        messages.success(request, _("Survey closed: its links no longer accept answers."))
    return redirect(_survey_url(survey))


# --- the public answer page -------------------------------------------------------------------------------------------
def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _too_many_misses(request: HttpRequest) -> bool:
    return (cache.get(f"tripod:survey-miss:{_address(request)}") or 0) >= MISS_LIMIT


def _count_miss(request: HttpRequest) -> None:
    key = f"tripod:survey-miss:{_address(request)}"
    if not cache.add(key, 1, MISS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, MISS_WINDOW)


def _public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the link is the credential: never pass it on
    return response


def _invalid(request: HttpRequest, status: int = 404) -> HttpResponse:
    return _public(request, "clients/surveys/public_invalid.html", {"too_many": status == 429}, status=status)


def _use_invitation_language(request: HttpRequest, invitation: SurveyInvitation) -> None:
    """Speak the language the invitation was written in, unless the visitor chose one with the switch."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or not invitation.language:
        return
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = translation.get_language()


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """The contact's private answer page. CSRF-protected like every form; no login."""
    if _too_many_misses(request):
        return _invalid(request, status=429)
    invitation = invitation_by_token(token=token)
    if invitation is None or not invitation_open(invitation, timezone.now()):
        _count_miss(request)
        return _invalid(request)
    _use_invitation_language(request, invitation)
    survey = invitation.survey
    low, high = survey.score_range
    context: dict[str, Any] = {"survey": survey, "invitation": invitation, "low": low, "high": high}
    if invitation.answered_at is not None:
        if request.method == "POST":
            context["refused"] = str(SurveyAlreadyAnswered.default_message)
            return _public(request, "clients/surveys/public.html", {**context, "answered": True}, status=409)
        context.update(answered=True, response=getattr(invitation, "response", None))
        return _public(request, "clients/surveys/public.html", context)
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except SurveyAlreadyAnswered as exc:
            context["refused"] = str(exc.message)
            return _public(request, "clients/surveys/public.html", {**context, "answered": True}, status=409)
        except NotFound:
            return _invalid(request)
        except ValidationFailed as exc:
            apply_validation_errors(form, exc.errors)
        else:
            return redirect(request.path)
    context.update(form=form, scores=list(range(low, high + 1)))
    return _public(request, "clients/surveys/public.html", context)


urlpatterns = [
    path("surveys/", survey_list_view, name="survey_list"),
    path("<int:pk>/surveys/", client_surveys_view, name="surveys"),
    path("<int:pk>/surveys/new/", survey_create_view, name="survey_create"),
    path("surveys/<int:survey_pk>/", survey_detail_view, name="survey_detail"),
    path("surveys/<int:survey_pk>/send/", survey_send_view, name="survey_send"),
    path("surveys/<int:survey_pk>/close/", survey_close_view, name="survey_close"),
    path("s/<str:token>/", survey_answer_view, name="survey_answer"),
]
