"""RFC 9457 problem details: the one shape of every error the API returns.

Lives in identity (not api) because the bearer-token middleware answers a bad token with one, and identity may not
import the api package.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:tripod:problem:"

TITLES: dict[int, Any] = {
    400: _("Bad request"),
    401: _("Not signed in"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    412: _("Changed by someone else"),
    422: _("Invalid input"),
    428: _("Version required"),
    429: _("Too many requests"),
    500: _("Server error"),
    503: _("Service unavailable"),
}


def problem_response(
    status: int,
    *,
    kind: str | None = None,
    title: Any = None,
    detail: Any = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JsonResponse:
    """A problem+json response. ``kind`` names the problem type (``urn:tripod:problem:<kind>``); without it the
    type is ``about:blank`` and the title is the meaning of the status code, as RFC 9457 says."""
    if title is None:
        title = TITLES.get(status) or HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_BASE}{kind}" if kind else "about:blank",
        "title": str(title),
        "status": status,
        "detail": str(detail if detail is not None else title),
    }
    body.update(extensions)
    response = JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthenticated_response(detail: Any = None) -> JsonResponse:
    return problem_response(
        401,
        kind="unauthenticated",
        detail=detail or _("Sign in, or send a personal API token as “Authorization: Bearer <token>”."),
        headers={"WWW-Authenticate": 'Bearer realm="tripod"'},
    )
