"""Requirement pages: the list (all, per client, per project), capture and edit, a requirement's page with its
status flow as a stepper, its confirmation records shown verbatim, the action of each state (clarify, confirm,
scope, deliver, accept) and the traceability panel (linked WBS tasks); and, for the PM's side, the requirements of a
project and of one WBS task.

Each action has its own URL: the requirement's page opens it in a dialog; a refused submission comes back as a page
with the form and its errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.clients.access import portal_client_id
from tripod.clients.models import Client
from tripod.clients.selectors import client_get
from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.htmx import RecordForm, submit_form
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role
from tripod.projects.access import can_view_project_internals
from tripod.projects.models import Project, Task
from tripod.projects.selectors import project_get, project_list
from tripod.projects.views.tabs import project_tabs
from tripod.scope.access import (
    can_accept_requirement,
    can_answer_for_client,
    can_capture_requirement,
    can_confirm_requirement,
    can_manage_requirement,
    can_raise_change_request,
    can_trace_requirement,
    can_view_internal_notes,
    is_account_team,
)
from tripod.scope.forms import AnswerForm, PortalAnswerForm, ReasonForm, RequirementForm, ScopeForm, TraceForm
from tripod.scope.models import Confirmation, Requirement, RequirementTrace
from tripod.scope.selectors import (
    change_requests_for_requirement,
    requirement_confirmations,
    requirement_counts_by_status,
    requirement_get,
    requirement_list,
    requirement_traces,
    requirements_for_task,
)
from tripod.scope.services import (
    requirement_accept,
    requirement_acceptance_refuse,
    requirement_capture,
    requirement_clarify,
    requirement_confirm,
    requirement_deliver,
    requirement_reject,
    requirement_scope,
    requirement_trace_add,
    requirement_trace_remove,
    requirement_update,
    requirement_withdraw,
)

S = Requirement.Status
Kind = Confirmation.Kind


def _detail_url(requirement: Requirement) -> str:
    return reverse("scope:requirement_detail", args=[requirement.pk])


def _links(requirement: Requirement) -> str:
    return f"{requirement.traces_complete}/{requirement.trace_count}" if requirement.trace_count else ""


def _priority_badge(requirement: Requirement) -> str:
    return f"priority-{requirement.priority}"


def _status_badge(requirement: Requirement) -> str:
    return f"requirement-{requirement.status}"


class RequirementTable(Table):
    columns = [
        Column("reference", gettext_lazy("Ref."), sort="number", link=_detail_url, css_class="tp-mono"),
        Column("title", gettext_lazy("Requirement"), sort="title", link=_detail_url),
        Column("client", gettext_lazy("Client"), sort="client__name"),
        Column("project", gettext_lazy("Project"), accessor=lambda r: r.project.code if r.project else "",
               sort="project__code"),
        Column("priority", gettext_lazy("Priority"), accessor="get_priority_display", sort="priority",
               badge=_priority_badge),
        Column("status", gettext_lazy("Status"), accessor="get_status_display", sort="status", badge=_status_badge),
        Column("source_contact", gettext_lazy("Asked by"), sort="source_contact__name"),
        Column("links", gettext_lazy("Tasks done"), accessor=_links, sort="trace_count", numeric=True),
        Column("status_since", gettext_lazy("Since"), accessor=lambda r: timezone.localdate(r.status_since),
               sort="status_since"),
    ]  # fmt: skip
    default_sort = "reference"
    search_placeholder = gettext_lazy("Filter by reference, title or statement…")
    empty_text = gettext_lazy("No requirements recorded yet.")
    empty_icon = "card-checklist"


class PortalRequirementTable(RequirementTable):
    """What a client's own users see: no internal columns (the WBS links)."""

    columns = [c for c in RequirementTable.columns if c.key not in ("client", "links")]


def _table_class(user: Any) -> type[RequirementTable]:
    return RequirementTable if user.is_internal else PortalRequirementTable


def _choice(raw: Any, values: list[str]) -> str | None:
    return raw if raw in values else None


def _list_page(
    request: HttpRequest,
    *,
    template: str,
    client: Client | None = None,
    project: Project | None = None,
    context: dict[str, Any],
) -> HttpResponse:
    user = request.user
    get = request.GET
    filters = [
        ChoiceFilter("status", gettext_lazy("Status"), S.choices),
        ChoiceFilter("priority", gettext_lazy("Priority"), Requirement.Priority.choices),
        ChoiceFilter("awaiting", gettext_lazy("Confirmation"), [("1", gettext_lazy("Awaiting confirmation"))]),
    ]
    client_filter = client
    if client is None and project is None and user.is_internal:
        visible_clients = list(
            Client.objects.filter(pk__in=requirement_list(user=user).order_by().values("client_id")).order_by("name")
        )
        filters.append(ChoiceFilter("client", gettext_lazy("Client"), [(c.pk, c.name) for c in visible_clients]))
        client_filter = next((c for c in visible_clients if str(c.pk) == get.get("client")), None)
    project_filter = project
    if project is None:
        projects = list(project_list(user=user, client_id=client.pk if client else None).order_by("code"))
        filters.append(ChoiceFilter("project", gettext_lazy("Project"), [(p.pk, p.code) for p in projects]))
        project_filter = next((p for p in projects if str(p.pk) == get.get("project")), None)
    awaiting = get.get("awaiting") == "1"
    requirements = requirement_list(
        user=user,
        client=client_filter,
        project=project_filter,
        status=_choice(get.get("status"), S.values),
        priority=_choice(get.get("priority"), Requirement.Priority.values),
        awaiting_confirmation=awaiting,
        search=query_param(request),
    )
    table = _table_class(user)(request, requirements, id="requirements", filters=filters)
    capture_client = client or (project.client if project else None)
    can_capture = (
        can_capture_requirement(user, capture_client)
        if capture_client is not None
        else bool(portal_client_id(user)) or user.has_role(Role.AM, Role.ADMIN)
    )
    create_url = reverse("scope:requirement_create")
    query = []
    if capture_client is not None:
        query.append(f"client={capture_client.pk}")
    if project is not None:
        query.append(f"project={project.pk}")
    if query:
        create_url += "?" + "&".join(query)
    context = {**context, "can_capture": can_capture, "create_url": create_url, "awaiting": awaiting}
    if can_capture:
        context.update(empty_action_url=create_url, empty_action_label=_("Capture a requirement"))
    return render_table(request, template, context, table)


@login_required
@require_GET
def requirement_list_view(request: HttpRequest) -> HttpResponse:
    return _list_page(request, template="scope/requirements/list.html", context={})


@login_required
@require_GET
def client_requirements_view(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=client_pk)
    return _list_page(request, template="scope/requirements/list.html", client=client, context={"client": client})


@login_required
@require_GET
def project_requirements_view(request: HttpRequest, project_pk: int) -> HttpResponse:
    """The requirements of a project, as a page among the project's tabs (the partial
    ``scope/requirements/_project_requirements.html`` can also be shown on the project's overview)."""
    project = project_get(user=request.user, pk=project_pk)
    context = project_requirements_context(request.user, project)
    context["tabs"] = project_tabs(request.user, project, "requirements")
    return render(request, "scope/requirements/project.html", context)


def project_requirements_context(user: Any, project: Project) -> dict[str, Any]:
    """What ``_project_requirements.html`` needs: the project's requirements and their counts by status."""
    requirements = list(requirement_list(user=user, project=project))
    counts = requirement_counts_by_status(user=user, project=project)
    return {
        "project": project,
        "project_requirements": requirements,
        "requirement_counts": [(value, label, counts[value]) for value, label in S.choices if counts.get(value)],
        "show_links": user.is_internal,
        "can_capture_for_project": can_capture_requirement(user, project.client),
    }


@login_required
@require_GET
def task_requirements_view(request: HttpRequest, task_pk: int) -> HttpResponse:
    """The requirements a WBS task delivers: a small panel for the WBS task view (staff who see the plan)."""
    task = Task.objects.select_related("project").filter(pk=task_pk).first()
    if task is None:
        raise NotFound(Task._meta.verbose_name)
    project = project_get(user=request.user, pk=task.project_id)
    if not can_view_project_internals(request.user, project):
        raise NotFound(Task._meta.verbose_name)
    context = {"task": task, "task_requirements": list(requirements_for_task(user=request.user, task=task))}
    return render(request, "scope/requirements/_task_requirements.html", context)


# --- capture and edit ------------------------------------------------------------------------------------------------
def _capture_target(request: HttpRequest) -> tuple[Client | None, Project | None]:
    """The client (and project) named in the query string, if the user may capture for it; a portal user always
    captures for their own client."""
    user = request.user
    client_id = portal_client_id(user) or request.GET.get("client")
    client = None
    if str(client_id or "").isdigit():
        client = client_get(user=user, pk=client_id)
    raw = request.GET.get("project")
    project = None
    if str(raw or "").isdigit():
        project = project_list(user=user).filter(pk=raw).first()
        if project is not None and client is None:
            client = project.client
        if project is not None and project.client_id != client.pk:
            project = None
    return client, project


@login_required
@require_http_methods(["GET", "POST"])
def requirement_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    client, project = _capture_target(request)
    portal = not user.is_internal
    if client is not None:
        if not can_capture_requirement(user, client):
            raise Forbidden()
    elif not user.has_role(Role.AM, Role.ADMIN):
        raise Forbidden()
    form = RequirementForm(request.POST or None, user=user, client=client, portal=portal, initial={"project": project})
    if request.method == "POST":
        fixed = {"client": client} if client is not None else {}
        saved = submit_form(form, lambda data: requirement_capture(actor=user, **fixed, **data))
        if saved is not None:
            messages.success(request, _("Requirement %(reference)s captured.") % {"reference": saved.reference})
            return redirect(_detail_url(saved))
    back = reverse("scope:client_requirements", args=[client.pk]) if client else reverse("scope:requirements")
    context = {
        "form": form,
        "title": _("Capture a requirement"),
        "eyebrow": client.name if client else "",
        "cancel_url": back,
        "submit_label": _("Capture"),
    }
    return render(request, "components/form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = requirement_get(user=request.user, pk=pk)
    if not can_manage_requirement(request.user, requirement):
        raise Forbidden()
    form = RequirementForm(request.POST or None, instance=requirement, user=request.user, client=requirement.client)
    if requirement.status in Requirement.CONFIRMED_STATES:
        form.fields["statement"].help_text = _(
            "Changing the statement or the acceptance criteria sends the requirement back to the client for a new "
            "confirmation."
        )
    return _form_page(
        request,
        requirement,
        form,
        lambda data: requirement_update(actor=request.user, requirement=requirement, **data),
        title=_("Edit %(reference)s") % {"reference": requirement.reference},
        success=_("Requirement %(reference)s saved.") % {"reference": requirement.reference},
        show_statement=False,
    )


# --- a requirement's page ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    label: Any
    state: str  # done, current, todo; off: out of scope (a side branch); closed: rejected or withdrawn


MAIN_PATH = (S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.IN_SCOPE, S.DELIVERED, S.ACCEPTED)


def status_steps(requirement: Requirement) -> list[Step]:
    """The main path captured -> ... -> accepted, with where this requirement stands. Out of scope stands in for
    "in scope"; a rejected or withdrawn requirement ends the path at its status."""
    labels = dict(S.choices)
    status = requirement.status
    if status in (S.REJECTED, S.WITHDRAWN):
        return [Step(labels[s], "todo") for s in MAIN_PATH[:-1]] + [Step(labels[status], "closed")]
    at = MAIN_PATH.index(S.IN_SCOPE if status == S.OUT_OF_SCOPE else status)
    steps = []
    for index, value in enumerate(MAIN_PATH):
        if index < at or (index == at and status == S.ACCEPTED):
            steps.append(Step(labels[value], "done"))
        elif index == at:
            steps.append(Step(labels[status], "off" if status == S.OUT_OF_SCOPE else "current"))
        else:
            steps.append(Step(labels[value], "todo"))
    return steps


@dataclass(frozen=True)
class AnswerTexts:
    button: Any
    title: Any
    submit: Any
    intro: Any


# (kind, recorded by the account team?) -> the words of the confirm / accept dialog and page.
ANSWER_TEXTS = {
    (Kind.CONFIRMATION, True): AnswerTexts(
        gettext_lazy("Record confirmation"),
        gettext_lazy("Record the client's confirmation"),
        gettext_lazy("Record the confirmation"),
        gettext_lazy("Who at the client confirmed the statement below, when, how, and in which words?"),
    ),
    (Kind.CONFIRMATION, False): AnswerTexts(
        gettext_lazy("Confirm"),
        gettext_lazy("Confirm this requirement"),
        gettext_lazy("I confirm this requirement"),
        gettext_lazy("By confirming, you agree that the statement below describes what you need."),
    ),
    (Kind.ACCEPTANCE, True): AnswerTexts(
        gettext_lazy("Record acceptance"),
        gettext_lazy("Record the client's acceptance"),
        gettext_lazy("Record the acceptance"),
        gettext_lazy("Who at the client accepted the delivery, when, how, and in which words?"),
    ),
    (Kind.ACCEPTANCE, False): AnswerTexts(
        gettext_lazy("Accept"),
        gettext_lazy("Accept the delivery"),
        gettext_lazy("I accept the delivery"),
        gettext_lazy("By accepting, you agree that what was delivered meets the statement below."),
    ),
}


def _answer_form(user: Any, requirement: Requirement, kind: str, data: Any = None, **kwargs: Any) -> RecordForm:
    """The account team records what the client said (who, how, when, the words or a document); the client's portal
    user only confirms or accepts the text they are shown."""
    if is_account_team(user, requirement.client):
        return AnswerForm(data, requirement=requirement, user=user, kind=kind, **kwargs)
    return PortalAnswerForm(data, requirement=requirement, kind=kind, **kwargs)


@dataclass(frozen=True)
class Dialog:
    """An action offered on the requirement's page: a button that opens a dialog with its form."""

    key: str
    button: Any
    icon: str
    tone: str
    title: Any
    form: Any
    action: str
    submit_label: Any
    intro: Any = ""
    show_statement: bool = False


def _dialogs(user: Any, requirement: Requirement) -> list[Dialog]:
    """The dialogs offered in the requirement's current state to this user."""
    manage = can_manage_requirement(user, requirement)
    staff_answer = is_account_team(user, requirement.client)
    status = requirement.status
    pk = requirement.pk

    def url(name: str) -> str:
        return reverse(f"scope:requirement_{name}", args=[pk])

    def ids(key: str) -> str:
        return f"{key}-%s"

    def answer(kind: str, key: str, icon: str, tone: str) -> Dialog:
        texts = ANSWER_TEXTS[kind, staff_answer]
        form = _answer_form(user, requirement, kind, auto_id=ids(key))
        return Dialog(key, texts.button, icon, tone, texts.title, form, url(key), texts.submit, texts.intro, True)

    dialogs: list[Dialog] = []
    if can_confirm_requirement(user, requirement):
        dialogs.append(answer(Kind.CONFIRMATION, "confirm", "patch-check", "primary"))
    if can_accept_requirement(user, requirement):
        dialogs.append(answer(Kind.ACCEPTANCE, "accept", "award", "success"))
        form = ReasonForm(requirement=requirement, user=user, with_contact=staff_answer, auto_id=ids("refuse"))
        dialogs.append(
            Dialog("refuse", _("Not accepted"), "arrow-return-left", "outline-secondary", _("Not accepted"), form,
                   url("refuse"), _("Record that it was not accepted"),
                   _("The requirement goes back in scope to be reworked and delivered again."))
        )  # fmt: skip
    if manage and status in (S.CONFIRMED, S.IN_SCOPE, S.OUT_OF_SCOPE):
        decision = "out" if status == S.IN_SCOPE else "in"
        form = ScopeForm(requirement=requirement, user=user, initial={"decision": decision}, auto_id=ids("scope"))
        dialogs.append(
            Dialog("scope", _("Decide the scope"), "signpost-split", "outline-primary", _("Scope of the contract"),
                   form, url("scope"), _("Record the decision"),
                   _("Is the requirement within the scope of the client's contract?"))
        )  # fmt: skip
    if manage and status in (S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.OUT_OF_SCOPE):
        form = ReasonForm(requirement=requirement, user=user, auto_id=ids("reject"))
        dialogs.append(
            Dialog("reject", _("Reject"), "x-octagon", "outline-danger", _("Reject the requirement"), form,
                   url("reject"), _("Reject"), _("We will not do it. The client sees the reason."))
        )  # fmt: skip
    if manage and status in (S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.IN_SCOPE, S.OUT_OF_SCOPE):
        form = ReasonForm(requirement=requirement, user=user, auto_id=ids("withdraw"))
        dialogs.append(
            Dialog("withdraw", _("Withdrawn by the client"), "box-arrow-left", "outline-secondary",
                   _("The client withdrew the requirement"), form, url("withdraw"), _("Record the withdrawal"))
        )  # fmt: skip
    return dialogs


@login_required
@require_GET
def requirement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    requirement = requirement_get(user=user, pk=pk)
    internal = can_view_internal_notes(user, requirement)
    traces = requirement_traces(user=user, requirement=requirement) if internal else []
    can_trace = internal and can_trace_requirement(user, requirement)
    context = {
        "requirement": requirement,
        "record": requirement,
        "steps": status_steps(requirement),
        "confirmations": requirement_confirmations(requirement=requirement),
        "traces": traces,
        "traces_complete": sum(1 for row in traces if row.complete),
        "internal": internal,
        "can_manage": can_manage_requirement(user, requirement) and not requirement.is_closed,
        "can_clarify": can_manage_requirement(user, requirement) and requirement.status == S.CAPTURED,
        "can_trace": can_trace and requirement.status not in (S.DELIVERED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN),
        "can_deliver": can_trace and requirement.status == S.IN_SCOPE,
        "trace_form": TraceForm(requirement=requirement, user=user) if can_trace else None,
        "dialogs": _dialogs(user, requirement),
        "back_url": _back_url(user, requirement),
        "can_raise_change": internal
        and requirement.project is not None
        and not requirement.is_closed
        and can_raise_change_request(user, requirement.project),
        "change_requests": list(change_requests_for_requirement(user=user, requirement=requirement))
        if internal
        else [],
    }
    return render(request, "scope/requirements/detail.html", context)


def _back_url(user: Any, requirement: Requirement) -> str:
    if user.is_internal:
        return reverse("scope:client_requirements", args=[requirement.client_id])
    return reverse("scope:requirements")


# --- actions -----------------------------------------------------------------------------------------------------
def _form_page(
    request: HttpRequest,
    requirement: Requirement,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    *,
    title: Any,
    success: Any,
    submit_label: Any = None,
    intro: Any = "",
    show_statement: bool = True,
) -> HttpResponse:
    """An action on a requirement: on POST run it; on success say so and go back to the requirement, otherwise
    (GET, bad input, a version conflict) show the form with the requirement's statement."""
    if request.method == "POST":
        saved = submit_form(form, action)
        if saved is not None:
            messages.success(request, str(success))
            return redirect(_detail_url(requirement))
    context = {
        "requirement": requirement,
        "form": form,
        "title": title,
        "intro": intro,
        "cancel_url": _detail_url(requirement),
        "submit_label": submit_label,
        "show_statement": show_statement,
    }
    return render(request, "scope/requirements/action_page.html", context)


def _answer_view(kind: str, service: Callable[..., Any], success: Any) -> Callable[..., HttpResponse]:
    """Confirm (or accept) as a page: the account team records the client's answer, a portal user gives it."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        requirement = requirement_get(user=user, pk=pk)
        if not can_answer_for_client(user, requirement):
            raise Forbidden()
        texts = ANSWER_TEXTS[kind, is_account_team(user, requirement.client)]
        post = request.method == "POST"
        files = {"files": request.FILES} if post and is_account_team(user, requirement.client) else {}
        return _form_page(
            request,
            requirement,
            _answer_form(user, requirement, kind, request.POST if post else None, **files),
            lambda data: service(actor=user, requirement=requirement, **data),
            title=texts.title,
            success=str(success) % {"reference": requirement.reference},
            submit_label=texts.submit,
            intro=texts.intro,
        )

    return view


requirement_confirm_view = _answer_view(
    Kind.CONFIRMATION, requirement_confirm, gettext_lazy("Requirement %(reference)s confirmed.")
)
requirement_accept_view = _answer_view(
    Kind.ACCEPTANCE, requirement_accept, gettext_lazy("Requirement %(reference)s accepted.")
)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = requirement_get(user=request.user, pk=pk)
    if not can_answer_for_client(request.user, requirement):
        raise Forbidden()
    staff = is_account_team(request.user, requirement.client)
    form = ReasonForm(request.POST or None, requirement=requirement, user=request.user, with_contact=staff)
    return _form_page(
        request,
        requirement,
        form,
        lambda data: requirement_acceptance_refuse(actor=request.user, requirement=requirement, **data),
        title=_("Not accepted"),
        success=_("Requirement %(reference)s is back in scope for rework.") % {"reference": requirement.reference},
        submit_label=_("Record that it was not accepted"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_scope_view(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = requirement_get(user=request.user, pk=pk)
    if not can_manage_requirement(request.user, requirement):
        raise Forbidden()
    initial = {"decision": request.GET.get("decision")} if request.GET.get("decision") in ("in", "out") else {}
    form = ScopeForm(request.POST or None, requirement=requirement, user=request.user, initial=initial)
    return _form_page(
        request,
        requirement,
        form,
        lambda data: requirement_scope(actor=request.user, requirement=requirement, **data),
        title=_("Scope of the contract"),
        success=_("Scope decision recorded for %(reference)s.") % {"reference": requirement.reference},
        submit_label=_("Record the decision"),
    )


def _closing_view(service: Callable[..., Any], title: Any, success: Any, submit: Any) -> Callable[..., HttpResponse]:
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        requirement = requirement_get(user=request.user, pk=pk)
        if not can_manage_requirement(request.user, requirement):
            raise Forbidden()
        form = ReasonForm(request.POST or None, requirement=requirement, user=request.user)
        return _form_page(
            request,
            requirement,
            form,
            lambda data: service(actor=request.user, requirement=requirement, **data),
            title=title,
            success=str(success) % {"reference": requirement.reference},
            submit_label=submit,
        )

    return view


requirement_reject_view = _closing_view(
    requirement_reject,
    gettext_lazy("Reject the requirement"),
    gettext_lazy("Requirement %(reference)s rejected."),
    gettext_lazy("Reject"),
)
requirement_withdraw_view = _closing_view(
    requirement_withdraw,
    gettext_lazy("The client withdrew the requirement"),
    gettext_lazy("Requirement %(reference)s withdrawn."),
    gettext_lazy("Record the withdrawal"),
)


def say_refusal(request: HttpRequest, exc: ValidationFailed | StaleVersion) -> None:
    if isinstance(exc, StaleVersion):
        messages.error(request, str(exc.message))
        return
    for field_messages in exc.errors.values():
        for message in field_messages:
            messages.error(request, str(message))


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _step_view(service: Callable[..., Any], success: Any) -> Callable[..., HttpResponse]:
    """A transition without input (clarify, deliver): refusals come back as messages on the requirement's page."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        requirement = requirement_get(user=request.user, pk=pk)
        try:
            service(actor=request.user, requirement=requirement, version=_version(request))
        except (ValidationFailed, StaleVersion) as exc:
            say_refusal(request, exc)
        else:
            messages.success(request, str(success) % {"reference": requirement.reference})
        return redirect(_detail_url(requirement))

    return view


requirement_clarify_view = _step_view(requirement_clarify, gettext_lazy("Requirement %(reference)s clarified."))
requirement_deliver_view = _step_view(requirement_deliver, gettext_lazy("Requirement %(reference)s delivered."))


# --- traceability ------------------------------------------------------------------------------------------------
@login_required
@require_POST
def requirement_trace_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = requirement_get(user=request.user, pk=pk)
    if not can_trace_requirement(request.user, requirement):
        raise Forbidden()
    form = TraceForm(request.POST, requirement=requirement, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a task of the project that is not linked yet."))
    else:
        try:
            trace = requirement_trace_add(actor=request.user, requirement=requirement, task=form.cleaned_data["task"])
        except ValidationFailed as exc:
            say_refusal(request, exc)
        else:
            messages.success(request, _("Linked to %(task)s.") % {"task": trace.task})
    return redirect(_detail_url(requirement) + "#traceability")


@login_required
@require_POST
def requirement_trace_remove_view(request: HttpRequest, pk: int, trace_pk: int) -> HttpResponse:
    requirement = requirement_get(user=request.user, pk=pk)
    if not can_view_internal_notes(request.user, requirement):
        raise NotFound(RequirementTrace._meta.verbose_name)
    trace = requirement.traces.select_related("task").filter(pk=trace_pk).first()
    if trace is None:
        raise NotFound(RequirementTrace._meta.verbose_name)
    try:
        requirement_trace_remove(actor=request.user, trace=trace)
    except ValidationFailed as exc:
        say_refusal(request, exc)
    else:
        messages.success(request, _("Link to %(task)s removed.") % {"task": trace.task})
    return redirect(_detail_url(requirement) + "#traceability")


@login_required
@require_GET
def confirmation_file_view(request: HttpRequest, pk: int, confirmation_pk: int) -> FileResponse:
    """The document attached to a confirmation record, to anyone who sees the requirement (the client's portal
    users included: it is what they signed or sent)."""
    requirement = requirement_get(user=request.user, pk=pk)
    confirmation = requirement.confirmations.select_related("attachment").filter(pk=confirmation_pk).first()
    if confirmation is None or confirmation.attachment is None:
        raise NotFound(Confirmation._meta.verbose_name)
    attachment = confirmation.attachment
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(attachment.original_name) from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


urlpatterns = [
    path("requirements/", requirement_list_view, name="requirements"),
    path("requirements/new/", requirement_create_view, name="requirement_create"),
    path("requirements/<int:pk>/", requirement_detail_view, name="requirement_detail"),
    path("requirements/<int:pk>/edit/", requirement_edit_view, name="requirement_edit"),
    path("requirements/<int:pk>/clarify/", requirement_clarify_view, name="requirement_clarify"),
    path("requirements/<int:pk>/confirm/", requirement_confirm_view, name="requirement_confirm"),
    path("requirements/<int:pk>/scope/", requirement_scope_view, name="requirement_scope"),
    path("requirements/<int:pk>/deliver/", requirement_deliver_view, name="requirement_deliver"),
    path("requirements/<int:pk>/accept/", requirement_accept_view, name="requirement_accept"),
    path("requirements/<int:pk>/not-accepted/", requirement_refuse_view, name="requirement_refuse"),
    path("requirements/<int:pk>/reject/", requirement_reject_view, name="requirement_reject"),
    path("requirements/<int:pk>/withdraw/", requirement_withdraw_view, name="requirement_withdraw"),
    path("requirements/<int:pk>/traces/", requirement_trace_add_view, name="requirement_trace_add"),
    path(
        "requirements/<int:pk>/traces/<int:trace_pk>/delete/",
        requirement_trace_remove_view,
        name="requirement_trace_remove",
    ),
    path(
        "requirements/<int:pk>/confirmations/<int:confirmation_pk>/file/",
        confirmation_file_view,
        name="confirmation_file",
    ),
    path("clients/<int:client_pk>/requirements/", client_requirements_view, name="client_requirements"),
    path("projects/<int:project_pk>/requirements/", project_requirements_view, name="project_requirements"),
    path("tasks/<int:task_pk>/requirements/", task_requirements_view, name="task_requirements"),
]
