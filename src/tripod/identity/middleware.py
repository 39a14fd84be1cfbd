"""Accepts ``Authorization: Bearer <token>`` with a personal API token."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tripod.identity.models import User
from tripod.identity.problems import unauthenticated_response
from tripod.identity.services import api_token_authenticate

API_PATH_PREFIX = "/api/"


def bearer_token(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer`` header ("" when the header names Bearer but carries nothing),
    or None when the request has no bearer header at all."""
    scheme, _sep, value = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


class BearerTokenMiddleware:
    """A request with a valid bearer token runs as the token's user.

    Such a request carries its credential in a header a browser never adds by itself, so it is exempt from CSRF
    checks and never touches the session. A bad token on an API request is answered with 401 problem details
    at once; elsewhere it is ignored (the request keeps the session it has, if any).
    Must come after AuthenticationMiddleware and before anything that reads ``request.user``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.token_authenticated = False  # type: ignore[attr-defined]
        raw = bearer_token(request)
        if raw is not None:
            user = api_token_authenticate(raw) if raw else None
            if user is not None:
                request.user = user

                async def auser() -> User:
                    return user

                request.auser = auser  # type: ignore[attr-defined]
                request.token_authenticated = True  # type: ignore[attr-defined]
                request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
            elif request.path_info.startswith(API_PATH_PREFIX):
                return unauthenticated_response(_("The API token is not valid: it is unknown, revoked or expired."))
        return self.get_response(request)
