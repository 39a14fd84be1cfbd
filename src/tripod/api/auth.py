"""How an API request proves who it is: a personal API token (bearer) or the browser session.

The token itself is checked by ``tripod.identity.middleware.BearerTokenMiddleware`` before the request gets here
(it answers a bad token with 401 at once); these classes decide per operation and describe the two schemes in
the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <personal API token>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(request, "token_authenticated", False) and request.user.is_authenticated:
            return request.user
        return None


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unsafe methods must carry the CSRF token (``X-CSRFToken``), because the
    browser adds the session cookie by itself. An anonymous request is a 401, not a CSRF failure."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if (
            self.csrf
            and not getattr(request, "token_authenticated", False)
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise HttpError(403, _("The CSRF token is missing or wrong. Reload the page and try again."))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - __call__ decides
        return request.user if request.user.is_authenticated else None


default_auth = [TokenAuth(), SessionAuth(csrf=True)]
