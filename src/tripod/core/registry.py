"""The registry of record kinds that collaboration (comments, attachments, timeline) and global search work on.

Core knows no domain model. Each domain app registers its records in its ``AppConfig.ready()``::

    register_record(
        "clients.client",
        visible=clients_visible_to,                      # user -> QuerySet of what the user may see
        url=lambda client: reverse("clients:detail", args=[client.pk]),
        search_fields=("name", "industry"),              # matched with icontains; empty = not searched
        subtitle=lambda client: client.get_tier_display(),
    )

Every generic lookup (a comment's target, an attachment download, a timeline, a search hit) goes through the
kind's ``visible(user)`` queryset, so fetch and access check cannot drift apart: a record the user may not see is a
404 on all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet

from tripod.core.errors import Forbidden, NotFound

Visible = Callable[[Any], QuerySet[Any]]


@dataclass(frozen=True, kw_only=True)
class RecordKind:
    """How core reaches one kind of record.

    ``portal_collaboration``: whether client-portal users (who may see some records of this kind) also see and
    write its comments, attachments and timeline. Off by default: internal discussion stays internal.
    ``hidden_history_fields(user, record)``: names of fields whose changes ``user`` may not see in the timeline
    (e.g. a person's cost rate for anyone but their line manager).
    """

    label: str
    visible: Visible
    url: Callable[[Any], str] | None = None
    verbose_name: Any = None
    search_fields: tuple[str, ...] = ()
    title: Callable[[Any], str] = str
    subtitle: Callable[[Any], str] | None = None
    select_related: tuple[str, ...] = ()
    portal_collaboration: bool = False
    hidden_history_fields: Callable[[Any, Any], Collection[str]] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def plural_name(self) -> Any:
        return self.verbose_name or self.model._meta.verbose_name_plural


_kinds: dict[str, RecordKind] = {}


def register_record(
    label: str,
    *,
    visible: Visible,
    url: Callable[[Any], str] | None = None,
    verbose_name: Any = None,
    search_fields: tuple[str, ...] = (),
    title: Callable[[Any], str] = str,
    subtitle: Callable[[Any], str] | None = None,
    select_related: tuple[str, ...] = (),
    portal_collaboration: bool = False,
    hidden_history_fields: Callable[[Any, Any], Collection[str]] | None = None,
) -> RecordKind:
    """Register a kind of record (``label`` is ``app_label.model_name``); registering a label twice is an error."""
    label = label.lower()
    if label in _kinds:
        raise ValueError(f"record kind {label} is already registered")
    kind = RecordKind(
        label=label,
        visible=visible,
        url=url,
        verbose_name=verbose_name,
        search_fields=tuple(search_fields),
        title=title,
        subtitle=subtitle,
        select_related=tuple(select_related),
        portal_collaboration=portal_collaboration,
        hidden_history_fields=hidden_history_fields,
    )
    _kinds[label] = kind
    return kind


@contextmanager
def isolated_registry() -> Iterator[None]:
    """Run with an empty registry and restore the previous one afterwards (for tests)."""
    saved = dict(_kinds)
    _kinds.clear()
    try:
        yield
    finally:
        _kinds.clear()
        _kinds.update(saved)


def record_kinds() -> list[RecordKind]:
    return list(_kinds.values())


def record_kind(label_or_record: str | models.Model | type[models.Model]) -> RecordKind | None:
    """The registered kind of a label, model or record; None when it is not registered."""
    if isinstance(label_or_record, str):
        return _kinds.get(label_or_record.lower())
    return _kinds.get(label_or_record._meta.label_lower)


def record_label(record: models.Model) -> str:
    return record._meta.label_lower


def record_get_visible(*, user: Any, label: str, pk: Any) -> models.Model:
    """The record ``label``/``pk`` if ``user`` may see it; :class:`NotFound` otherwise (unknown kinds included)."""
    kind = record_kind(label)
    if kind is None:
        raise NotFound()
    try:
        return kind.visible(user).get(pk=pk)
    except (kind.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:  # a malformed pk is not found
        raise NotFound(kind.model._meta.verbose_name) from exc


def record_is_visible(*, user: Any, record: models.Model) -> bool:
    kind = record_kind(record)
    if kind is None or user is None or not user.is_authenticated:
        return False
    return kind.visible(user).filter(pk=record.pk).exists()


def record_url(record: models.Model) -> str | None:
    kind = record_kind(record)
    if kind is None or kind.url is None:
        return None
    return kind.url(record)


def may_collaborate(user: Any, kind: RecordKind) -> bool:
    """Whether ``user`` takes part in comments, attachments and timelines of ``kind`` records they can see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_internal or kind.portal_collaboration


def collaboration_check(*, user: Any, record: models.Model) -> RecordKind:
    """Raise unless ``user`` may see ``record`` (NotFound) and take part in its collaboration (Forbidden)."""
    kind = record_kind(record)
    if kind is None or not record_is_visible(user=user, record=record):
        raise NotFound(record._meta.verbose_name)
    if not may_collaborate(user, kind):
        raise Forbidden()
    return kind


def collaboration_target(*, user: Any, label: str, pk: Any) -> models.Model:
    """Fetch a record for its comments, attachments or timeline: NotFound if unseen, Forbidden if not allowed."""
    record = record_get_visible(user=user, label=label, pk=pk)
    kind = record_kind(label)
    if kind is None or not may_collaborate(user, kind):
        raise Forbidden()
    return record


def target_content_type(record: models.Model) -> ContentType:
    """The content type generic targets are stored under (the same one business events use)."""
    return ContentType.objects.get_for_model(record, for_concrete_model=False)


def content_type_label(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"
