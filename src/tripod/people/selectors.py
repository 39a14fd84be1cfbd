"""Reads of people and teams, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from tripod.core.access import get_visible
from tripod.people.access import people_visible_to, teams_visible_to
from tripod.people.models import Person, Team


def person_list(*, user: Any, search: str | None = None, team_id: Any = None) -> QuerySet[Person]:
    qs = people_visible_to(user).select_related("team", "manager", "user")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(title__icontains=search) | Q(user__username__icontains=search))
    if team_id:
        qs = qs.filter(team_id=team_id)
    return qs.order_by("name")


def person_get(*, user: Any, pk: Any) -> Person:
    return get_visible(Person.objects.select_related("team", "manager", "user"), user, pk=pk)


def team_list(*, user: Any) -> QuerySet[Team]:
    """Teams with the number of people in each that the user may see (never a count of hidden people)."""
    visible = people_visible_to(user).values("pk")
    return (
        teams_visible_to(user)
        .select_related("lead", "parent")
        .annotate(headcount=Count("people", filter=Q(people__in=visible)))
        .order_by("name")
    )


def team_get(*, user: Any, pk: Any) -> Team:
    return get_visible(Team.objects.select_related("lead", "parent"), user, pk=pk)
