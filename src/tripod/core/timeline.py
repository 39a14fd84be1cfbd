"""The activity timeline of a record: its history (field by field), business events, comments and attachments,
newest first, in a fixed number of queries however long the timeline is."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

from tripod.core.attachments import allowed_extensions, can_delete_attachment
from tripod.core.comments import can_delete_comment, comment_html
from tripod.core.models import Attachment, BusinessEvent, Comment
from tripod.core.registry import collaboration_check, record_url, target_content_type

TIMELINE_LIMIT = 200
EMPTY = "—"
# Bookkeeping fields every tracked record has; their changes are not news to anyone.
_UNTRACKED = frozenset({"id", "version", "created_at", "created_by", "updated_at", "updated_by"})


@dataclass(frozen=True)
class EventLabel:
    label: Any
    describe: Callable[[dict[str, Any]], str] | None = None


_event_labels: dict[str, EventLabel] = {}


def register_event_label(verb: str, label: Any, describe: Callable[[dict[str, Any]], str] | None = None) -> None:
    """How a business event ``verb`` reads on a timeline: a short label, and optionally a line built from its data.

    Only what ``describe`` returns is shown; the raw data of an event is never put on the page."""
    _event_labels[verb] = EventLabel(label, describe)


register_event_label("comment.deleted", _("deleted a comment"))
register_event_label("attachment.deleted", _("deleted a file"), describe=lambda data: str(data.get("name", "")))
register_event_label("calendar.created", _("created the calendar"))
register_event_label(
    "calendar.exception_added",
    _("added a holiday or working day"),
    describe=lambda data: f"{data.get('name', '')} {data.get('from', '')} - {data.get('to', '')}".strip(),
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    """One line of the timeline. ``kind``: created, changed, deleted, event, comment or attachment."""

    kind: str
    at: datetime
    actor: Any
    summary: Any
    detail: str = ""
    body_html: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    comment: Comment | None = None
    attachment: Attachment | None = None
    can_delete: bool = False
    order: int = 0

    @property
    def delete_url(self) -> str | None:
        if not self.can_delete:
            return None
        if self.comment is not None:
            return reverse("collab:comment_delete", args=[self.comment.pk])
        if self.attachment is not None:
            return reverse("collab:attachment_delete", args=[self.attachment.pk])
        return None

    @property
    def recent(self) -> bool:
        """Less than a minute ago: shown as "just now" rather than "0 minutes ago"."""
        return (timezone.now() - self.at).total_seconds() < 60


def timeline_for(*, user: Any, target: models.Model, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """The newest ``limit`` timeline entries of ``target`` that ``user`` may see (NotFound/Forbidden otherwise)."""
    kind = collaboration_check(user=user, record=target)
    hidden = set(kind.hidden_history_fields(user, target)) if kind.hidden_history_fields else set()
    content_type = target_content_type(target)
    where = {"target_type": content_type, "target_id": str(target.pk)}

    entries = _history_entries(target, hidden=hidden, limit=limit)
    for event in BusinessEvent.objects.filter(**where).select_related("actor").order_by("-at", "-id")[:limit]:
        label = _event_labels.get(event.verb)
        entries.append(
            TimelineEntry(
                kind="event",
                at=event.at,
                actor=event.actor,
                summary=label.label if label else event.verb.replace("_", " ").replace(".", " "),
                detail=label.describe(event.data) if label and label.describe else "",
                order=event.pk,
            )
        )
    comments = Comment.objects.filter(**where).select_related("author").prefetch_related("mentions")
    for comment in comments.order_by("-created_at", "-id")[:limit]:
        entries.append(
            TimelineEntry(
                kind="comment",
                at=comment.created_at,
                actor=comment.author,
                summary=_("commented"),
                comment=comment,
                body_html=comment_html(comment),
                can_delete=can_delete_comment(user, comment),
                order=comment.pk,
            )
        )
    attachments = Attachment.objects.filter(**where).select_related("created_by")
    for attachment in attachments.order_by("-created_at", "-id")[:limit]:
        entries.append(
            TimelineEntry(
                kind="attachment",
                at=attachment.created_at,
                actor=attachment.created_by,
                summary=_("attached a file"),
                attachment=attachment,
                can_delete=can_delete_attachment(user, attachment),
                order=attachment.pk,
            )
        )
    entries.sort(key=lambda entry: (entry.at, _KIND_ORDER.get(entry.kind, 0), entry.order), reverse=True)
    return entries[:limit]


# Within the same instant, the record's creation comes first and comments last (read newest first: reversed).
_KIND_ORDER = {"created": 0, "changed": 1, "event": 2, "attachment": 3, "comment": 4, "deleted": 5}


def _history_entries(target: models.Model, *, hidden: set[str], limit: int) -> list[TimelineEntry]:
    manager_name = getattr(target._meta, "simple_history_manager_attribute", None)
    if manager_name is None:
        return []
    history_model = getattr(type(target), manager_name).model
    rows = list(
        history_model.objects.filter(**{target._meta.pk.attname: target.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows.reverse()
    truncated = len(rows) > limit
    fields = [
        f
        for f in history_model.tracked_fields
        if f.name not in _UNTRACKED and f.name not in hidden and f.attname not in hidden
    ]
    m2m_fields = [f for f in getattr(history_model, "_history_m2m_fields", []) if f.name not in hidden]
    m2m_values = _m2m_values(history_model, m2m_fields, [row.history_id for row in rows])

    # First pass: what changed, as raw values; second: resolve foreign keys in one query per related model.
    raw: list[tuple[Any, str, list[tuple[models.Field[Any, Any], Any, Any]]]] = []
    for index, row in enumerate(rows):
        if truncated and index == 0:
            continue  # only the baseline of the oldest entry shown
        previous = rows[index - 1] if index > 0 else None
        kind = {"+": "created", "-": "deleted"}.get(row.history_type, "changed")
        changes: list[tuple[models.Field[Any, Any], Any, Any]] = []
        if kind == "changed" and previous is not None:
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(row, f.attname)
                if old != new:
                    changes.append((f, old, new))
            for f in m2m_fields:
                old, new = m2m_values[f.name][previous.history_id], m2m_values[f.name][row.history_id]
                if old != new:
                    changes.append((f, old, new))
            if not changes:
                continue  # nothing the user may see changed
        raw.append((row, kind, changes))

    labels = _related_labels(change for _row, _kind, changes in raw for change in changes)
    actors = _fallback_actors(history_model, [row for row, _kind, _changes in raw])
    entries: list[TimelineEntry] = []
    for row, kind, changes in raw:
        entries.append(
            TimelineEntry(
                kind=kind,
                at=row.history_date,
                actor=row.history_user or actors.get(getattr(row, "updated_by_id", None)),
                summary={"created": _("created"), "deleted": _("deleted")}.get(kind, _("changed")),
                changes=[
                    FieldChange(str(f.verbose_name), _display(f, old, labels), _display(f, new, labels))
                    for f, old, new in changes
                ],
                order=row.history_id,
            )
        )
    return entries


def _fallback_actors(history_model: type[models.Model], rows: list[Any]) -> dict[Any, Any]:
    """Changes made outside a web request (services called by tasks, imports, the demo) have no history user;
    the record's own ``updated_by`` stamp says who made them. One query for all of them."""
    if not any(f.name == "updated_by" for f in history_model.tracked_fields):
        return {}
    ids = {row.updated_by_id for row in rows if row.history_user_id is None and row.updated_by_id is not None}
    if not ids:
        return {}
    return {user.pk: user for user in get_user_model()._default_manager.filter(pk__in=ids)}


def _m2m_values(
    history_model: type[models.Model], m2m_fields: list[models.ManyToManyField[Any, Any]], history_ids: list[int]
) -> dict[str, defaultdict[int, frozenset[Any]]]:
    """For each tracked many-to-many field: history id -> the set of related ids at that moment (one query each)."""
    result: dict[str, defaultdict[int, frozenset[Any]]] = {}
    for f in m2m_fields:
        m2m_history_model = getattr(history_model, f.name).model
        related = get_m2m_reverse_field_name(f)
        sets: defaultdict[int, set[Any]] = defaultdict(set)
        if history_ids:
            pairs = m2m_history_model.objects.filter(history_id__in=history_ids).values_list(
                "history_id", f"{related}_id"
            )
            for history_id, related_id in pairs:
                sets[history_id].add(related_id)
        result[f.name] = defaultdict(frozenset, {k: frozenset(v) for k, v in sets.items()})
    return result


def _related_labels(
    changes: Iterable[tuple[models.Field[Any, Any], Any, Any]],
) -> dict[type[models.Model], dict[Any, str]]:
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for f, old, new in changes:
        if not f.is_relation or f.related_model is None:
            continue
        for value in (old, new):
            if isinstance(value, frozenset):
                wanted[f.related_model].update(value)
            elif value is not None:
                wanted[f.related_model].add(value)
    return {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
        if ids
    }


def _display(f: models.Field[Any, Any], value: Any, labels: dict[type[models.Model], dict[Any, str]]) -> str:
    """A value as a person reads it: choice labels, names of related records, local dates."""
    if value is None or value == "" or value == frozenset():
        return EMPTY
    if f.is_relation and f.related_model is not None:
        names = labels.get(f.related_model, {})
        if isinstance(value, frozenset):
            return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in value))
        return names.get(value, f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date | Decimal | int | float):
        return formats.localize(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Truncator(str(value)).chars(200)


@dataclass
class TimelinePanel:
    """What the ``core/collab/timeline.html`` partial shows for one record: its timeline and where to post."""

    target: models.Model
    label: str
    pk: str
    entries: list[TimelineEntry]

    @property
    def dom_id(self) -> str:
        return "collab-" + slugify(f"{self.label}-{self.pk}")

    @property
    def verbose_name(self) -> str:
        return str(self.target._meta.verbose_name)

    @property
    def record_url(self) -> str | None:
        return record_url(self.target)

    @property
    def max_upload_bytes(self) -> int:
        return int(settings.TRIPOD_ATTACHMENT_MAX_BYTES)

    @property
    def allowed_types(self) -> str:
        return allowed_extensions()


def timeline_panel(*, user: Any, target: models.Model, limit: int = TIMELINE_LIMIT) -> TimelinePanel:
    """The collaboration panel of ``target`` for ``user``. Host pages put it in their context as ``collab`` and
    ``{% include "core/collab/timeline.html" %}``."""
    return TimelinePanel(
        target=target,
        label=target._meta.label_lower,
        pk=str(target.pk),
        entries=timeline_for(user=user, target=target, limit=limit),
    )


def timeline_panel_url(target: models.Model) -> str:
    """Where to load the panel lazily: ``<div hx-get="{{ url }}" hx-trigger="load" hx-swap="outerHTML"></div>``."""
    return reverse("collab:panel", args=[target._meta.label_lower, target.pk])
