"""The pipeline's pages: the board by stage (drag and drop, or a "move to" menu), the funnel with the win rate, the
list and page of an opportunity (effort by skill, win and lose), contracts with their billing milestones (invoice,
pay) and collection rate, and each client's quarterly account plan.

Admins and the client's account team only (``clients.access.pipeline``): anyone else gets a 403 on the pipeline's
own pages and a 404 on its records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.clients.access.pipeline import (
    can_edit_account_plan,
    can_edit_contract,
    can_edit_opportunity,
    can_use_pipeline,
)
from tripod.clients.models import BillingMilestone, BusinessLine, Client, Contract, Opportunity
from tripod.clients.pipeline_forms import (
    AccountPlanForm,
    ContractForm,
    EffortFormSet,
    InvoiceForm,
    LoseForm,
    MilestoneForm,
    OpportunityForm,
    PaymentForm,
    PlanActionFormSet,
    WinForm,
    effort_initial,
    plan_action_form_kwargs,
    plan_actions_initial,
)
from tripod.clients.selectors import client_get
from tripod.clients.selectors.pipeline import (
    FunnelStep,
    StageSummary,
    account_plan_for,
    account_quarter_figures,
    account_team_users,
    collection_rate,
    contract_get,
    contract_list,
    contract_milestones,
    current_quarter,
    opportunity_efforts,
    opportunity_funnel,
    opportunity_get,
    opportunity_list,
    opportunity_owners,
    pipeline_by_stage,
    pipeline_clients,
    quarter_bounds,
    renewal_state,
    renewals_due,
    shift_quarter,
    win_rate,
)
from tripod.clients.services.pipeline import (
    account_plan_save,
    billing_milestone_add,
    billing_milestone_invoice,
    billing_milestone_pay,
    billing_milestone_update,
    contract_create,
    contract_update,
    opportunity_create,
    opportunity_effort_set,
    opportunity_lose,
    opportunity_move,
    opportunity_update,
    opportunity_win,
)
from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.htmx import apply_validation_errors, form_page, hx_toast, is_htmx, show_conflict, submit_form
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role
from tripod.identity.selectors import users_with_role
from tripod.projects.access import can_create_project
from tripod.projects.selectors import project_list
from tripod.projects.views.budget_figures import fmt_money

Stage = Opportunity.Stage
RECENTLY_CLOSED_DAYS = 90
RENEWAL_WINDOW_DAYS = 90
BOARD_COLUMNS = "clients/pipeline/board.html#columns"


def _require_pipeline(request: HttpRequest) -> None:
    if not can_use_pipeline(request.user):
        raise Forbidden()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{number_format(value * 100, 0, use_l10n=True)} %"


def _say(request: HttpRequest, exc: ValidationFailed) -> None:
    for field_messages in exc.errors.values():
        for message in field_messages:
            messages.error(request, str(message))


def _opportunity_url(opportunity: Opportunity) -> str:
    return reverse("clients:opportunity_detail", args=[opportunity.pk])


def _contract_url(contract: Contract) -> str:
    return reverse("clients:contract_detail", args=[contract.pk])


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# --- filters shared by the board, the funnel and the list -------------------------------------------------------------
@dataclass
class PipelineFilters:
    owner: str
    client: str
    line: str
    clients: list[Client]
    owners: list[Any]
    lines: list[BusinessLine]

    @property
    def active(self) -> bool:
        return bool(self.owner or self.client or self.line)

    def lookups(self) -> dict[str, Any]:
        return {"owner_id": self.owner or None, "client_id": self.client or None, "business_line_id": self.line or None}

    def query(self) -> dict[str, str]:
        return {k: v for k, v in (("owner", self.owner), ("client", self.client), ("line", self.line)) if v}


def _filters(user: Any, data: Any) -> PipelineFilters:
    """The owner / client / business line chosen, kept only when they are among the user's choices."""
    clients = list(pipeline_clients(user=user))
    owners = list(opportunity_owners(user=user))
    lines = list(BusinessLine.objects.order_by("name"))

    def chosen(name: str, options: list[Any]) -> str:
        value = str(data.get(name) or "")[:20]
        return value if value in {str(o.pk) for o in options} else ""

    return PipelineFilters(
        chosen("owner", owners), chosen("client", clients), chosen("line", lines), clients, owners, lines
    )


# --- the board --------------------------------------------------------------------------------------------------------
@dataclass
class BoardColumn:
    summary: StageSummary
    cards: list[Opportunity]

    @property
    def closed(self) -> bool:
        return self.summary.stage in Opportunity.CLOSED_STAGES


def _board(request: HttpRequest, filters: PipelineFilters) -> list[BoardColumn]:
    today = timezone.localdate()
    since = today - dt.timedelta(days=RECENTLY_CLOSED_DAYS)
    lookups = filters.lookups()
    cards: dict[str, list[Opportunity]] = {stage: [] for stage in Stage.values}
    for opportunity in opportunity_list(user=request.user, closed_since=since, **lookups):
        opportunity.late = opportunity.is_open and bool(
            opportunity.expected_close and opportunity.expected_close < today
        )
        cards[opportunity.stage].append(opportunity)
    summaries = pipeline_by_stage(user=request.user, closed_since=since, **lookups)
    return [BoardColumn(summary, cards[summary.stage]) for summary in summaries]


def _board_context(request: HttpRequest, filters: PipelineFilters) -> dict[str, Any]:
    columns = _board(request, filters)
    open_columns = [c for c in columns if not c.closed]
    return {
        "columns": columns,
        "filters": filters,
        "stages": Stage.choices,
        "move_url": reverse("clients:pipeline_move"),
        "open_count": sum(c.summary.count for c in open_columns),
        "open_totals": _merge_totals(open_columns),
        "recent_days": RECENTLY_CLOSED_DAYS,
    }


def _merge_totals(columns: list[BoardColumn]) -> list[tuple[str, str]]:
    """(amount, weighted) texts per currency over several columns."""
    amounts: dict[str, list[Decimal]] = {}
    for column in columns:
        for amount, weighted in column.summary.totals:
            pair = amounts.setdefault(amount.currency, [Decimal(0), Decimal(0)])
            pair[0] += amount.amount
            pair[1] += weighted.amount
    return [(fmt_money(a, cur), fmt_money(w, cur)) for cur, (a, w) in sorted(amounts.items())]


@login_required
@require_GET
def pipeline_board_view(request: HttpRequest) -> HttpResponse:
    _require_pipeline(request)
    filters = _filters(request.user, request.GET)
    context = _board_context(request, filters)
    if is_htmx(request) and request.htmx.target == "pipeline-columns":
        return render(request, BOARD_COLUMNS, context)
    return render(request, "clients/pipeline/board.html", context)


@login_required
@require_POST
def pipeline_move_view(request: HttpRequest) -> HttpResponse:
    """Move an opportunity to another open stage. Won and lost ask why: the move goes to their dialog instead."""
    _require_pipeline(request)
    opportunity = opportunity_get(user=request.user, pk=_int(request.POST.get("opportunity")) or 0)
    filters = _filters(request.user, request.POST)
    stage = request.POST.get("stage", "")
    if stage in Opportunity.CLOSED_STAGES and opportunity.is_open:
        url = reverse(
            "clients:opportunity_win" if stage == Stage.WON else "clients:opportunity_lose", args=[opportunity.pk]
        )
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    level, message = "success", ""
    try:
        moved = opportunity_move(
            actor=request.user, opportunity=opportunity, stage=stage, version=_int(request.POST.get("version"))
        )
    except ValidationFailed as exc:
        level, message = "error", " ".join(str(m) for errors in exc.errors.values() for m in errors)
    except StaleVersion:
        level, message = (
            "warning",
            _("Someone else changed this opportunity meanwhile: the board now shows it as it is."),
        )
    else:
        message = _("“%(name)s” moved to %(stage)s.") % {"name": moved.name, "stage": moved.get_stage_display()}
    if not is_htmx(request):
        getattr(messages, level)(request, message)
        board = reverse("clients:pipeline")
        query = urlencode(filters.query())
        return redirect(_safe_next(request, board + (f"?{query}" if query else "")))
    context = {**_board_context(request, filters), "moved": opportunity.pk}
    return hx_toast(render(request, BOARD_COLUMNS, context), message, level)


# --- the funnel and the win rate --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FunnelBar:
    label: str
    count: int
    conversion: str
    points: str
    label_y: float


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    label_x: int
    value_x: int
    bars: list[FunnelBar]
    description: str


FUNNEL_WIDTH, FUNNEL_ROW, FUNNEL_GAP, FUNNEL_TOP = 640, 48, 6, 8
FUNNEL_LEFT, FUNNEL_SPAN, FUNNEL_MIN = 180, 280, 16


def funnel_chart(steps: list[FunnelStep]) -> FunnelChart | None:
    """The funnel as SVG geometry: one trapezoid per stage, its top as wide as the stage's count and its bottom as
    wide as the next stage's, centred; the stage on the left, the count and conversion on the right."""
    top_count = max((s.count for s in steps), default=0)
    if not top_count:
        return None
    centre = FUNNEL_LEFT + FUNNEL_SPAN / 2

    def width(count: int) -> float:
        return max(FUNNEL_MIN, FUNNEL_SPAN * count / top_count)

    bars = []
    for index, step in enumerate(steps):
        top = FUNNEL_TOP + index * (FUNNEL_ROW + FUNNEL_GAP)
        bottom = top + FUNNEL_ROW
        w_top = width(step.count)
        w_bottom = width(steps[index + 1].count) if index + 1 < len(steps) else w_top
        corners = [
            (centre - w_top / 2, top),
            (centre + w_top / 2, top),
            (centre + w_bottom / 2, bottom),
            (centre - w_bottom / 2, bottom),
        ]
        conversion = _("%(rate)s of the previous stage") % {"rate": _percent(step.conversion)} if index else ""
        bars.append(
            FunnelBar(
                label=step.label,
                count=step.count,
                conversion=conversion if step.conversion is not None else "",
                points=" ".join(f"{x:.1f},{y:.1f}" for x, y in corners),
                label_y=top + FUNNEL_ROW / 2,
            )
        )
    height = FUNNEL_TOP * 2 + len(steps) * (FUNNEL_ROW + FUNNEL_GAP) - FUNNEL_GAP
    description = "; ".join(f"{s.label}: {s.count}" for s in steps)
    return FunnelChart(
        width=FUNNEL_WIDTH,
        height=height,
        label_x=FUNNEL_LEFT - 12,
        value_x=FUNNEL_LEFT + FUNNEL_SPAN + 12,
        bars=bars,
        description=_("Opportunities that reached each stage: %(steps)s.") % {"steps": description},
    )


def _parse_day(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


@login_required
@require_GET
def pipeline_funnel_view(request: HttpRequest) -> HttpResponse:
    _require_pipeline(request)
    user = request.user
    filters = _filters(user, request.GET)
    today = timezone.localdate()
    end = _parse_day(request.GET.get("end")) or today
    start = _parse_day(request.GET.get("start")) or end.replace(year=end.year - 1) + dt.timedelta(days=1)
    if start > end:
        start, end = end, start
    lookups = filters.lookups()
    steps = opportunity_funnel(user=user, start=start, end=end, **lookups)
    rate = win_rate(user=user, start=start, end=end, **lookups)
    context = {
        "filters": filters,
        "start": start,
        "end": end,
        "chart": funnel_chart(steps),
        "steps": steps,
        "win": rate,
        "win_rate_text": _percent(rate.rate),
        "stages": [
            (summary, [(fmt_money(a.amount, a.currency), fmt_money(w.amount, w.currency)) for a, w in summary.totals])
            for summary in pipeline_by_stage(user=user, **lookups)
        ],
    }
    return render(request, "clients/pipeline/funnel.html", context)


# --- opportunities ----------------------------------------------------------------------------------------------------
class OpportunityTable(Table):
    columns = [
        Column("name", gettext_lazy("Opportunity"), sort="name", link=_opportunity_url),
        Column("client", gettext_lazy("Client"), sort="client__name"),
        Column("stage", gettext_lazy("Stage"), accessor="get_stage_display", sort="stage",
               template="clients/pipeline/_stage_cell.html"),
        Column("amount", gettext_lazy("Amount"), accessor=lambda o: fmt_money(o.amount, o.currency), sort="amount",
               numeric=True),
        Column("probability", gettext_lazy("Probability"), accessor=lambda o: f"{o.probability} %",
               sort="probability", numeric=True),
        Column("weighted", gettext_lazy("Weighted"), accessor=lambda o: fmt_money(o.weighted_amount, o.currency),
               numeric=True),
        Column("expected_close", gettext_lazy("Expected close"), sort="expected_close"),
        Column("owner", gettext_lazy("Owner"), sort="owner__username"),
    ]  # fmt: skip
    default_sort = "expected_close"
    search_placeholder = gettext_lazy("Filter by name or client…")
    empty_text = gettext_lazy("No opportunities yet.")
    empty_icon = "funnel"


@login_required
@require_GET
def opportunity_list_view(request: HttpRequest) -> HttpResponse:
    _require_pipeline(request)
    user = request.user
    filters = _filters(user, request.GET)
    stage = request.GET.get("stage") if request.GET.get("stage") in Stage.values else None
    opportunities = opportunity_list(user=user, stage=stage, search=query_param(request), **filters.lookups())
    table = OpportunityTable(
        request,
        opportunities,
        id="opportunities",
        filters=[
            ChoiceFilter("stage", gettext_lazy("Stage"), Stage.choices),
            ChoiceFilter("client", gettext_lazy("Client"), [(c.pk, c.name) for c in filters.clients]),
            ChoiceFilter("owner", gettext_lazy("Owner"), [(o.pk, str(o)) for o in filters.owners]),
            ChoiceFilter("line", gettext_lazy("Business line"), [(line.pk, line.name) for line in filters.lines]),
        ],
    )
    context = {"can_create": bool(filters.clients)}
    if context["can_create"]:
        context.update(empty_action_url=reverse("clients:opportunity_create"), empty_action_label=_("New opportunity"))
    return render_table(request, "clients/pipeline/opportunity_list.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create_view(request: HttpRequest) -> HttpResponse:
    _require_pipeline(request)
    user = request.user
    clients = pipeline_clients(user=user)
    initial = {"owner": user.pk, "currency": "CNY"}
    if (client_id := _int(request.GET.get("client"))) and clients.filter(pk=client_id).exists():
        initial["client"] = client_id
    form = OpportunityForm(
        request.POST or None,
        initial=initial,
        clients=clients,
        owners=users_with_role(role=Role.AM, also_id=user.pk),
    )
    return form_page(
        request,
        form,
        lambda data: opportunity_create(actor=user, **data),
        title=_("New opportunity"),
        cancel_url=reverse("clients:pipeline"),
        success_message=lambda o: _("Opportunity %(name)s created.") % {"name": o.name},
        success_url=_opportunity_url,
    )


def _win_form(request: HttpRequest, opportunity: Opportunity, data: Any = None) -> WinForm:
    initial = {
        "version": opportunity.version,
        "project_name": opportunity.name,
        "contract_title": opportunity.name,
    }
    return WinForm(
        data,
        initial=initial,
        projects=project_list(user=request.user, client_id=opportunity.client_id),
        may_start_project=can_create_project(request.user),
    )


@login_required
@require_GET
def opportunity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get(user=request.user, pk=pk)
    return _detail(request, opportunity)


def _detail(
    request: HttpRequest,
    opportunity: Opportunity,
    *,
    effort_formset: Any = None,
    effort_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_edit = can_edit_opportunity(user, opportunity)
    efforts = opportunity_efforts(opportunity=opportunity)
    if can_edit and effort_formset is None:
        effort_formset = EffortFormSet(initial=effort_initial(efforts), prefix="effort")
    context = {
        "record": opportunity,
        "opportunity": opportunity,
        "amount_text": fmt_money(opportunity.amount, opportunity.currency),
        "weighted_text": fmt_money(opportunity.weighted_amount, opportunity.currency),
        "efforts": efforts,
        "effort_total": sum((e.hours for e in efforts), Decimal(0)),
        "effort_formset": effort_formset if can_edit else None,
        "effort_errors": effort_errors or [],
        "can_edit": can_edit,
        "stages": [(s, label) for s, label in Stage.choices if s in Opportunity.OPEN_STAGES],
        "win_form": _win_form(request, opportunity) if can_edit and opportunity.is_open else None,
        "lose_form": LoseForm(initial={"version": opportunity.version}) if can_edit and opportunity.is_open else None,
    }
    return render(request, "clients/pipeline/opportunity_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get(user=request.user, pk=pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise Forbidden()
    form = OpportunityForm(
        request.POST or None,
        instance=opportunity,
        clients=Client.objects.none(),
        owners=account_team_users(client=opportunity.client, also_id=opportunity.owner_id),
    )
    return form_page(
        request,
        form,
        lambda data: opportunity_update(actor=request.user, opportunity=opportunity, **data),
        title=_("Edit opportunity"),
        eyebrow=opportunity.client.name,
        cancel_url=_opportunity_url(opportunity),
        success_message=lambda o: _("Opportunity %(name)s saved.") % {"name": o.name},
        success_url=_opportunity_url,
    )


@login_required
@require_POST
def opportunity_effort_view(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get(user=request.user, pk=pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise Forbidden()
    formset = EffortFormSet(request.POST, prefix="effort")
    errors: list[str] = []
    if formset.is_valid():
        try:
            opportunity_effort_set(actor=request.user, opportunity=opportunity, efforts=formset.efforts())
        except ValidationFailed as exc:
            errors = [str(m) for field_errors in exc.errors.values() for m in field_errors]
        else:
            messages.success(request, _("Effort by skill saved."))
            return redirect(_opportunity_url(opportunity))
    return _detail(request, opportunity, effort_formset=formset, effort_errors=errors, status=422)


def _close_page(
    request: HttpRequest, opportunity: Opportunity, form: Any, *, won: bool, status: int = 200
) -> HttpResponse:
    context = {
        "opportunity": opportunity,
        "form": form,
        "won": won,
        "amount_text": fmt_money(opportunity.amount, opportunity.currency),
    }
    return render(request, "clients/pipeline/close.html", context, status=status)


def _close(request: HttpRequest, pk: int, *, won: bool) -> HttpResponse:
    opportunity = opportunity_get(user=request.user, pk=pk)
    if not can_edit_opportunity(request.user, opportunity):
        raise Forbidden()
    if not opportunity.is_open:
        messages.info(request, _("This opportunity is already closed."))
        return redirect(_opportunity_url(opportunity))
    if request.method == "GET":
        form = _win_form(request, opportunity) if won else LoseForm(initial={"version": opportunity.version})
        return _close_page(request, opportunity, form, won=won)
    form = _win_form(request, opportunity, request.POST) if won else LoseForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        service = opportunity_win if won else opportunity_lose
        try:
            closed = service(actor=request.user, opportunity=opportunity, **data)
        except ValidationFailed as exc:
            apply_validation_errors(form, exc.errors)
        except StaleVersion:
            form.add_error(None, _("Someone else changed this opportunity meanwhile. Check it and try again."))
        else:
            if won:
                messages.success(request, _("Opportunity %(name)s won.") % {"name": closed.name})
            else:
                messages.success(request, _("Opportunity %(name)s lost.") % {"name": closed.name})
            return redirect(_opportunity_url(closed))
    return _close_page(request, opportunity, form, won=won, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_win_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, won=True)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_lose_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, won=False)


# --- contracts and billing --------------------------------------------------------------------------------------------
class ContractTable(Table):
    columns = [
        Column("number", gettext_lazy("Number"), sort="number", link=_contract_url, css_class="tp-mono"),
        Column("title", gettext_lazy("Title"), sort="title", link=_contract_url),
        Column("client", gettext_lazy("Client"), sort="client__name"),
        Column("status", gettext_lazy("Status"), accessor="get_status_display", sort="status",
               badge=lambda c: c.status),
        Column("value", pgettext_lazy("contract", "Value"), accessor=lambda c: fmt_money(c.value, c.currency),
               sort="value", numeric=True),
        Column("invoiced", gettext_lazy("Invoiced"), accessor=lambda c: fmt_money(c.invoiced, c.currency),
               sort="invoiced", numeric=True),
        Column("paid", gettext_lazy("Paid"), accessor=lambda c: fmt_money(c.paid, c.currency), sort="paid",
               numeric=True),
        Column("end", gettext_lazy("End"), sort="end"),
        Column("renewal", gettext_lazy("Renewal"), accessor=lambda c: renewal_state(c, timezone.localdate()),
               sort="renewal_date", template="clients/pipeline/_renewal_cell.html"),
    ]  # fmt: skip
    default_sort = "-end"
    search_placeholder = gettext_lazy("Filter by number, title or client…")
    empty_text = gettext_lazy("No contracts yet.")
    empty_icon = "file-earmark-text"


def _collection_text(rate: Any) -> list[tuple[str, str, str]]:
    """(currency, rate, paid of due) lines of a CollectionRate."""
    return [
        (c.currency, _percent(c.rate), _("%(paid)s paid of %(due)s due") % {
            "paid": fmt_money(c.paid, c.currency), "due": fmt_money(c.due, c.currency),
        })
        for c in rate.by_currency
    ]  # fmt: skip


@login_required
@require_GET
def contract_list_view(request: HttpRequest) -> HttpResponse:
    _require_pipeline(request)
    user = request.user
    today = timezone.localdate()
    get = request.GET
    clients = list(pipeline_clients(user=user))
    client_id = get.get("client") if get.get("client") in {str(c.pk) for c in clients} else None
    contracts = contract_list(
        user=user,
        client_id=client_id,
        status=get.get("status") if get.get("status") in Contract.Status.values else None,
        renewal_status=get.get("renewal_status")
        if get.get("renewal_status") in Contract.RenewalStatus.values
        else None,
        search=query_param(request),
    )
    due = renewals_due(user=user, within_days=RENEWAL_WINDOW_DAYS, today=today)
    if get.get("renewal") == "due":
        contracts = contracts.filter(pk__in=due.values("pk"))
    table = ContractTable(
        request,
        contracts,
        id="contracts",
        filters=[
            ChoiceFilter("client", gettext_lazy("Client"), [(c.pk, c.name) for c in clients]),
            ChoiceFilter("status", gettext_lazy("Status"), Contract.Status.choices),
            ChoiceFilter("renewal_status", gettext_lazy("Renewal status"), Contract.RenewalStatus.choices),
            ChoiceFilter("renewal", gettext_lazy("Renewal"), [("due", gettext_lazy("Due within 90 days"))]),
        ],
    )
    context = {
        "can_create": bool(clients),
        "collection": _collection_text(collection_rate(user=user, as_of=today)),
        "renewals_due": due.count(),
        "today": today,
    }
    if context["can_create"]:
        context.update(empty_action_url=reverse("clients:contract_create"), empty_action_label=_("New contract"))
    return render_table(request, "clients/pipeline/contract_list.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def contract_create_view(request: HttpRequest) -> HttpResponse:
    _require_pipeline(request)
    clients = pipeline_clients(user=request.user)
    initial: dict[str, Any] = {"currency": "CNY"}
    if (client_id := _int(request.GET.get("client"))) and clients.filter(pk=client_id).exists():
        initial["client"] = client_id
    return form_page(
        request,
        ContractForm(request.POST or None, initial=initial, clients=clients),
        lambda data: contract_create(actor=request.user, **data),
        title=_("New contract"),
        cancel_url=reverse("clients:contract_list"),
        success_message=lambda c: _("Contract %(number)s created.") % {"number": c.number},
        success_url=_contract_url,
    )


def _contract_detail(
    request: HttpRequest, contract: Contract, *, milestone_form: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    can_edit = can_edit_contract(user, contract)
    milestones = contract_milestones(contract=contract, today=today)
    for milestone in milestones:
        milestone.amount_text = fmt_money(milestone.amount, contract.currency)
        milestone.paid_text = fmt_money(milestone.paid_amount, contract.currency)
        milestone.outstanding_text = fmt_money(milestone.outstanding, contract.currency)
    billed = sum((m.amount for m in milestones), Decimal(0))
    context = {
        "record": contract,
        "contract": contract,
        "today": today,
        "value_text": fmt_money(contract.value, contract.currency),
        "billed_text": fmt_money(billed, contract.currency),
        "unplanned_text": fmt_money(contract.value - billed, contract.currency) if billed < contract.value else "",
        "milestones": milestones,
        "renewal": renewal_state(contract, today, RENEWAL_WINDOW_DAYS),
        "collection": _collection_text(collection_rate(user=user, contract=contract, as_of=today)),
        "client_collection": _collection_text(collection_rate(user=user, client=contract.client, as_of=today)),
        "opportunities": list(contract.opportunities.order_by("pk")),
        "can_edit": can_edit,
        "milestone_form": (milestone_form or MilestoneForm()) if can_edit else None,
    }
    return render(request, "clients/pipeline/contract_detail.html", context, status=status)


@login_required
@require_GET
def contract_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _contract_detail(request, contract_get(user=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = contract_get(user=request.user, pk=pk)
    if not can_edit_contract(request.user, contract):
        raise Forbidden()
    return form_page(
        request,
        ContractForm(request.POST or None, instance=contract, clients=Client.objects.none()),
        lambda data: contract_update(actor=request.user, contract=contract, **data),
        title=_("Edit contract"),
        eyebrow=contract.client.name,
        cancel_url=_contract_url(contract),
        success_message=lambda c: _("Contract %(number)s saved.") % {"number": c.number},
        success_url=_contract_url,
    )


@login_required
@require_POST
def billing_milestone_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = contract_get(user=request.user, pk=pk)
    if not can_edit_contract(request.user, contract):
        raise Forbidden()
    form = MilestoneForm(request.POST)
    saved = submit_form(form, lambda data: billing_milestone_add(actor=request.user, contract=contract, **data))
    if saved is None:
        return _contract_detail(request, contract, milestone_form=form, status=422)
    messages.success(request, _("Billing milestone %(name)s added.") % {"name": saved.name})
    return redirect(_contract_url(contract))


def _milestone(request: HttpRequest, pk: int, milestone_pk: int) -> tuple[Contract, BillingMilestone]:
    contract = contract_get(user=request.user, pk=pk)
    milestone = BillingMilestone.objects.filter(contract=contract, pk=milestone_pk).first()
    if milestone is None:
        raise NotFound(BillingMilestone._meta.verbose_name)
    milestone.contract = contract
    if not can_edit_contract(request.user, contract):
        raise Forbidden()
    return contract, milestone


@login_required
@require_http_methods(["GET", "POST"])
def billing_milestone_edit_view(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    contract, milestone = _milestone(request, pk, milestone_pk)
    return form_page(
        request,
        MilestoneForm(request.POST or None, instance=milestone),
        lambda data: billing_milestone_update(actor=request.user, milestone=milestone, **data),
        title=_("Edit billing milestone"),
        eyebrow=str(contract),
        cancel_url=_contract_url(contract),
        success_message=lambda m: _("Billing milestone %(name)s saved.") % {"name": m.name},
        success_url=lambda m: _contract_url(contract),
    )


def _milestone_action(request: HttpRequest, pk: int, milestone_pk: int, *, pay: bool) -> HttpResponse:
    contract, milestone = _milestone(request, pk, milestone_pk)
    form = PaymentForm(request.POST) if pay else InvoiceForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect(_contract_url(contract))
    try:
        if pay:
            billing_milestone_pay(actor=request.user, milestone=milestone, **form.cleaned_data)
        else:
            billing_milestone_invoice(actor=request.user, milestone=milestone, **form.cleaned_data)
    except ValidationFailed as exc:
        _say(request, exc)
    except StaleVersion:
        messages.warning(request, _("Someone else changed this milestone meanwhile. Check it and try again."))
    else:
        if pay:
            messages.success(request, _("Payment recorded on %(name)s.") % {"name": milestone.name})
        else:
            messages.success(request, _("%(name)s marked invoiced.") % {"name": milestone.name})
    return redirect(_contract_url(contract))


@login_required
@require_POST
def billing_milestone_invoice_view(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    return _milestone_action(request, pk, milestone_pk, pay=False)


@login_required
@require_POST
def billing_milestone_pay_view(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    return _milestone_action(request, pk, milestone_pk, pay=True)


# --- account plans ----------------------------------------------------------------------------------------------------
def _plan_url(client: Client, year: int, quarter: int) -> str:
    return reverse("clients:account_plan", args=[client.pk, year, quarter])


def _quarter(year: int, quarter: int) -> tuple[int, int]:
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise NotFound()
    return year, quarter


@login_required
@require_GET
def account_plan_current_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    year, quarter = current_quarter()
    account_plan_for(user=request.user, client=client, year=year, quarter=quarter)  # 404 unless allowed
    return redirect(_plan_url(client, year, quarter))


def _money_list(values: list[Any]) -> str:
    return " · ".join(fmt_money(m.amount, m.currency) for m in values) or fmt_money(Decimal(0))


@login_required
@require_GET
def account_plan_view(request: HttpRequest, pk: int, year: int, quarter: int) -> HttpResponse:
    year, quarter = _quarter(year, quarter)
    client = client_get(user=request.user, pk=pk)
    plan = account_plan_for(user=request.user, client=client, year=year, quarter=quarter)
    figures = account_quarter_figures(user=request.user, client=client, year=year, quarter=quarter)
    first, last = quarter_bounds(year, quarter)
    progress = None
    if plan is not None and plan.target_revenue:
        won = next((m.amount for m in figures.won if m.currency == plan.currency), Decimal(0))
        progress = min(int(won * 100 / plan.target_revenue), 100), _percent(won / plan.target_revenue)
    context = {
        "record": plan,
        "client": client,
        "plan": plan,
        "year": year,
        "quarter": quarter,
        "first": first,
        "last": last,
        "figures": figures,
        "won_text": _money_list(figures.won),
        "open_text": _money_list(figures.open_weighted),
        "billing_due_text": _money_list(figures.billing_due),
        "billing_paid_text": _money_list(figures.billing_paid),
        "target_text": fmt_money(plan.target_revenue, plan.currency) if plan else "",
        "progress": progress,
        "previous_url": _plan_url(client, *shift_quarter(year, quarter, -1)),
        "next_url": _plan_url(client, *shift_quarter(year, quarter, 1)),
        "is_current": (year, quarter) == current_quarter(),
        "can_edit": can_edit_account_plan(request.user, client),
    }
    return render(request, "clients/pipeline/account_plan.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_plan_edit_view(request: HttpRequest, pk: int, year: int, quarter: int) -> HttpResponse:
    year, quarter = _quarter(year, quarter)
    client = client_get(user=request.user, pk=pk)
    plan = account_plan_for(user=request.user, client=client, year=year, quarter=quarter)
    if not can_edit_account_plan(request.user, client):
        raise Forbidden()
    data = request.POST if request.method == "POST" else None
    form = AccountPlanForm(data, instance=plan, initial=None if plan else {"currency": "CNY"})
    owners = account_team_users(client=client)
    actions = PlanActionFormSet(
        data, initial=plan_actions_initial(plan), prefix="a", form_kwargs=plan_action_form_kwargs(owners)
    )
    if data is not None and form.is_valid() and actions.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            account_plan_save(
                actor=request.user,
                client=client,
                year=year,
                quarter=quarter,
                version=form.cleaned_data.get("version"),
                actions=actions.actions(),
                **fields,
            )
        except ValidationFailed as exc:
            apply_validation_errors(form, exc.errors)
        except StaleVersion as exc:
            show_conflict(form, exc.current)
        else:
            messages.success(
                request, _("Account plan for %(year)s Q%(quarter)s saved.") % {"year": year, "quarter": quarter}
            )
            return redirect(_plan_url(client, year, quarter))
    context = {"client": client, "year": year, "quarter": quarter, "form": form, "actions": actions, "plan": plan}
    return render(request, "clients/pipeline/account_plan_form.html", context, status=422 if data else 200)


urlpatterns = [
    path("pipeline/", pipeline_board_view, name="pipeline"),
    path("pipeline/move/", pipeline_move_view, name="pipeline_move"),
    path("pipeline/funnel/", pipeline_funnel_view, name="pipeline_funnel"),
    path("opportunities/", opportunity_list_view, name="opportunity_list"),
    path("opportunities/new/", opportunity_create_view, name="opportunity_create"),
    path("opportunities/<int:pk>/", opportunity_detail_view, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", opportunity_edit_view, name="opportunity_edit"),
    path("opportunities/<int:pk>/effort/", opportunity_effort_view, name="opportunity_effort"),
    path("opportunities/<int:pk>/win/", opportunity_win_view, name="opportunity_win"),
    path("opportunities/<int:pk>/lose/", opportunity_lose_view, name="opportunity_lose"),
    path("contracts/", contract_list_view, name="contract_list"),
    path("contracts/new/", contract_create_view, name="contract_create"),
    path("contracts/<int:pk>/", contract_detail_view, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contract_edit_view, name="contract_edit"),
    path("contracts/<int:pk>/milestones/", billing_milestone_add_view, name="billing_milestone_add"),
    path(
        "contracts/<int:pk>/milestones/<int:milestone_pk>/edit/",
        billing_milestone_edit_view,
        name="billing_milestone_edit",
    ),
    path(
        "contracts/<int:pk>/milestones/<int:milestone_pk>/invoice/",
        billing_milestone_invoice_view,
        name="billing_milestone_invoice",
    ),
    path(
        "contracts/<int:pk>/milestones/<int:milestone_pk>/pay/",
        billing_milestone_pay_view,
        name="billing_milestone_pay",
    ),
    path("<int:pk>/plan/", account_plan_current_view, name="account_plan_current"),
    path("<int:pk>/plan/<int:year>/<int:quarter>/", account_plan_view, name="account_plan"),
    path("<int:pk>/plan/<int:year>/<int:quarter>/edit/", account_plan_edit_view, name="account_plan_edit"),
]
