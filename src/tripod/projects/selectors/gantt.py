"""The Gantt chart's data: the whole plan as compact columns, in a constant number of queries.

Ten thousand tasks are ten thousand rows: no model instance is built per row (``values_list`` only) and the JSON
is columnar (one array per attribute, the same index in each), which is what the chart's renderer reads without
any per-row object either. Dates are *local minutes*: minutes since 1970-01-01 00:00 in the plan's time zone
(``tripod.projects.plan_clock``), so the browser draws days without time-zone arithmetic.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from django.db import connections
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from tripod.core.calendars import calendar_effective_hours
from tripod.core.errors import NotFound
from tripod.projects.access import can_edit_project, can_view_project_internals
from tripod.projects.models import Baseline, BaselineTask, Dependency, Project, Task
from tripod.projects.plan_clock import LOCAL_EPOCH, plan_zone

KIND_CODES = {Task.Kind.TASK: 0, Task.Kind.SUMMARY: 1, Task.Kind.MILESTONE: 2}


class _LocalMinutes:
    """A stored date-time -> local minutes, memoised by the raw value (a plan has few distinct instants: tasks start
    and finish at the same hours of the same days), so each distinct instant is converted once."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._memo: dict[Any, int | None] = {None: None}

    def __call__(self, value: Any) -> int | None:
        try:
            return self._memo[value]
        except KeyError:
            pass
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:  # SQLite and MySQL hand back UTC without a zone
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone(self.zone).replace(tzinfo=None)
        minutes = int((local - LOCAL_EPOCH).total_seconds()) // 60
        self._memo[value] = minutes
        return minutes


def _as_stored(queryset: QuerySet[Any], **fields: str) -> QuerySet[Any]:
    """Annotate date-time ``fields`` (alias=field) so that the driver does not parse them either: SQLite's driver
    parses every declared datetime column; as text they arrive as stored and the memo parses each distinct one."""
    if connections[queryset.db].vendor == "sqlite":
        return queryset.annotate(**{alias: Cast(field, output_field=TextField()) for alias, field in fields.items()})
    return queryset.annotate(**{alias: F(field) for alias, field in fields.items()})


def _raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database driver returns them. Django's per-value converters
    (datetime parsing and making aware, 40,000 calls for a 10,000-task plan) cost more than the query itself; the
    few distinct date-times are converted once each by :class:`_LocalMinutes` instead."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def gantt_baselines(*, user: Any, project: Project) -> list[Baseline]:
    """The project's baselines (newest first) for someone who sees its internals."""
    if not can_view_project_internals(user, project):  # the portal sees the project, never its plan
        raise NotFound(Project._meta.verbose_name)
    return _baselines(project)


def _baselines(project: Project) -> list[Baseline]:
    return list(Baseline.objects.filter(project=project).order_by("-number"))


LATEST = -1
"""``baseline_id`` meaning "the newest baseline, if there is one" (what the chart shows unless told otherwise)."""


def gantt_data(*, user: Any, project: Project, baseline_id: int | None = LATEST) -> dict[str, Any]:
    """Everything the chart draws, as JSON-ready columns (see the module docstring).

    ``tasks`` holds one list per attribute: ``id``, ``parent`` (index of the parent row, -1 for none), ``depth``,
    ``wbs``, ``name``, ``kind`` (0 task, 1 summary, 2 milestone), ``start`` / ``finish`` (local minutes or
    null), ``dur`` (working minutes), ``pct``, ``crit`` (0/1), ``ver`` (version, for optimistic locking),
    ``con`` (constraint type), ``bs`` / ``bf`` (start and finish in the chosen baseline, null when the task is
    not in it). ``baseline_id``: a baseline of the project, ``LATEST`` or None for none (NotFound for another).
    ``links`` are ``[pred index, succ index, type, dependency id]``. Four queries plus the access check's,
    whatever the plan's size.
    """
    if not can_view_project_internals(user, project):  # the portal sees the project, never its plan
        raise NotFound(Project._meta.verbose_name)
    minutes = _LocalMinutes(plan_zone())
    tasks = _as_stored(Task.objects.filter(project=project), start_at="start", finish_at="finish")
    rows = _raw_rows(
        tasks.order_by("position", "pk").values_list(
            # annotations last: the SQL lists them after the plain columns, and the rows are read as the SQL has them
            "pk",
            "parent_id",
            "wbs_code",
            "name",
            "kind",
            "duration_min",
            "percent_complete",
            "critical",
            "version",
            "constraint_type",
            "start_at",
            "finish_at",
        )
    )
    count = len(rows)
    ids, parent_ids, wbs, names, kinds, dur, pct, crits, ver, con, starts, finishes = (
        (list(column) for column in zip(*rows, strict=True)) if rows else ([] for _ in range(12))
    )
    index = {pk: i for i, pk in enumerate(ids)}
    parents = [index.get(parent_id, -1) for parent_id in parent_ids]
    depth = [0] * count
    for i, parent in enumerate(parents):
        if 0 <= parent < i:
            depth[i] = depth[parent] + 1
    if any(parent > i for i, parent in enumerate(parents)):  # a child listed before its parent: the slow way
        _resolve_depths(parents, depth)
    links = [
        [index[pred], index[succ], kind, pk]
        for pk, pred, succ, kind in _raw_rows(
            Dependency.objects.filter(project=project).order_by("pk").values_list("pk", "pred_id", "succ_id", "type")
        )
        if pred in index and succ in index
    ]
    baselines = _baselines(project)
    baseline = _chosen(baselines, baseline_id)
    bs: list[int | None] = [None] * count
    bf: list[int | None] = [None] * count
    if baseline is not None:
        snapshot = _as_stored(BaselineTask.objects.filter(baseline=baseline), start_at="start", finish_at="finish")
        for task_id, b_start, b_finish in _raw_rows(snapshot.values_list("task_id", "start_at", "finish_at")):
            i = index.get(task_id)
            if i is not None:
                bs[i], bf[i] = minutes(b_start), minutes(b_finish)
    return {
        "tasks": {
            "id": ids,
            "parent": parents,
            "depth": depth,
            "wbs": wbs,
            "name": names,
            "kind": [KIND_CODES.get(kind, 0) for kind in kinds],
            "start": [minutes(value) for value in starts],
            "finish": [minutes(value) for value in finishes],
            "dur": dur,
            "pct": pct,
            "crit": [1 if value else 0 for value in crits],
            "ver": ver,
            "con": con,
            "bs": bs,
            "bf": bf,
        },
        "links": links,
        "meta": _meta(user, project, baseline, baselines, minutes),
    }


def _chosen(baselines: list[Baseline], baseline_id: int | None) -> Baseline | None:
    if baseline_id is None:
        return None
    if baseline_id == LATEST:
        return baselines[0] if baselines else None
    for baseline in baselines:
        if baseline.pk == baseline_id:
            return baseline
    raise NotFound(Baseline._meta.verbose_name)


def _resolve_depths(parents: list[int], depth: list[int]) -> None:
    for i in range(len(parents)):
        d, p, seen = 0, parents[i], 0
        while p >= 0 and seen < len(parents):
            d, p, seen = d + 1, parents[p], seen + 1
        depth[i] = d


def _workdays(project: Project) -> list[int]:
    """Weekdays with working time (0 = Monday), for shading the others on the chart."""
    if not project.calendar_id:
        return [0, 1, 2, 3, 4]
    return [day for day, hours in calendar_effective_hours(project.calendar).items() if hours]


def _meta(
    user: Any, project: Project, baseline: Baseline | None, baselines: list[Baseline], minutes: _LocalMinutes
) -> dict[str, Any]:
    editable = can_edit_project(user, project)
    meta: dict[str, Any] = {
        "project": project.pk,
        "editable": editable,
        "today": minutes(timezone.now()),
        "minutesPerDay": project.calendar.minutes_per_day if project.calendar_id else 480,
        "workdays": _workdays(project),
        "baseline": baseline.pk if baseline is not None else None,
        "baselines": [{"id": b.pk, "number": b.number, "label": str(b)} for b in baselines],
        "scheduleError": project.schedule_error,
        "scheduleProgress": project.schedule_progress,
        "dataUrl": reverse("projects:gantt_data", args=[project.pk]),
    }
    if editable:
        meta.update(
            moveUrl=reverse("projects:gantt_move", args=[project.pk]),
            resizeUrl=reverse("projects:gantt_resize", args=[project.pk]),
            linkUrl=reverse("projects:gantt_link", args=[project.pk]),
            unlinkUrl=reverse("projects:gantt_unlink", args=[project.pk]),
        )
    return meta
