"""API of identity: exchange a password for a token (for scripts), and who am I."""

from datetime import datetime
from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tripod.identity.problems import problem_response
from tripod.identity.services import NAME_MAX_LENGTH, api_token_create

router = Router(tags=["identity"])


class UserRef(Schema):
    """A user as other records refer to them."""

    id: int
    username: str
    name: str = Field(description="The name to show: display name, else full name, else username.")


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=254, description="Username or e-mail address.")
    password: str = Field(min_length=1, max_length=4096)
    name: str | None = Field(None, max_length=NAME_MAX_LENGTH, description="What the token is for.")


class TokenOut(Schema):
    token: str = Field(description="The token. It is shown this once and cannot be read again.")
    prefix: str
    name: str
    expires_at: datetime | None


class MeOut(Schema):
    id: int
    username: str
    email: str
    display_name: str
    roles: list[str]


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut},
    operation_id="auth_token_create",
    summary="Create a personal API token with username and password",
)
def auth_token_create(request: HttpRequest, payload: TokenIn) -> Any:
    """For scripts: trade a username (or e-mail) and password for a personal API token. Failed attempts count
    towards the sign-in lockout like failed sign-ins on the web (429 once locked)."""
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer the lockout here as problem details; left set, the flag makes django-axes' middleware replace
        # this response with its HTML lockout page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        return _locked_out(request)
    if user is None:
        return problem_response(
            401,
            kind="invalid-credentials",
            detail=_("The username or e-mail address, or the password, is not correct."),
        )
    name = payload.name.strip() if payload.name and payload.name.strip() else _default_token_name()
    token, raw = api_token_create(actor=user, name=name)
    return Status(201, {"token": raw, "prefix": token.prefix, "name": token.name, "expires_at": token.expires_at})


def _default_token_name() -> str:
    return _("Script token of %(date)s") % {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M")}


def _locked_out(request: HttpRequest) -> HttpResponse:
    cool_off = get_cool_off(request)
    return problem_response(
        429,
        headers={"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else None,
        kind="locked-out",
        title=_("Too many failed sign-ins"),
        detail=_("Sign-in for this account is paused after too many wrong passwords. Please try again later."),
    )


@router.get("/me", response=MeOut, operation_id="me", summary="The signed-in user")
def me(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": str(user),
        "roles": sorted(user.roles),
    }
