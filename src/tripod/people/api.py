"""Read-only API of people. A cost rate is shown only to those who may see it (manager chain, admins)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tripod.identity.api import UserRef
from tripod.people.access import can_view_cost_rate
from tripod.people.models import Person
from tripod.people.selectors import person_get, person_list

router = Router(tags=["people"])

MAX_PAGE = 500


class TeamRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str
    title: str
    user: UserRef | None
    team: TeamRef | None
    manager: PersonRef | None
    hire_date: date | None
    leave_date: date | None
    capacity_hours_week: Decimal
    cost_rate: Decimal | None = None
    cost_currency: str | None = None
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_cost_rate(obj: Person, context: dict[str, Any]) -> Decimal | None:
        return obj.cost_rate if can_view_cost_rate(context["request"].auth, obj) else None

    @staticmethod
    def resolve_cost_currency(obj: Person, context: dict[str, Any]) -> str | None:
        return obj.cost_currency if can_view_cost_rate(context["request"].auth, obj) else None


@router.get("", response=list[PersonOut], operation_id="person_list", summary="People you may see")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def people(request: HttpRequest, search: str | None = None, team_id: int | None = None) -> Any:
    return person_list(user=request.auth, search=search, team_id=team_id)  # type: ignore[attr-defined]


@router.get("/{person_id}", response=PersonOut, operation_id="person_get", summary="One person")
def person(request: HttpRequest, person_id: int) -> Any:
    return person_get(user=request.auth, pk=person_id)  # type: ignore[attr-defined]
