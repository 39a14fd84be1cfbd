"""Writes on people and teams."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.people.access import can_create_person, can_edit_person
from tripod.people.models import Person, Team

PERSON_EDITABLE = {
    "user",
    "team",
    "manager",
    "title",
    "hire_date",
    "leave_date",
    "capacity_hours_week",
    "calendar",
    "cost_rate",
    "cost_currency",
    "name",
}


def _check_manager_chain(person: Person | None, manager: Person | None) -> None:
    """A manager may not be the person or anyone below them (no loops in the line)."""
    if person is None or manager is None or person.pk is None:
        return
    from django.utils.translation import gettext

    node: Person | None = manager
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.pk == person.pk:
            raise ValidationFailed(
                {"manager": [gettext("A person cannot report to themselves or to someone who reports to them.")]}
            )
        seen.add(node.pk)
        node = node.manager


@transaction.atomic
def person_create(*, actor: Any, name: str, **fields: Any) -> Person:
    if not can_create_person(actor):
        raise Forbidden()
    unknown = set(fields) - PERSON_EDITABLE
    if unknown:
        raise TypeError(f"person_create got unknown fields {sorted(unknown)}")
    person = tracked_create(Person, actor=actor, name=(name or "").strip(), **fields)
    business_event_record(actor=actor, verb="person.created", target=person)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, version: int | None, **changes: Any) -> Person:
    if not can_edit_person(actor, person):
        raise Forbidden()
    unknown = set(changes) - PERSON_EDITABLE
    if unknown:
        raise TypeError(f"person_update got unknown fields {sorted(unknown)}")
    if "manager" in changes:
        _check_manager_chain(person, changes["manager"])
    person, changed = versioned_update(person, actor=actor, version=version, changes=changes)
    for field in ("team", "manager"):
        if field in changed:
            old, new = changed[field]
            business_event_record(
                actor=actor,
                verb=f"person.{field}_changed",
                target=person,
                data={"from": getattr(old, "pk", None), "to": getattr(new, "pk", None)},
            )
    return person


@transaction.atomic
def team_create(*, actor: Any, name: str, parent: Team | None = None, lead: Any = None) -> Team:
    if not (actor.is_authenticated and actor.is_admin):
        raise Forbidden()
    team = tracked_create(Team, actor=actor, name=(name or "").strip(), parent=parent, lead=lead)
    business_event_record(actor=actor, verb="team.created", target=team)
    return team
