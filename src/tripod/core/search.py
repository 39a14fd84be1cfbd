"""Global search over every registered kind of record, each through its ``visible(user)`` queryset.

A kind takes part when it was registered with ``search_fields`` (see :mod:`tripod.core.registry`). One query per
kind, whatever the data: a user never finds a record they may not see, and counts never leak either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from tripod.core.registry import RecordKind, record_kinds

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class SearchResult:
    title: str
    subtitle: str
    url: str | None


@dataclass
class SearchGroup:
    label: str
    verbose_name: Any
    results: list[SearchResult] = field(default_factory=list)
    has_more: bool = False


def search_query_clean(query: Any) -> str:
    """The query as searched: whitespace collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join(str(query or "").split())[:MAX_QUERY_LENGTH]


def search(*, user: Any, query: str, limit_per_kind: int = 5) -> list[SearchGroup]:
    """Records of each searchable kind that ``user`` may see and that match ``query``; an empty list when the
    query is shorter than MIN_QUERY_LENGTH characters (no query is run)."""
    text = search_query_clean(query)
    if len(text) < MIN_QUERY_LENGTH or user is None or not user.is_authenticated or not user.is_active:
        return []
    groups = []
    for kind in record_kinds():
        if not kind.search_fields:
            continue
        group = _search_kind(kind, user=user, text=text, limit=limit_per_kind)
        if group.results:
            groups.append(group)
    return groups


def _search_kind(kind: RecordKind, *, user: Any, text: str, limit: int) -> SearchGroup:
    # Every word must match some field: "acme cloud" finds "ACME" with industry "Cloud".
    condition = Q()
    for word in text.split():
        condition &= reduce(or_, (Q(**{f"{name}__icontains": word}) for name in kind.search_fields))
    qs = kind.visible(user).filter(condition)
    if kind.select_related:
        qs = qs.select_related(*kind.select_related)
    # A search field across a to-many relation may match one record twice.
    records = list(
        {record.pk: record for record in qs.order_by(*(kind.model._meta.ordering or ["pk"]))[: limit * 3 + 1]}.values()
    )[: limit + 1]
    return SearchGroup(
        label=kind.label,
        verbose_name=kind.plural_name,
        results=[
            SearchResult(
                title=kind.title(record),
                subtitle=kind.subtitle(record) if kind.subtitle else "",
                url=kind.url(record) if kind.url else None,
            )
            for record in records[:limit]
        ],
        has_more=len(records) > limit,
    )
