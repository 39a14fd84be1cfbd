"""Writes shared by every domain: business events and optimistic-locking updates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from tripod.core.errors import StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent, TrackedModel


def business_event_record(
    *, actor: Any, verb: str, target: models.Model, data: Mapping[str, Any] | None = None
) -> BusinessEvent:
    """Write one explicit business event (``verb`` is a stable code such as ``client.status_changed``)."""
    return BusinessEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        data=dict(data or {}),
    )


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Django's ValidationError as {field: [messages]}, with ``__all__`` for record-level errors."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def full_clean_or_fail(obj: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    """Run model validation and raise :class:`ValidationFailed` naming each field and its reason."""
    try:
        obj.full_clean(exclude=list(exclude or []))
    except ValidationError as exc:
        raise ValidationFailed(validation_errors(exc)) from exc


def tracked_create[T: TrackedModel](model: type[T], *, actor: Any, **fields: Any) -> T:
    """Validate and insert a tracked record, stamping who created it."""
    obj = model(**fields)
    if getattr(actor, "is_authenticated", False):
        obj.created_by = actor
        obj.updated_by = actor
    full_clean_or_fail(obj)
    obj.save()
    return obj


def versioned_update[T: TrackedModel](
    obj: T, *, actor: Any, version: int | None, changes: Mapping[str, Any]
) -> tuple[T, dict]:
    """Apply ``changes`` to ``obj`` only if it is still at ``version``; return the saved object and the
    {field: (old, new)} of what actually changed.

    The row is re-read under a lock, so two concurrent updates from the same version cannot both win: the
    second raises :class:`StaleVersion` carrying the current record, and nothing is written.
    Must be called inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("versioned_update must run inside transaction.atomic")
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if version is not None and current.version != version:
        raise StaleVersion(current=current, submitted=version)
    changed: dict[str, tuple[Any, Any]] = {}
    for field, value in changes.items():
        old = getattr(current, field)
        if old != value:
            changed[field] = (old, value)
            setattr(current, field, value)
    if not changed:
        return current, changed
    full_clean_or_fail(current)
    current.version += 1
    if getattr(actor, "is_authenticated", False):
        current.updated_by = actor
    current._change_reason = ", ".join(sorted(changed))
    current.save()
    return current, changed


def rows_update(model: type[models.Model], objs: Iterable[models.Model], fields: Iterable[str]) -> int:
    """Write ``fields`` of many rows with one prepared ``UPDATE ... WHERE pk = %s`` run for each row.

    Django's ``bulk_update`` builds one ``CASE WHEN`` per field over the whole batch, which grows quadratically
    with the batch; for thousands of rows (a rescheduled plan) the prepared statement is far faster. No signals,
    no history: for computed columns only."""
    from django.db import connections, router

    names = list(fields)
    meta = model._meta
    columns = [meta.get_field(name) for name in names]
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    # Only quoted table and column names of the model are formatted in; every value is a parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in columns),
        quote(meta.pk.column),
    )
    params = [
        [*(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns), obj.pk]
        for obj in objs
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    return len(params)
