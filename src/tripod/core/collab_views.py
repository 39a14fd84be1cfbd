"""HTML/HTMX views of collaboration: the activity panel of a record (timeline, comment and upload forms),
attachment downloads, global search and the user's notifications. Thin: look up through the registry, call the
service, render a partial."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tripod.core.attachments import attachment_add, attachment_delete, attachment_get_visible
from tripod.core.comments import comment_add, comment_delete, comment_get_visible
from tripod.core.errors import NotFound, ValidationFailed
from tripod.core.forms import AttachmentForm, CommentForm, form_add_errors
from tripod.core.mentions import notification_items, notifications_mark_read
from tripod.core.registry import collaboration_target
from tripod.core.search import MIN_QUERY_LENGTH, search, search_query_clean
from tripod.core.timeline import TimelinePanel, timeline_panel

PANEL = "core/collab/timeline.html"
PAGE = "core/collab/activity.html"
SEARCH_PAGE = "core/collab/search.html"
SEARCH_DROPDOWN = "core/collab/search.html#dropdown"
SEARCH_PAGE_LIMIT = 20


def _user_time_zone(user: Any) -> Any:
    """Show times in the user's own time zone when they chose one."""
    name = getattr(user, "time_zone", "")
    if name:
        try:
            return timezone.override(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return nullcontext()


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    with _user_time_zone(request.user):
        return render(request, template, context, status=status)


def _panel_response(
    request: HttpRequest,
    target: Any,
    *,
    comment_form: CommentForm | None = None,
    upload_form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "collab": timeline_panel(user=request.user, target=target),
        "comment_form": comment_form or CommentForm(),
        "upload_form": upload_form or AttachmentForm(),
    }
    return _render(request, PANEL if request.htmx else PAGE, context, status=status)


def _after_write(request: HttpRequest, target: Any) -> HttpResponse:
    if request.htmx:
        return _panel_response(request, target)
    return redirect("collab:panel", label=target._meta.label_lower, pk=target.pk)


def _form_error(request: HttpRequest, target: Any, *, partial: str, **forms: Any) -> HttpResponse:
    """Re-show the form with its errors. HTMX: only the form is swapped (200, so htmx swaps it); else the page."""
    if not request.htmx:
        return _panel_response(request, target, status=422, **forms)
    panel = TimelinePanel(target=target, label=target._meta.label_lower, pk=str(target.pk), entries=[])
    response = _render(request, f"{PANEL}#{partial}", {"collab": panel, **forms})
    response["HX-Retarget"] = f"#{panel.dom_id}-{partial}"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_GET
def panel(request: HttpRequest, label: str, pk: str) -> HttpResponse:
    """The activity panel of a record (HTMX: the partial; otherwise a page around it)."""
    target = collaboration_target(user=request.user, label=label, pk=pk)
    return _panel_response(request, target)


def _write_from_form(
    request: HttpRequest,
    label: str,
    pk: str,
    *,
    form: CommentForm | AttachmentForm,
    form_name: str,
    write: Callable[[Any, dict[str, Any]], Any],
) -> HttpResponse:
    """Post a form to a service on the record; its ValidationFailed goes back under the form's fields."""
    target = collaboration_target(user=request.user, label=label, pk=pk)
    form.is_valid()
    try:
        write(target, form.cleaned_data)
    except ValidationFailed as exc:
        form_add_errors(form, exc)
        partial = "comment-form" if form_name == "comment_form" else "upload-form"
        return _form_error(request, target, partial=partial, **{form_name: form})
    return _after_write(request, target)


@login_required
@require_POST
def comment_create(request: HttpRequest, label: str, pk: str) -> HttpResponse:
    return _write_from_form(
        request,
        label,
        pk,
        form=CommentForm(request.POST),
        form_name="comment_form",
        write=lambda target, data: comment_add(actor=request.user, target=target, body=data.get("body", "")),
    )


@login_required
@require_POST
def attachment_create(request: HttpRequest, label: str, pk: str) -> HttpResponse:
    return _write_from_form(
        request,
        label,
        pk,
        form=AttachmentForm(request.POST, request.FILES),
        form_name="upload_form",
        write=lambda target, data: attachment_add(actor=request.user, target=target, uploaded_file=data.get("file")),
    )


@login_required
@require_POST
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    comment, target = comment_get_visible(user=request.user, pk=pk)
    comment_delete(actor=request.user, comment=comment)
    return _after_write(request, target)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, target = attachment_get_visible(user=request.user, pk=pk)
    attachment_delete(actor=request.user, attachment=attachment)
    return _after_write(request, target)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as a download under its original name, only to users who may see its record."""
    attachment, _target = attachment_get_visible(user=request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(attachment.original_name) from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """Global search. HTMX (the top-bar box): the dropdown partial; otherwise the results page."""
    query = search_query_clean(request.GET.get("q"))
    too_short = len(query) < MIN_QUERY_LENGTH
    limit = 5 if request.htmx else SEARCH_PAGE_LIMIT
    groups = [] if too_short else search(user=request.user, query=query, limit_per_kind=limit)
    context = {"query": query, "groups": groups, "too_short": too_short, "min_length": MIN_QUERY_LENGTH}
    return _render(request, SEARCH_DROPDOWN if request.htmx else SEARCH_PAGE, context)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = notification_items(user=request.user)
    return _render(request, "core/collab/notifications.html", {"notifications": notifications})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications_mark_read(user=request.user, ids=ids)
    return redirect("collab:notifications")
