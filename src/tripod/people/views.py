"""People pages (list, detail, create, edit), teams (list with headcount, detail) and the line manager's cockpit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tripod.core.cockpits import CockpitTable, Tile, cockpit_table, cockpit_tiles
from tripod.core.errors import Forbidden
from tripod.core.htmx import form_page
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role
from tripod.people.access import can_create_person, can_edit_person, can_view_cost_rate, line_person_ids
from tripod.people.forms import PersonForm
from tripod.people.models import Person, Team
from tripod.people.selectors import person_get, person_list, team_get, team_list
from tripod.people.services import person_create, person_update
from tripod.projects.selectors import project_list


def _detail_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def _team_url(team: Team) -> str:
    return reverse("people:team_detail", args=[team.pk])


class PersonTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=_detail_url),
        Column("title", _("Title"), sort="title"),
        Column("team", _("Team"), sort="team__name"),
        Column("manager", _("Manager"), sort="manager__name"),
        Column("capacity_hours_week", _("Hours a week"), sort="capacity_hours_week", numeric=True),
    ]
    default_sort = "name"
    search_placeholder = _("Filter by name or title…")
    empty_text = _("No people yet.")
    empty_icon = "people"


class TeamTable(Table):
    columns = [
        Column("name", _("Team"), sort="name", link=_team_url),
        Column("parent", _("Part of"), sort="parent__name"),
        Column("lead", _("Lead"), sort="lead__username"),
        Column("headcount", _("Headcount"), sort="headcount", numeric=True),
    ]
    default_sort = "name"
    searchable = False
    empty_text = _("No teams yet.")
    empty_icon = "diagram-3"


def _team_choices(user: Any) -> list[tuple[int, str]]:
    return list(team_list(user=user).values_list("pk", "name"))


@login_required
def person_list_view(request: HttpRequest) -> HttpResponse:
    team_id = request.GET.get("team") or None
    if team_id and not str(team_id).isdigit():
        team_id = None
    people = person_list(user=request.user, search=query_param(request), team_id=team_id)
    table = PersonTable(
        request, people, id="people", filters=[ChoiceFilter("team", _("Team"), _team_choices(request.user))]
    )
    context = {"can_create": can_create_person(request.user)}
    if context["can_create"]:
        context.update(empty_action_url=reverse("people:create"), empty_action_label=_("New person"))
    return render_table(request, "people/list.html", context, table)


@login_required
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = person_get(user=user, pk=pk)
    projects = project_list(user=user).filter(memberships__user=person.user_id) if person.user_id else None
    context = {
        "record": person,
        "person": person,
        "show_cost": can_view_cost_rate(user, person),
        "can_edit": can_edit_person(user, person),
        "reports": list(person_list(user=user).filter(manager=person)),
        "projects": list(projects) if projects is not None else [],
    }
    return render(request, "people/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_person(request.user):
        raise Forbidden()
    return form_page(
        request,
        PersonForm(request.POST or None, user=request.user, show_cost=True),
        lambda data: person_create(actor=request.user, **data),
        title=_("New person"),
        cancel_url=reverse("people:list"),
        success_message=lambda person: _("%(name)s added.") % {"name": person.name},
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get(user=request.user, pk=pk)
    if not can_edit_person(request.user, person):
        raise Forbidden()
    show_cost = can_view_cost_rate(request.user, person)
    return form_page(
        request,
        PersonForm(request.POST or None, instance=person, user=request.user, show_cost=show_cost),
        lambda data: person_update(actor=request.user, person=person, **data),
        title=_("Edit person"),
        eyebrow=person.name,
        cancel_url=_detail_url(person),
        success_message=lambda saved: _("%(name)s saved.") % {"name": saved.name},
        success_url=_detail_url,
    )


@login_required
def team_list_view(request: HttpRequest) -> HttpResponse:
    table = TeamTable(request, team_list(user=request.user), id="teams")
    return render_table(request, "people/team_list.html", {}, table)


@login_required
def team_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=pk)
    table = PersonTable(
        request, person_list(user=request.user, search=query_param(request), team_id=team.pk), id="team-people"
    )
    return render_table(request, "people/team_detail.html", {"team": team}, table)


# --- cockpits ---------------------------------------------------------------------------------------------------------
def line_people(user: Any) -> QuerySet[Person]:
    return person_list(user=user).filter(pk__in=line_person_ids(user))


@cockpit_tiles(Role.LM, order=10)
def _lm_tiles(request: HttpRequest) -> list[Tile]:
    people = line_people(request.user)
    direct = people.filter(manager__user=request.user).count()
    teams = team_list(user=request.user).filter(pk__in=people.order_by().values("team"))
    capacity = people.aggregate(hours=Sum("capacity_hours_week"))["hours"] or 0
    return [
        Tile(
            _("People in my line"),
            people.count(),
            icon="people",
            url=reverse("people:list"),
            breakdown=[(_("direct reports"), direct)],
        ),
        Tile(_("Teams"), teams.count(), icon="diagram-3", url=reverse("people:teams")),
        Tile(_("Capacity (hours a week)"), f"{capacity:.0f}", icon="clock", tone="info"),
    ]


class CockpitPersonTable(PersonTable):
    searchable = False
    empty_text = _("Nobody reports to you yet.")


@cockpit_table(Role.LM, order=10)
def _lm_table(request: HttpRequest) -> CockpitTable:
    table = CockpitPersonTable(request, line_people(request.user), id="my-line", per_page=10)
    return CockpitTable(_("People in my line"), table, more_url=reverse("people:list"))


@cockpit_tiles(Role.ADMIN, order=40)
def _admin_people(request: HttpRequest) -> list[Tile]:
    people = person_list(user=request.user)
    teams = team_list(user=request.user)
    return [
        Tile(
            _("People"),
            people.count(),
            icon="people",
            url=reverse("people:list"),
            breakdown=[(_("teams"), teams.count())],
        )
    ]
