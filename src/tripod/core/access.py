"""The access framework every query obeys.

Each domain app states who may see its records in its own ``access.py`` (``<entities>_visible_to(user)`` and
``can_<verb>_<entity>(user, obj)``). Relations that belong to a later app (a PM sees the client of their project,
an LM sees the projects their people work on) are contributed by that app with :func:`grants_visibility`, so
the direction of imports stays one way (DESIGN.md) while the rule for an entity is still one union.

Denials: an object the user may not see is a 404 (no existence leak), a function the user may not use is a 403.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q, QuerySet

from tripod.core.errors import NotFound

if TYPE_CHECKING:
    from tripod.identity.models import User

Grant = Callable[["User"], Q | None]

_grants: dict[str, list[Grant]] = defaultdict(list)


def grants_visibility(model_label: str) -> Callable[[Grant], Grant]:
    """Register ``fn(user) -> Q | None`` as one more reason a user may see records of ``model_label``."""

    def register(fn: Grant) -> Grant:
        _grants[model_label].append(fn)
        return fn

    return register


def scope[M: models.Model](queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """Restrict ``queryset`` to the records ``user`` may see: admins all, anonymous none, others by the
    union of the registered grants for the model (a grant returning ``Q()`` grants all of them)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_admin:
        return queryset
    condition = Q(pk__in=[])
    for grant in _grants[queryset.model._meta.label_lower]:
        q = grant(user)
        if q is None:
            continue
        if not q:  # an empty Q grants every record (OR-ing it in would drop it and grant none)
            return queryset
        condition |= q
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


def get_visible[M: models.Model](queryset: QuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one record only if ``user`` may see it; otherwise :class:`NotFound` (fetch and check never drift)."""
    try:
        return scope(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise NotFound(queryset.model._meta.verbose_name) from exc
