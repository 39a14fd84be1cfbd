"""From a finished run to a :class:`Schedule`: date-times, total and free slack, critical flags, summaries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tripod.scheduling.calendars import WorkIndex, from_seconds, to_seconds
from tripod.scheduling.codes import ALAP, ASAP, ELAPSED_LAG, FF, FS, UNKNOWN_GAP
from tripod.scheduling.model import ConstraintType
from tripod.scheduling.results import Schedule, TaskSchedule

if TYPE_CHECKING:
    from tripod.scheduling.engine import SchedulingRun


def build_schedule(run: SchedulingRun, finish_s: int) -> Schedule:
    """Dates, slack and critical flag per task, then the summaries rolled up."""
    n = run.net.leaves
    es, ef, ls, lf = run.es, run.ef, run.ls, run.lf
    cal, kind, started, finished = run.cal, run.kind, run.started, run.finished
    limit = run.project.critical_slack_limit * 60
    from_start = run.project.schedule_from_start
    rows: dict[int, TaskSchedule] = {}
    tops: dict[int, tuple[int, int, int, int, bool]] = {}
    moments: dict[int, datetime] = {}
    starts: dict[tuple[int, int], int] = {}
    finishes: dict[tuple[int, int], int] = {}

    def moment(seconds: int) -> datetime:
        value = moments.get(seconds)
        if value is None:
            value = moments[seconds] = from_seconds(seconds)
        return value

    def start_at(c: WorkIndex, pos: int) -> int:
        key = (id(c), pos)
        value = starts.get(key)
        if value is None:
            value = starts[key] = c.start_at(pos)
        return value

    def finish_at(c: WorkIndex, pos: int) -> int:
        key = (id(c), pos)
        value = finishes.get(key)
        if value is None:
            value = finishes[key] = c.finish_at(pos)
        return value

    pcal = run.pcal
    special = set(run.minst)
    special.update(i for i in range(n) if run.manual[i] or started[i] or kind[i] != ASAP)
    plain_ok = from_start
    pstart: dict[int, datetime] = {}
    pfinish: dict[int, datetime] = {}
    free_gap = run.free_gap
    need_tops = bool(run.summary_uids)
    leaves = run.leaves
    for i in range(n):
        task = leaves[i]
        c = cal[i]
        if plain_ok and c is pcal and i not in special:
            # The common task: on the project calendar, not started, ASAP.
            e0, e1, l0, l1 = es[i], ef[i], ls[i], lf[i]
            a, b = l0 - e0, l1 - e1
            total = a if a < b else b
            best = free_gap[i]
            if best == UNKNOWN_GAP:
                best = free_slack(run, i, total)
            elif best > total:
                best = total
            d0 = pstart.get(e0)
            if d0 is None:
                d0 = pstart[e0] = moment(pcal.start_at(e0))
            d1 = pfinish.get(e1)
            if d1 is None:
                d1 = pfinish[e1] = moment(pcal.finish_at(e1))
            d2 = pstart.get(l0)
            if d2 is None:
                d2 = pstart[l0] = moment(pcal.start_at(l0))
            d3 = pfinish.get(l1)
            if d3 is None:
                d3 = pfinish[l1] = moment(pcal.finish_at(l1))
            critical = total <= limit
            rows[task.uid] = TaskSchedule(
                task.uid, task.name, d0, d1, d2, d3, d0, d1, total / 60, (best if best > 0 else 0) / 60, critical
            )
            if need_tops:
                tops[task.uid] = (to_seconds(d0), to_seconds(d1), to_seconds(d2), to_seconds(d3), critical)
            continue
        alap = kind[i] == ALAP
        if alap:
            total = 0
        elif started[i]:
            total = lf[i] - ef[i]
        else:
            a, b = ls[i] - es[i], lf[i] - ef[i]
            total = a if a < b else b
        critical = not finished[i] and total <= limit
        free = free_slack(run, i, total)
        e_s, l_s = start_at(c, es[i]), start_at(c, ls[i])
        e_f, l_f = finish_at(c, ef[i]), finish_at(c, lf[i])
        if i in run.minst:
            e_s = e_f = run.minst[i]
            l_s = l_f
        if run.manual[i]:
            e_s, e_f = to_seconds(task.start), to_seconds(task.finish)  # type: ignore[arg-type]
        if task.actual_start is not None:
            e_s = l_s = to_seconds(task.actual_start)
        if task.actual_finish is not None:
            e_f = l_f = to_seconds(task.actual_finish)
        start, finish = (l_s, l_f) if alap or not from_start else (e_s, e_f)
        if run.manual[i] or task.actual_start is not None:
            start = e_s
        tops[task.uid] = (e_s, e_f, l_s, l_f, critical)
        rows[task.uid] = TaskSchedule(
            task.uid,
            task.name,
            moment(e_s),
            moment(e_f),
            moment(l_s),
            moment(l_f),
            moment(start),
            moment(finish),
            total / 60,
            free / 60,
            critical,
        )
    roll_up(run, tops, rows, limit)
    if len(rows) != len(run.project.tasks):
        rows = {t.uid: rows[t.uid] for t in run.project.tasks if t.uid in rows}
    elif run.summary_uids:
        rows = {t.uid: rows[t.uid] for t in run.project.tasks}
    return Schedule(start=from_seconds(run.start_s), finish=from_seconds(finish_s), tasks=rows)


def free_slack(run: SchedulingRun, i: int, total: int) -> int:
    """Slack before any successor moves, never above total slack nor below zero."""
    if run.finished[i]:
        return 0
    best = total
    c = run.cal[i]
    es, ef = run.es, run.ef
    for s, code, lk, lag in run.net.succs[i]:
        if run.finished[s]:
            continue
        cs = run.node_cal[s]
        target = es[s] if code < FF else ef[s]
        mine = ef[i] if code in (FS, FF) else es[i]
        if cs is c and lk != ELAPSED_LAG:
            gap = target - lag - mine
        else:
            instant = cs.start_at(target) - lag if lk == ELAPSED_LAG else cs.start_at(target - lag)
            gap = c.index(instant) - mine
        if gap < best:
            best = gap
    return best if best > 0 else 0


def roll_up(
    run: SchedulingRun, tops: dict[int, tuple[int, int, int, int, bool]], rows: dict[int, TaskSchedule], limit: float
) -> None:
    """Summary dates from their children, deepest summaries first."""
    depth = run.depth
    for uid in sorted(run.summary_uids, key=lambda u: -depth[u]):
        task = run.by_uid[uid]
        kids = [tops[k] for k in run.children[uid] if k in tops]
        if not kids:
            continue
        present = [k for k in run.children[uid] if k in tops]
        manual = {k for k in present if run.by_uid[k].manual}
        # An ALAP task is scheduled at its late dates, and the summary spans what is scheduled.
        alap = {k for k in present if run.by_uid[k].constraint is ConstraintType.ALAP}
        e_s = min(tops[k][2] if k in alap else tops[k][0] for k in present)
        e_f = max(tops[k][3] if k in alap else tops[k][1] for k in present)
        l_s = min(tops[k][0] if k in manual else tops[k][2] for k in present)
        l_f = max(tops[k][1] if k in manual else tops[k][3] for k in present)
        c = run.cals.index(task.calendar) if task.calendar is not None else run.pcal
        total = min(c.index(l_s) - c.index(e_s), c.index(l_f) - c.index(e_f))
        critical = total <= limit
        tops[uid] = (e_s, e_f, l_s, l_f, critical)
        rows[uid] = TaskSchedule(
            uid=uid,
            name=task.name,
            early_start=from_seconds(e_s),
            early_finish=from_seconds(e_f),
            late_start=from_seconds(l_s),
            late_finish=from_seconds(l_f),
            start=from_seconds(e_s),
            finish=from_seconds(e_f),
            total_slack=total / 60,
            free_slack=max(total, 0) / 60,
            critical=critical,
            summary=True,
        )
