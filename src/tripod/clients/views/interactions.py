"""Interaction pages: a client's timeline (newest first, filtered by kind and contact, paginated), record, view,
edit and delete an interaction; follow-ups: give one out (after an interaction or on its own), edit, tick done,
and "my follow-ups" with the overdue ones flagged. Staff only: the client portal gets 403 before anything is
looked up; an interaction the user may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.clients.access.interactions import (
    can_complete_followup,
    can_edit_followup,
    can_edit_interaction,
    can_manage_followups,
    can_record_interaction,
)
from tripod.clients.interaction_forms import FollowUpForm, InteractionForm, opportunity_choices
from tripod.clients.models import Client, FollowUp, Interaction
from tripod.clients.selectors import client_get, contact_list
from tripod.clients.selectors.interactions import (
    followup_counts,
    followup_get,
    followup_list,
    interaction_get,
    interaction_list,
)
from tripod.clients.services import (
    followup_create,
    followup_set_done,
    followup_update,
    interaction_create,
    interaction_delete,
    interaction_update,
)
from tripod.core.cockpits import Tile, cockpit_tiles
from tripod.core.errors import Forbidden
from tripod.core.htmx import form_page
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role


def _staff_client(request: HttpRequest, pk: int) -> Client:
    """The client, for staff only: the portal never reaches interactions (403), an unseen client is a 404."""
    if not request.user.is_internal:
        raise Forbidden()
    return client_get(user=request.user, pk=pk)


def _interaction_url(interaction: Interaction) -> str:
    return reverse("clients:interaction_detail", args=[interaction.client_id, interaction.pk])


def _timeline_url(client: Client) -> str:
    return reverse("clients:timeline", args=[client.pk])


def _contact_names(interaction: Interaction) -> str:
    return ", ".join(contact.name for contact in interaction.contacts.all())


class TimelineTable(Table):
    columns = [
        Column("at", gettext_lazy("When"), sort="at", css_class="text-nowrap"),
        Column("kind", gettext_lazy("Kind"), sort="kind", template="clients/interactions/_kind_cell.html"),
        Column("subject", gettext_lazy("Subject"), sort="subject", link=_interaction_url),
        Column("contacts", gettext_lazy("Contacts"), accessor=_contact_names),
        Column("project", gettext_lazy("Project"), accessor="project.code", sort="project__code", css_class="tp-mono"),
        Column("created_by", gettext_lazy("Recorded by"), sort="created_by__username"),
    ]
    default_sort = "-at"
    search_placeholder = gettext_lazy("Filter by subject or summary…")
    empty_text = gettext_lazy("No interactions recorded yet.")
    empty_icon = "chat-left-text"


@login_required
@require_GET
def timeline_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _staff_client(request, pk)
    user = request.user
    contacts = list(contact_list(user=user, client=client))
    get = request.GET
    kind = get.get("kind") if get.get("kind") in Interaction.Kind.values else None
    contact = get.get("contact") if get.get("contact") in {str(c.pk) for c in contacts} else None
    interactions = interaction_list(user=user, client=client, kind=kind, contact=contact)
    if q := query_param(request):
        interactions = interactions.filter(Q(subject__icontains=q) | Q(summary__icontains=q))
    filters = [ChoiceFilter("kind", gettext_lazy("Kind"), Interaction.Kind.choices)]
    if contacts:
        filters.append(ChoiceFilter("contact", gettext_lazy("Contact"), [(c.pk, c.name) for c in contacts]))
    table = TimelineTable(request, interactions, id="timeline", filters=filters)
    context = {"client": client, "can_record": can_record_interaction(user, client)}
    if context["can_record"]:
        context.update(
            empty_action_url=reverse("clients:interaction_create", args=[client.pk]),
            empty_action_label=_("Record an interaction"),
        )
    return render_table(request, "clients/interactions/timeline.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _staff_client(request, pk)
    if not can_record_interaction(request.user, client):
        raise Forbidden()
    return form_page(
        request,
        InteractionForm(request.POST or None, client=client, user=request.user),
        lambda data: interaction_create(actor=request.user, client=client, **data),
        title=_("Record an interaction"),
        eyebrow=client.name,
        submit_label=_("Record"),
        cancel_url=_timeline_url(client),
        success_message=lambda saved: _("Interaction “%(subject)s” recorded.") % {"subject": saved.subject},
        success_url=_interaction_url,
    )


def _interaction(request: HttpRequest, pk: int, interaction_pk: int) -> tuple[Client, Interaction]:
    client = _staff_client(request, pk)
    return client, interaction_get(user=request.user, pk=interaction_pk, client=client)


@login_required
@require_GET
def interaction_detail_view(request: HttpRequest, pk: int, interaction_pk: int) -> HttpResponse:
    client, interaction = _interaction(request, pk, interaction_pk)
    user = request.user
    opportunity = None
    if interaction.opportunity_id:
        opportunity = opportunity_choices(user=user, client=client).filter(pk=interaction.opportunity_id).first()
    can_manage = can_manage_followups(user, client)
    context = {
        "client": client,
        "interaction": interaction,
        "opportunity": opportunity,
        "followups": list(followup_list(user=user, interaction=interaction, open_only=False)),
        "can_edit": can_edit_interaction(user, interaction),
        "followup_form": FollowUpForm(client=client) if can_manage else None,
        "can_manage_followups": can_manage,
    }
    return render(request, "clients/interactions/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit_view(request: HttpRequest, pk: int, interaction_pk: int) -> HttpResponse:
    client, interaction = _interaction(request, pk, interaction_pk)
    if not can_edit_interaction(request.user, interaction):
        raise Forbidden()
    return form_page(
        request,
        InteractionForm(request.POST or None, instance=interaction, client=client, user=request.user),
        lambda data: interaction_update(actor=request.user, interaction=interaction, **data),
        title=_("Edit interaction"),
        eyebrow=client.name,
        cancel_url=_interaction_url(interaction),
        success_message=lambda saved: _("Interaction “%(subject)s” saved.") % {"subject": saved.subject},
        success_url=_interaction_url,
    )


@login_required
@require_POST
def interaction_delete_view(request: HttpRequest, pk: int, interaction_pk: int) -> HttpResponse:
    client, interaction = _interaction(request, pk, interaction_pk)
    interaction_delete(actor=request.user, interaction=interaction)
    messages.success(request, _("Interaction “%(subject)s” deleted.") % {"subject": interaction.subject})
    return redirect(_timeline_url(client))


# --- follow-ups -------------------------------------------------------------------------------------------------------
def _back(request: HttpRequest, fallback: str) -> str:
    """Where to return after a follow-up form: the page that asked (``?next=``, same site only), else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def followup_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A follow-up of the client; with ``?interaction=<id>`` it follows that interaction."""
    client = _staff_client(request, pk)
    if not can_manage_followups(request.user, client):
        raise Forbidden()
    raw = request.GET.get("interaction")
    interaction = interaction_get(user=request.user, pk=raw, client=client) if raw else None
    fallback = _interaction_url(interaction) if interaction else reverse("clients:detail", args=[client.pk])
    back = _back(request, fallback)
    return form_page(
        request,
        FollowUpForm(request.POST or None, client=client),
        lambda data: followup_create(actor=request.user, client=client, interaction=interaction, **data),
        title=_("New follow-up"),
        eyebrow=f"{client.name} · {interaction.subject}" if interaction else client.name,
        submit_label=_("Add follow-up"),
        cancel_url=back,
        success_message=lambda saved: (
            _("Follow-up added for %(owner)s, due %(due)s.") % {"owner": saved.owner, "due": saved.due.isoformat()}
        ),
        success_url=lambda saved: back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_edit_view(request: HttpRequest, followup_pk: int) -> HttpResponse:
    if not request.user.is_internal:
        raise Forbidden()
    followup = followup_get(user=request.user, pk=followup_pk)
    if not can_edit_followup(request.user, followup):
        raise Forbidden()
    back = _back(request, reverse("clients:followups"))
    return form_page(
        request,
        FollowUpForm(request.POST or None, instance=followup, client=followup.client),
        lambda data: followup_update(actor=request.user, followup=followup, **data),
        title=_("Edit follow-up"),
        eyebrow=followup.client.name,
        cancel_url=back,
        success_message=lambda saved: _("Follow-up saved."),
        success_url=lambda saved: back,
    )


@login_required
@require_POST
def followup_done_view(request: HttpRequest, followup_pk: int) -> HttpResponse:
    if not request.user.is_internal:
        raise Forbidden()
    followup = followup_get(user=request.user, pk=followup_pk)
    if not can_complete_followup(request.user, followup):
        raise Forbidden()
    done = request.POST.get("done", "1") == "1"
    followup_set_done(actor=request.user, followup=followup, done=done)
    messages.success(request, _("Follow-up marked done.") if done else _("Follow-up reopened."))
    return redirect(_back(request, reverse("clients:followups")))


def _client_url(followup: FollowUp) -> str:
    return reverse("clients:detail", args=[followup.client_id])


def _followup_interaction_url(followup: FollowUp) -> str | None:
    if followup.interaction_id is None:
        return None
    return reverse("clients:interaction_detail", args=[followup.client_id, followup.interaction_id])


class FollowUpTable(Table):
    columns = [
        Column("due", gettext_lazy("Due"), sort="due", template="clients/interactions/_followup_due_cell.html"),
        Column("text", gettext_lazy("What to do"), sort="text"),
        Column("client", gettext_lazy("Client"), sort="client__name", link=_client_url),
        Column("interaction", gettext_lazy("After"), accessor="interaction.subject", link=_followup_interaction_url),
        Column("owner", gettext_lazy("Owner"), sort="owner__username"),
        Column("done", gettext_lazy("Done"), accessor="done_at",
               template="clients/interactions/_followup_actions_cell.html"),
    ]  # fmt: skip
    default_sort = ""  # the selector's order: open first, by due date
    search_placeholder = gettext_lazy("Filter by what to do or client…")
    empty_text = gettext_lazy("No follow-ups here.")
    empty_filtered_text = gettext_lazy("No follow-ups match the filter.")
    empty_icon = "check2-all"


STATES = [
    ("open", gettext_lazy("Open")),
    ("overdue", gettext_lazy("Overdue")),
    ("done", gettext_lazy("Done")),
    ("all", gettext_lazy("Open and done")),
]
WHOSE = [("mine", gettext_lazy("Mine")), ("all", gettext_lazy("Everyone's I can see"))]


@login_required
@require_GET
def followups_view(request: HttpRequest) -> HttpResponse:
    """My follow-ups (open, overdue first in due order), or everyone's the user may see (``?whose=all``)."""
    user = request.user
    if not user.is_internal:
        raise Forbidden()
    state = request.GET.get("state") if request.GET.get("state") in dict(STATES) else "open"
    whose = request.GET.get("whose") if request.GET.get("whose") in dict(WHOSE) else "mine"
    owner = user if whose == "mine" else None
    followups = followup_list(user=user, owner=owner, open_only=state == "open", overdue_only=state == "overdue")
    if state == "done":
        followups = followups.filter(done_at__isnull=False)
    if q := query_param(request):
        followups = followups.filter(Q(text__icontains=q) | Q(client__name__icontains=q))
    table = FollowUpTable(request, followups, id="followups")
    context = {"counts": followup_counts(user=user, owner=owner), "whose": whose, "state": state}
    return render_table(request, "clients/interactions/followups.html", context, table)


@cockpit_tiles(Role.AM, order=15)
def _am_followups(request: HttpRequest) -> list[Tile]:
    counts = followup_counts(user=request.user, owner=request.user)
    return [
        Tile(
            gettext_lazy("My open follow-ups"),
            counts["open"],
            icon="check2-square",
            url=reverse("clients:followups"),
            breakdown=[(gettext_lazy("overdue"), counts["overdue"])],
            tone="danger" if counts["overdue"] else "primary",
        )
    ]


urlpatterns = [
    path("followups/", followups_view, name="followups"),
    path("followups/<int:followup_pk>/edit/", followup_edit_view, name="followup_edit"),
    path("followups/<int:followup_pk>/done/", followup_done_view, name="followup_done"),
    path("<int:pk>/timeline/", timeline_view, name="timeline"),
    path("<int:pk>/interactions/new/", interaction_create_view, name="interaction_create"),
    path("<int:pk>/interactions/<int:interaction_pk>/", interaction_detail_view, name="interaction_detail"),
    path("<int:pk>/interactions/<int:interaction_pk>/edit/", interaction_edit_view, name="interaction_edit"),
    path("<int:pk>/interactions/<int:interaction_pk>/delete/", interaction_delete_view, name="interaction_delete"),
    path("<int:pk>/followups/new/", followup_create_view, name="followup_create"),
]
