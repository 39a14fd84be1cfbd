"""Core pages: home (the user's cockpit), cockpits, health check, error pages."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

import tripod
from tripod.core.cockpits import TITLES, Tile, cockpit_build, cockpit_tiles
from tripod.core.navigation import cockpit_roles
from tripod.identity.models import Role, User

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"} when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database does not answer")
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their most senior cockpit; a user without any role gets a page that says so."""
    roles = cockpit_roles(request.user)
    if roles == [Role.CLIENT]:
        return redirect("portal:overview")  # a client's own users live in the portal
    if roles:
        return redirect("core:cockpit", role=roles[0])
    return render(request, "core/home.html")


@login_required
def cockpit(request: HttpRequest, role: str) -> HttpResponse:
    if role not in TITLES:
        raise Http404(role)
    if role not in request.user.roles:
        raise PermissionDenied
    board = cockpit_build(request=request, role=role)
    htmx = getattr(request, "htmx", None)
    part = board.table_for(htmx.target if htmx else None)
    if part is not None:
        response = render(request, "components/table.html#table_body", {"table": part.table})
    else:
        response = render(request, "core/cockpit.html", {"cockpit": board})
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@cockpit_tiles(Role.ADMIN, order=1)
def _admin_users(request: HttpRequest) -> list[Tile]:
    users = User.objects.filter(is_active=True)
    portal = users.filter(role_grants__role=Role.CLIENT).count()
    return [
        Tile(
            _("Users"),
            users.count(),
            icon="person-badge",
            url=reverse("admin:identity_user_changelist"),
            breakdown=[(_("portal users"), portal)],
        )
    ]


# --- error pages ------------------------------------------------------------------------------------------------------
# Each renders the friendly page in the user's language; if even that fails (no database, a broken template),
# a plain built-in page is returned instead, so an error handler never raises.
FALLBACK_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{status} · Tripod</title></head>
<body><h1>{status}</h1><p>{message}</p><p><a href="/">Tripod</a></p></body></html>"""


def _error_page(request: HttpRequest, status: int, *, standalone: bool = False) -> HttpResponse:
    template = f"errors/{status}.html"
    try:
        if standalone:
            html = loader.render_to_string(template, {"minimal_layout": True, "tripod_version": tripod.__version__})
        else:
            html = loader.render_to_string(template, {}, request)
    except Exception:
        logger.exception("error page %s could not be rendered", status)
        message = {400: "Bad request.", 403: "Forbidden.", 404: "Not found."}.get(status, "Server error.")
        html = FALLBACK_PAGE.format(status=status, message=message)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: no database, session or user is touched, whatever broke."""
    try:
        return HttpResponseServerError(_error_page(request, 500, standalone=True).content)
    except Exception:  # pragma: no cover - last resort
        return HttpResponseServerError(FALLBACK_PAGE.format(status=500, message="Server error."))
