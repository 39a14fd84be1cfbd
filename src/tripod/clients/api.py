"""Read-only API of clients. Thin: the selectors decide what the user may see."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tripod.clients.models import Client
from tripod.clients.selectors import client_get, client_list
from tripod.identity.api import UserRef

router = Router(tags=["clients"])

MAX_PAGE = 500


class ClientOut(Schema):
    id: int
    name: str
    industry: str
    tier: Client.Tier
    status: Client.Status
    owner_am: UserRef | None
    version: int
    created_at: datetime
    updated_at: datetime


@router.get("", response=list[ClientOut], operation_id="client_list", summary="Clients you may see")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def clients(request: HttpRequest, search: str | None = None, status: Client.Status | None = None) -> Any:
    return client_list(user=request.auth, search=search, status=status)  # type: ignore[attr-defined]


@router.get("/{client_id}", response=ClientOut, operation_id="client_get", summary="One client")
def client(request: HttpRequest, client_id: int) -> Any:
    return client_get(user=request.auth, pk=client_id)  # type: ignore[attr-defined]
