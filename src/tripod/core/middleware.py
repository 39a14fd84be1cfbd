"""Request-wide settings that follow the signed-in user."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tripod.core.errors import Forbidden, NotFound


class UserTimeZoneMiddleware:
    """Show times in the user's own time zone (stored in UTC, displayed local); the site default otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = getattr(getattr(request, "user", None), "time_zone", "") or ""
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)


class DomainErrorMiddleware:
    """A safety net for web views: a ``NotFound`` or ``Forbidden`` that a view did not handle becomes the friendly
    404 or 403 page, never a server error. (The API has its own problem-details handlers.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from tripod.core import views

        if isinstance(exception, NotFound):
            return views.page_not_found(request, exception)
        if isinstance(exception, Forbidden):
            return views.permission_denied(request, exception)
        return None
