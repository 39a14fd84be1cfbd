"""What every portal page does the same way: only a client's own portal users get in (anonymous users go to the login
page, staff and unbound logins get 403), and the page is rendered in the portal's own layout with the client's name."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.portal.selectors import portal_user_binding

type View = Callable[..., HttpResponse]


def portal_page(view: View) -> View:
    """Let in the client's portal users only; the view finds their binding (client, contact) on ``request.portal``."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        binding = portal_user_binding(request.user)
        if binding is None:
            raise Forbidden()
        request.portal = binding  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def render_portal(
    request: HttpRequest, template: str, context: dict[str, Any], *, section: str, status: int = 200
) -> HttpResponse:
    """Render a portal page: ``section`` marks the active entry of the portal's navigation."""
    return render(request, template, {**portal_context(request, section), **context}, status=status)


def portal_context(request: HttpRequest, section: str) -> dict[str, Any]:
    """What the portal's layout shows: the client's name, who is signed in, the active section."""
    binding = request.portal  # type: ignore[attr-defined]
    return {"portal_client": binding.client, "portal_contact": binding.contact, "portal_section": section}


def say_errors(request: HttpRequest, exc: ValidationFailed | StaleVersion) -> None:
    """Tell the user why a one-click action did not happen."""
    if isinstance(exc, StaleVersion):
        messages.warning(request, str(exc.message))
        return
    for errors in exc.errors.values():
        for error in errors:
            messages.error(request, str(error))
