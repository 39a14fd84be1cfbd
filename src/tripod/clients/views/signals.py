"""Buying-signal pages: the signals the user may see (needs attention by default; filter by client, rule and
status), each with the records that triggered it linked; a signal's page where the account team acknowledges,
dismisses (with a reason) or acts on it (optionally giving out a follow-up), over HTMX; the rules page (admins
write, AMs read). Staff only: the client portal gets 403 before anything is looked up; a signal the user may not
see is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.clients.access.signals import can_manage_signal_rules, can_use_signals, can_view_signal_rules
from tripod.clients.models import Signal, SignalRule
from tripod.clients.selectors.signals import (
    evidence_links,
    signal_counts,
    signal_filter_choices,
    signal_get,
    signal_headline,
    signal_list,
    signal_rule_get,
    signal_rule_list,
)
from tripod.clients.services.signals import (
    KIND_PARAMETERS,
    signal_acknowledge,
    signal_act,
    signal_dismiss,
    signal_rule_create,
    signal_rule_set_active,
    signal_rule_update,
    signals_evaluate,
)
from tripod.clients.signal_forms import SignalAcknowledgeForm, SignalActForm, SignalDismissForm, SignalRuleForm
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.htmx import apply_validation_errors, form_page, hx_toast, is_htmx
from tripod.core.registry import record_kind
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table


def _require_signals(request: HttpRequest) -> None:
    if not can_use_signals(request.user):
        raise Forbidden()


def _signal_url(signal: Signal) -> str:
    return reverse("clients:signal_detail", args=[signal.pk])


def _client_url(signal: Signal) -> str:
    return reverse("clients:detail", args=[signal.client_id])


class SignalTable(Table):
    columns = [
        Column("raised_at", gettext_lazy("Raised"), sort="raised_at", link=_signal_url, css_class="text-nowrap",
               accessor=lambda s: s.raised_at.strftime("%Y-%m-%d")),
        Column("client", gettext_lazy("Client"), sort="client__name", link=_client_url),
        Column("rule", gettext_lazy("Signal"), sort="rule__name", template="clients/signals/_rule_cell.html"),
        Column("evidence", gettext_lazy("Evidence"), accessor="evidence_links",
               template="clients/signals/_evidence_cell.html"),
        Column("status", gettext_lazy("Status"), sort="status", template="clients/signals/_status_cell.html"),
    ]  # fmt: skip
    default_sort = "-raised_at"
    search_placeholder = gettext_lazy("Filter by client or rule…")
    empty_text = gettext_lazy("No signals: nothing the rules look for has happened lately.")
    empty_filtered_text = gettext_lazy("No signals match the filter.")
    empty_icon = "broadcast"


STATES = [
    ("live", gettext_lazy("Needs attention")),
    ("open", gettext_lazy("Open")),
    ("acknowledged", gettext_lazy("Acknowledged")),
    ("dismissed", gettext_lazy("Dismissed")),
    ("acted", gettext_lazy("Acted on")),
    ("all", gettext_lazy("All")),
]


def _decorate(user: Any, signals: list[Signal]) -> list[Signal]:
    """Give each signal its headline and its evidence, linked (one query per kind of record)."""
    links = evidence_links(user=user, signals=signals)
    for signal in signals:
        signal.headline = signal_headline(signal)
        signal.evidence_links = links.get(signal.pk, [])
    return signals


@login_required
@require_GET
def signals_view(request: HttpRequest) -> HttpResponse:
    _require_signals(request)
    user = request.user
    get = request.GET
    state = get.get("state") if get.get("state") in dict(STATES) else "live"
    clients, rules = signal_filter_choices(user=user)
    clients, rules = list(clients), list(rules)
    client = get.get("client") if get.get("client") in {str(c.pk) for c in clients} else None
    rule = get.get("rule") if get.get("rule") in {str(r.pk) for r in rules} else None
    status = state if state in Signal.Status.values else None
    signals = signal_list(user=user, client=client, rule=rule, status=status, open_only=state == "live")
    if q := query_param(request):
        signals = signals.filter(Q(client__name__icontains=q) | Q(rule__name__icontains=q))
    table = SignalTable(
        request,
        signals,
        id="signals",
        filters=[
            ChoiceFilter("client", gettext_lazy("Client"), [(c.pk, c.name) for c in clients]),
            ChoiceFilter("rule", gettext_lazy("Rule"), [(r.pk, r.name) for r in rules]),
        ],
    )
    _decorate(user, table.rows)
    context = {
        "state": state,
        "states": STATES,
        "counts": signal_counts(user=user),
        "can_view_rules": can_view_signal_rules(user),
        "can_evaluate": can_manage_signal_rules(user),
    }
    return render_table(request, "clients/signals/list.html", context, table)


# --- one signal -------------------------------------------------------------------------------------------------------
def _signal(request: HttpRequest, pk: int) -> Signal:
    _require_signals(request)
    return signal_get(user=request.user, pk=pk)


def _panel_context(request: HttpRequest, signal: Signal, **forms: Any) -> dict[str, Any]:
    _decorate(request.user, [signal])
    live = signal.is_live
    return {
        "signal": signal,
        "acknowledge_form": forms.get("acknowledge") or SignalAcknowledgeForm() if signal.status == "open" else None,
        "dismiss_form": forms.get("dismiss") or SignalDismissForm() if live else None,
        "act_form": forms.get("act") or SignalActForm(client=signal.client) if live else None,
    }


@login_required
@require_GET
def signal_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal(request, pk)
    context = _panel_context(request, signal)
    context["show_activity"] = record_kind(signal) is not None
    return render(request, "clients/signals/detail.html", context)


def _answer(
    request: HttpRequest, signal: Signal, message: str, *, failed: dict[str, Any] | None = None
) -> HttpResponse:
    """After an action: over HTMX, the signal's panel again (with the form that failed, if one did) and a toast;
    otherwise back to the signal's page with the message."""
    level = "error" if failed else "success"
    if is_htmx(request):
        fresh = signal_get(user=request.user, pk=signal.pk)
        context = _panel_context(request, fresh, **(failed or {}))
        return hx_toast(render(request, "clients/signals/detail.html#panel", context), message, level)
    getattr(messages, level)(request, message)
    return redirect(_signal_url(signal))


def _failure(form: Any, exc: ValidationFailed | None = None) -> str:
    if exc is not None:
        apply_validation_errors(form, exc.errors)
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


@login_required
@require_POST
def signal_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal(request, pk)
    form = SignalAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            signal_acknowledge(actor=request.user, signal=signal, **form.cleaned_data)
        except ValidationFailed as exc:
            return _answer(request, signal, _failure(form, exc), failed={"acknowledge": form})
        if is_htmx(request) and request.POST.get("from") == "list":
            fresh = _decorate(request.user, [signal_get(user=request.user, pk=signal.pk)])[0]
            response = render(request, "clients/signals/_status_cell.html", {"row": fresh})
            return hx_toast(response, _("Signal acknowledged."))
        return _answer(request, signal, _("Signal acknowledged."))
    return _answer(request, signal, _failure(form), failed={"acknowledge": form})


@login_required
@require_POST
def signal_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal(request, pk)
    form = SignalDismissForm(request.POST)
    if form.is_valid():
        try:
            signal_dismiss(actor=request.user, signal=signal, **form.cleaned_data)
        except ValidationFailed as exc:
            return _answer(request, signal, _failure(form, exc), failed={"dismiss": form})
        return _answer(request, signal, _("Signal dismissed."))
    return _answer(request, signal, _failure(form), failed={"dismiss": form})


@login_required
@require_POST
def signal_act_view(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal(request, pk)
    form = SignalActForm(request.POST, client=signal.client)
    if form.is_valid():
        try:
            acted = signal_act(actor=request.user, signal=signal, **form.cleaned_data)
        except ValidationFailed as exc:
            return _answer(request, signal, _failure(form, exc), failed={"act": form})
        if acted.followup_id:
            return _answer(request, signal, _("Signal acted on; follow-up added."))
        return _answer(request, signal, _("Signal acted on."))
    return _answer(request, signal, _failure(form), failed={"act": form})


@login_required
@require_POST
def signals_evaluate_view(request: HttpRequest) -> HttpResponse:
    """Admins run the evaluation now instead of waiting for the periodic task."""
    if not can_manage_signal_rules(request.user):
        raise Forbidden()
    counts = signals_evaluate()
    messages.success(
        request,
        _("Signal rules evaluated: %(raised)s raised, %(extended)s extended.")
        % {"raised": counts["raised"], "extended": counts["extended"]},
    )
    return redirect(reverse("clients:signals"))


# --- rules ------------------------------------------------------------------------------------------------------------
def _rules_url(_rule: Any = None) -> str:
    return reverse("clients:signal_rules")


@login_required
@require_GET
def signal_rules_view(request: HttpRequest) -> HttpResponse:
    if not can_view_signal_rules(request.user):
        raise Forbidden()
    rules = list(signal_rule_list(user=request.user))
    for rule in rules:
        schema = KIND_PARAMETERS.get(rule.kind, {})
        rule.parameter_rows = [(p.label, rule.parameters.get(name, p.default)) for name, p in schema.items()]
    context = {"rules": rules, "can_manage": can_manage_signal_rules(request.user)}
    return render(request, "clients/signals/rules.html", context)


def _require_rule_admin(request: HttpRequest) -> None:
    if not can_manage_signal_rules(request.user):
        raise Forbidden()


@login_required
@require_http_methods(["GET", "POST"])
def signal_rule_create_view(request: HttpRequest) -> HttpResponse:
    _require_rule_admin(request)
    return form_page(
        request,
        SignalRuleForm(request.POST or None),
        lambda data: signal_rule_create(actor=request.user, **data),
        title=_("New signal rule"),
        eyebrow=_("Buying signals"),
        cancel_url=_rules_url(),
        success_message=lambda rule: _("Rule “%(name)s” created.") % {"name": rule.name},
        success_url=_rules_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def signal_rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rule_admin(request)
    rule = signal_rule_get(user=request.user, pk=pk)
    return form_page(
        request,
        SignalRuleForm(request.POST or None, instance=rule),
        lambda data: signal_rule_update(actor=request.user, rule=rule, **data),
        title=_("Edit signal rule"),
        eyebrow=rule.code,
        cancel_url=_rules_url(),
        success_message=lambda saved: _("Rule “%(name)s” saved.") % {"name": saved.name},
        success_url=_rules_url,
    )


@login_required
@require_POST
def signal_rule_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rule_admin(request)
    rule: SignalRule = signal_rule_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    rule = signal_rule_set_active(actor=request.user, rule=rule, active=active)
    if active:
        messages.success(request, _("Rule “%(name)s” activated.") % {"name": rule.name})
    else:
        messages.success(request, _("Rule “%(name)s” deactivated: it raises no new signals.") % {"name": rule.name})
    return redirect(_rules_url())


urlpatterns = [
    path("signals/", signals_view, name="signals"),
    path("signals/evaluate/", signals_evaluate_view, name="signals_evaluate"),
    path("signals/<int:pk>/", signal_detail_view, name="signal_detail"),
    path("signals/<int:pk>/acknowledge/", signal_acknowledge_view, name="signal_acknowledge"),
    path("signals/<int:pk>/dismiss/", signal_dismiss_view, name="signal_dismiss"),
    path("signals/<int:pk>/act/", signal_act_view, name="signal_act"),
    path("signals/rules/", signal_rules_view, name="signal_rules"),
    path("signals/rules/new/", signal_rule_create_view, name="signal_rule_create"),
    path("signals/rules/<int:pk>/edit/", signal_rule_edit_view, name="signal_rule_edit"),
    path("signals/rules/<int:pk>/active/", signal_rule_active_view, name="signal_rule_active"),
]
