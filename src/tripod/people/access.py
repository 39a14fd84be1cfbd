"""Who may see and change people.

A person is seen by: admins; the person; their manager chain (line managers); teammates; and, contributed by
``projects.access``, the PM and co-members of a project they work on and the AM of that project's client.
Client-portal users never see people. Cost rates: the manager chain and admins only, never a PM or AM as such.
Changed by: admins and the manager chain. Created by: admins and LMs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.core.access import grants_visibility, scope
from tripod.identity.models import Role
from tripod.people.models import Person, Team


def line_person_ids(user: Any) -> frozenset[int]:
    """Ids of everyone below ``user`` in the manager chain (their reports, their reports' reports, ...).

    One query per level of the hierarchy; cached on the user object for the request."""
    cached = getattr(user, "_tripod_line_ids", None)
    if cached is not None:
        return cached
    result: set[int] = set()
    if user.is_authenticated and user.is_internal:
        frontier = set(Person.objects.filter(user=user).values_list("pk", flat=True))
        seen = set(frontier)
        while frontier:
            below = set(Person.objects.filter(manager__in=frontier).values_list("pk", flat=True)) - seen
            result |= below
            seen |= below
            frontier = below
    ids = frozenset(result)
    user._tripod_line_ids = ids
    return ids


@grants_visibility("people.person")
def _self_and_line(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(user=user) | Q(pk__in=line_person_ids(user))


@grants_visibility("people.person")
def _teammates(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(team__people__user=user)


@grants_visibility("people.team")
def _teams_for_staff(user: Any) -> Q | None:
    """The team structure is the firm's org chart: every member of staff sees it."""
    return Q(pk__isnull=False) if user.is_internal else None


def people_visible_to(user: Any) -> QuerySet[Person]:
    return scope(Person.objects.all(), user)


def teams_visible_to(user: Any) -> QuerySet[Team]:
    return scope(Team.objects.all(), user)


def can_view_person(user: Any, person: Person) -> bool:
    return people_visible_to(user).filter(pk=person.pk).exists()


def can_view_cost_rate(user: Any, person: Person) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_admin or person.pk in line_person_ids(user)


def can_create_person(user: Any) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.ADMIN, Role.LM)


def can_edit_person(user: Any, person: Person) -> bool:
    return can_view_cost_rate(user, person)
