"""Read-only API of projects. Budgets and other internals are left out for the client portal."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tripod.identity.api import UserRef
from tripod.projects.access import can_view_project_internals
from tripod.projects.models import Project
from tripod.projects.selectors import project_get, project_list

router = Router(tags=["projects"])

MAX_PAGE = 500
# Set on the request by a handler: whether the projects it returns may show their internals.
INTERNALS = "_tripod_project_internals"


class ClientRef(Schema):
    id: int
    name: str


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    client: ClientRef
    pm: UserRef | None
    phase: Project.Phase
    start: date | None
    target_finish: date | None
    budget: Decimal | None = None
    currency: str | None = None
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_budget(obj: Project, context: dict[str, Any]) -> Decimal | None:
        return obj.budget if getattr(context["request"], INTERNALS, False) else None

    @staticmethod
    def resolve_currency(obj: Project, context: dict[str, Any]) -> str | None:
        return obj.currency if getattr(context["request"], INTERNALS, False) else None


@router.get("", response=list[ProjectOut], operation_id="project_list", summary="Projects you may see")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def projects(
    request: HttpRequest,
    search: str | None = None,
    client_id: int | None = None,
    phase: Project.Phase | None = None,
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    # Every project of a scoped list is visible to the user, and for a visible project
    # can_view_project_internals(user, project) is user.is_internal: decided once, not one query per row.
    setattr(request, INTERNALS, user.is_internal)
    return project_list(user=user, search=search, client_id=client_id, phase=phase)


@router.get("/{project_id}", response=ProjectOut, operation_id="project_get", summary="One project")
def project(request: HttpRequest, project_id: int) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    found = project_get(user=user, pk=project_id)
    setattr(request, INTERNALS, can_view_project_internals(user, found))
    return found
