"""How core reaches the scope domain's records (comments, attachments, timeline, search): call :func:`register`
from ``ScopeConfig.ready()``. Importing :mod:`tripod.scope.access` registers the visibility grants."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tripod.core.registry import record_kind, register_record


def _requirement_url(requirement: Any) -> str:
    return reverse("scope:requirement_detail", args=[requirement.pk])


def register() -> None:
    """Register the requirement and its confirmation records; safe to call more than once."""
    from tripod.scope import access, events

    events.register()
    register_change_requests()
    if record_kind("scope.requirement") is None:
        register_record(
            "scope.requirement",
            visible=access.requirements_visible_to,
            url=_requirement_url,
            search_fields=("reference", "title", "statement"),
            subtitle=lambda requirement: f"{requirement.client} · {requirement.get_status_display()}",
            select_related=("client",),
        )
    if record_kind("scope.confirmation") is None:
        # Files of confirmation records (a signed document) hang on the record itself.
        register_record(
            "scope.confirmation",
            visible=access.confirmations_visible_to,
            url=lambda confirmation: _requirement_url(confirmation.requirement),
            select_related=("requirement",),
        )


def _change_request_url(change_request: Any) -> str:
    return reverse("scope:change_request_detail", args=[change_request.pk])


def register_change_requests() -> None:
    """Register change requests (comments, timeline, search); called by :func:`register`."""
    from tripod.scope import access

    if record_kind("scope.changerequest") is None:
        register_record(
            "scope.changerequest",
            visible=access.change_requests_visible_to,
            url=_change_request_url,
            search_fields=("reference", "title", "description"),
            subtitle=lambda cr: f"{cr.project} · {cr.get_status_display()}",
            select_related=("project",),
        )
