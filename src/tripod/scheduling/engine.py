"""Critical path method with Microsoft Project's rules: forward pass, backward pass, slack, critical flag.

Every date is held as a working position (seconds) in the calendar of its task, so a pass over a
network on one calendar is integer arithmetic; a link between tasks on different calendars goes
through the absolute instant (a start converts as the start of the next working period, a finish as
the end of the previous one). Lags are counted in the successor's calendar, as Microsoft Project does.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from tripod.scheduling.calendars import CalendarSet, WorkIndex, from_seconds, to_seconds
from tripod.scheduling.errors import ModelError
from tripod.scheduling.model import ConstraintType, Project, Task, TaskKind
from tripod.scheduling.network import ELAPSED_LAG, Network, build_network
from tripod.scheduling.results import Schedule, TaskSchedule

FS, SS, FF, SF = 0, 1, 2, 3
_NONE = 0
_ASAP, _ALAP, _SNET, _SNLT, _FNET, _FNLT, _MSO, _MFO = range(8)
_CONSTRAINT_CODES = {
    ConstraintType.ASAP: _ASAP,
    ConstraintType.ALAP: _ALAP,
    ConstraintType.SNET: _SNET,
    ConstraintType.SNLT: _SNLT,
    ConstraintType.FNET: _FNET,
    ConstraintType.FNLT: _FNLT,
    ConstraintType.MSO: _MSO,
    ConstraintType.MFO: _MFO,
}
_BIG = 1 << 62


def schedule(project: Project) -> Schedule:
    """Schedule ``project`` and return the dates of every active task; the project is not changed."""
    # The run allocates many small objects and frees none of them in cycles: pausing the cyclic
    # garbage collector saves its repeated scans of the whole plan (a third of the time at 100k tasks).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _Scheduler(project).run()
    finally:
        if paused:
            gc.enable()


@dataclass
class _Driven:
    """A task whose dates come from its resources: (resource calendar, seconds of work at its units)."""

    parts: list[tuple[WorkIndex, int]] = field(default_factory=list)


class _Scheduler:
    """One scheduling run over one project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.cals = CalendarSet(project.calendars, project.start)
        self.pcal = self.cals.index(project.calendar)
        self.names = {t.uid: t.name for t in project.tasks}
        active = [t for t in project.tasks if t.active]
        by_uid: dict[int, Task] = {}
        for task in active:
            if task.uid in by_uid:
                raise ModelError(f"task {task.uid}: uid used twice")
            by_uid[task.uid] = task
        self.by_uid = by_uid
        children: dict[int, list[int]] = {}
        for task in active:
            if task.parent is not None and task.parent in by_uid:
                children.setdefault(task.parent, []).append(task.uid)
        self.children = children
        self.leaves = [t for t in active if t.uid not in children]
        self.summary_uids = [t.uid for t in active if t.uid in children]
        self.leaf_members = self._leaf_members()
        self.start_s = to_seconds(project.start)

    def _leaf_members(self) -> dict[int, list[int]]:
        """Leaf tasks under each summary, found iteratively in outline order."""
        members: dict[int, list[int]] = {}
        for uid in self.summary_uids:
            found: list[int] = []
            stack = list(reversed(self.children[uid]))
            while stack:
                current = stack.pop()
                kids = self.children.get(current)
                if kids is None:
                    found.append(current)
                else:
                    stack.extend(reversed(kids))
            members[uid] = found
        return members

    # ------------------------------------------------------------------ preparation

    def _prepare(self) -> None:
        project = self.project
        leaves = self.leaves
        n = len(leaves)
        resources = {r.uid: r for r in project.resources}
        self.driven: dict[int, _Driven] = {}
        assignments_by_task: dict[int, list[tuple[int, float, float, bool]]] = {}
        for a in project.assignments:
            res = resources.get(a.resource)
            if res is None or not res.work or a.units <= 0:
                continue
            cal_uid = res.calendar if res.calendar is not None else project.calendar
            assignments_by_task.setdefault(a.task, []).append((cal_uid, a.units, a.work, a.contoured))
        pcal = self.pcal
        # Every task starts as the common one (project calendar, no progress, ASAP); the others
        # are then set one by one.
        self.cal: list[WorkIndex] = [pcal] * n
        self.dur: list[int] = [round(t.duration * 60) if t.duration > 0 else 0 for t in leaves]
        self.rem: list[int] = list(self.dur)
        self.done: list[int] = [0] * n
        self.kind: list[int] = [_ASAP] * n
        self.cpos: list[int] = [0] * n
        self.cinst: list[int] = [0] * n
        self.milestone: list[bool] = [False] * n
        self.manual: list[bool] = [False] * n
        self.started: list[bool] = [False] * n
        self.finished: list[bool] = [False] * n
        durations: dict[int, int] = {t.uid: d for t, d in zip(leaves, self.dur, strict=True)}
        plain_kind, asap = TaskKind.TASK, ConstraintType.ASAP
        special = [
            i
            for i, t in enumerate(leaves)
            if not (
                t.duration > 0
                and t.kind is plain_kind
                and t.constraint is asap
                and t.calendar is None
                and not t.elapsed
                and t.actual_start is None
                and t.actual_finish is None
                and not t.manual
                and not t.splits
                and t.uid not in assignments_by_task
            )
        ]
        for i in special:
            self._prepare_task(i, leaves[i], durations, assignments_by_task.get(leaves[i].uid))
        for uid in self.summary_uids:
            durations[uid] = max(0, round(self.by_uid[uid].duration * 60))
        self.net: Network = build_network(leaves, self.leaf_members, project.links, durations, self.names)
        # A plain task is scheduled by its links alone: no progress, manual dates, resources, date
        # constraint, milestone instant, status date or summary link above it.
        ancestors = self.net.ancestors
        no_status = project.status_date is None
        self.plain = [
            no_status
            and not self.started[i]
            and not self.manual[i]
            and not self.milestone[i]
            and self.kind[i] <= _ALAP
            and i not in self.driven
            and i not in ancestors
            for i in range(n)
        ]
        size = len(self.net.uids)
        self.node_cal = self.cal + [self.pcal] * (size - n)
        self.es = [0] * size
        self.ef = [0] * size
        self.ls = [0] * size
        self.lf = [0] * size
        self.lsc = [0] * size
        self.alap_pass = False
        self.minst: dict[int, int] = {}
        self.finst: dict[int, int] = {}

    def _prepare_task(
        self,
        i: int,
        task: Task,
        durations: dict[int, int],
        parts: list[tuple[int, float, float, bool]] | None,
    ) -> None:
        """Calendar, duration, progress and constraint of a task that is not the common one."""
        project = self.project
        cals = self.cals
        cal: WorkIndex
        if task.elapsed:
            cal = cals.elapsed
        else:
            cal = cals.index(task.calendar if task.calendar is not None else project.calendar)
        dur = max(0, round(task.duration * 60))
        if task.is_milestone:
            dur = 0
        durations[task.uid] = dur
        dur += round(sum(gap for _, gap in task.splits) * 60)
        self.cal[i] = cal
        self.dur[i] = dur
        started = task.actual_start is not None or task.actual_finish is not None
        finished = task.actual_finish is not None
        done = round(dur * min(100.0, max(0.0, task.percent_complete)) / 100.0) if started else 0
        self.done[i] = done
        self.rem[i] = dur - done if started and not finished else (0 if finished else dur)
        self.started[i] = started
        self.finished[i] = finished
        self.milestone[i] = task.is_milestone or (dur == 0 and task.kind is not TaskKind.SUMMARY)
        self.manual[i] = task.manual and task.start is not None and task.finish is not None
        code = _CONSTRAINT_CODES[task.constraint]
        if code not in (_ASAP, _ALAP) and task.constraint_date is None:
            raise ModelError(f"task {task.uid}: constraint {task.constraint} needs a date")
        self.kind[i] = code
        cinst = to_seconds(task.constraint_date) if task.constraint_date is not None else 0
        self.cinst[i] = cinst
        self.cpos[i] = cal.index(cinst) if task.constraint_date is not None else 0
        if (
            parts
            and task.calendar is None
            and not task.fixed_duration
            and not task.elapsed
            and not started
            and not self.manual[i]
        ):
            # A task on its own calendar follows that calendar (Project intersects it with the
            # resources' calendars; with the same hours the dates are the same).
            d = _Driven()
            for cal_uid, units, work, contoured in parts:
                seconds = dur if contoured else round(work * 60 / units)
                d.parts.append((cals.index(cal_uid), seconds))
            self.driven[i] = d

    # ------------------------------------------------------------------ forward pass

    def _forward(self) -> None:
        net = self.net
        n = net.leaves
        es, ef, ls, lf = self.es, self.ef, self.ls, self.lf
        cal = self.node_cal
        dur = self.dur
        kind, cpos = self.kind, self.cpos
        preds = net.preds
        honor = self.project.honor_constraints
        start_s = self.start_s
        leaves = self.leaves
        alap = self.alap_pass
        status = to_seconds(self.project.status_date) if self.project.status_date is not None else None
        start_pos: dict[int, int] = {}
        minst, finst = self.minst, self.finst
        minst.clear()
        finst.clear()
        plain = self.plain
        pcal = self.pcal
        sp_p = pcal.index(start_s)
        for node in net.order:
            if node < n and plain[node] and not alap:
                # The common task (see _prepare): only its links, in one calendar, decide.
                c = cal[node]
                d = dur[node]
                sp = sp_p if c is pcal else self._position(c, start_s, start_pos)
                e = sp
                p_edges = preds[node]
                if p_edges:
                    e = -_BIG
                    for p, code, lk, lag in p_edges:
                        if lk or cal[p] is not c:
                            v = self._early_bound(p, code, lk, lag, c, d, False)
                            if code == FF and v < sp:
                                v = sp
                        elif code == FS:
                            v = ef[p] + lag
                        elif code == SS:
                            v = es[p] + lag
                        elif code == FF:
                            v = ef[p] - d + lag
                            if v < sp:
                                v = sp
                        else:
                            v = es[p] - d + lag
                        if v > e:
                            e = v
                es[node] = e
                ef[node] = e + d
                continue
            if node >= n:
                self._roll_up_node(node, alap)
                continue
            c = cal[node]
            task = leaves[node]
            if self.manual[node]:
                es[node] = c.index(to_seconds(task.start))  # type: ignore[arg-type]
                ef[node] = c.index(to_seconds(task.finish))  # type: ignore[arg-type]
                continue
            if task.actual_start is not None or task.actual_finish is not None:
                self._forward_progress(node, task, c, status)
                continue
            d = dur[node]
            k = kind[node]
            sp = self._position(c, start_s, start_pos)
            p_edges = preds[node]
            if p_edges:
                best = -_BIG
                for p, code, lk, lag in p_edges:
                    late = alap and p < n and kind[p] == _ALAP and kind[node] != _ALAP
                    if cal[p] is not c or lk == ELAPSED_LAG:
                        v = self._early_bound(p, code, lk, lag, c, d, late)
                    elif code == FS:
                        v = (lf[p] if late else ef[p]) + lag
                    elif code == SS:
                        v = (ls[p] if late else es[p]) + lag
                    elif code == FF:
                        v = (lf[p] if late else ef[p]) - d + lag
                    else:
                        v = (ls[p] if late else es[p]) - d + lag
                    if code == FF and v < sp:
                        v = sp
                    if v > best:
                        best = v
                e = best
            elif k == _SNET:
                e = cpos[node]
            elif k == _FNET:
                e = cpos[node] - d
            else:
                e = sp
            if k > _ALAP:
                e = _early_start_constraint(k, e, cpos[node], d, honor)
            if status is not None:
                st = c.index(status)
                if e < st:
                    e = st
            if node in self.driven:
                self._forward_driven(node, e)
                continue
            es[node] = e
            ef[node] = e + d
            if d == 0 and self.milestone[node]:
                minst[node] = finst[node] = self._milestone_instant(node, e, c, sp)
            elif (k == _MFO or (k == _FNET and not p_edges)) and e + d == cpos[node]:
                # The finish is the constraint date itself, even when that is not working time.
                finst[node] = self.cinst[node]

    @staticmethod
    def _position(c: WorkIndex, instant: int, cache: dict[int, int]) -> int:
        """Working position of ``instant`` in ``c``, cached per calendar."""
        pos = cache.get(id(c))
        if pos is None:
            pos = cache[id(c)] = c.index(instant)
        return pos

    def _roll_up_node(self, node: int, alap: bool) -> None:
        """Dates of a summary with outgoing links: its earliest start and latest finish, as instants too."""
        cal, es, ef, ls, lf, kind = self.node_cal, self.es, self.ef, self.ls, self.lf, self.kind
        first: int | None = None
        last: int | None = None
        for m in self.net.members[node]:
            cm = cal[m]
            if alap and kind[m] == _ALAP:
                si = cm.finish_at(ls[m]) if self.milestone[m] else cm.start_at(ls[m])
                fi = cm.finish_at(lf[m])
            else:
                si = self.minst.get(m) or cm.start_at(es[m])
                fi = self.finst.get(m) or cm.finish_at(ef[m])
            if first is None or si < first:
                first = si
            if last is None or fi > last:
                last = fi
        c = cal[node]
        if first is None or last is None:
            return
        es[node], ef[node] = c.index(first), c.index(last)
        self.minst[node], self.finst[node] = first, last

    def _early_bound(self, p: int, code: int, lk: int, lag: int, c: WorkIndex, d: int, late: bool) -> int:
        """Earliest start a link allows when the calendars differ or the lag is elapsed.

        Dates go through their instants: a finish as the end of a working period, a start as the
        beginning of one, a milestone or a finish fixed by a constraint at its exact instant. For
        FF and SF links the successor's duration comes off before the lag is added, as in Project.
        """
        cp = self.node_cal[p]
        if late:
            # An ALAP predecessor drives its successors from its late dates (ends of periods).
            start_i = cp.finish_at(self.ls[p]) if self.milestone[p] else cp.start_at(self.ls[p])
            finish_i = cp.finish_at(self.lf[p])
        else:
            start_i = self.minst.get(p) or cp.start_at(self.es[p])
            finish_i = self.finst.get(p) or cp.finish_at(self.ef[p])
        t = finish_i if code in (FS, FF) else start_i
        if code in (FS, SS):
            return c.index(t + lag) if lk == ELAPSED_LAG else c.index(t) + lag
        if lk == ELAPSED_LAG:
            return c.index((c.start_at(c.index(t) - d) if d else t) + lag)
        return c.index(t) - d + lag

    def _milestone_instant(self, node: int, e: int, c: WorkIndex, sp: int) -> int:
        """The instant of a milestone: its latest driving date, kept when it ends a working period.

        Microsoft Project shows a milestone that follows a task at that task's finish (17:00), not at
        the next morning; the instant matters for elapsed lags and other calendars.
        """
        es, ef, cal, minst, finst = self.es, self.ef, self.node_cal, self.minst, self.finst
        best: int | None = None
        n, kind = self.net.leaves, self.kind
        for p, code, lk, lag in self.net.preds[node]:
            cp = cal[p]
            finish = code in (FS, FF)
            if self.alap_pass and p < n and kind[p] == _ALAP and kind[node] != _ALAP:
                late_start = cp.finish_at(self.ls[p]) if self.milestone[p] else cp.start_at(self.ls[p])
                base = cp.finish_at(self.lf[p]) if finish else late_start
            else:
                base = (finst.get(p) or cp.finish_at(ef[p])) if finish else (minst.get(p) or cp.start_at(es[p]))
            if lk == ELAPSED_LAG:
                t = base + lag
            elif lag:
                t = _moved(c, c.index(base), lag)
            else:
                t = base
            if best is None or t > best:
                best = t
        if best is None or c.index(best) != e:
            best = c.start_at(e) if e == sp or self.kind[node] in (_SNET, _SNLT, _MSO) else c.finish_at(e)
        start = c.start_at(e)
        return best if best == c.finish_at(e) else start

    def _forward_progress(self, node: int, task: Task, c: WorkIndex, status: int | None) -> None:
        """A started task: completed work stays; the rest follows the actual start (or the status date)."""
        if task.actual_start is not None:
            e = c.index(to_seconds(task.actual_start))
        else:
            e = c.index(to_seconds(task.actual_finish)) - self.dur[node]  # type: ignore[arg-type]
        self.es[node] = e
        if task.actual_finish is not None:
            self.ef[node] = c.index(to_seconds(task.actual_finish))
            return
        resume = e + self.done[node]
        if status is not None:
            st = c.index(status)
            if resume < st:
                resume = st
        f = resume + self.rem[node]
        if self.kind[node] == _FNET and f < self.cpos[node]:
            f = self.cpos[node]
        self.ef[node] = f

    def _forward_driven(self, node: int, e: int) -> None:
        """A resource-driven task: it starts when its first resource can and ends when the last one is done."""
        c = self.node_cal[node]
        t = c.start_at(e)
        start = min(rc.start_at(rc.index(t)) for rc, _ in self.driven[node].parts)
        finish = max(rc.finish_at(rc.index(start) + sec) for rc, sec in self.driven[node].parts)
        self.es[node] = c.index(start)
        self.ef[node] = c.index(finish)

    # ------------------------------------------------------------------ backward pass

    def _project_finish(self) -> int:
        """The latest early finish, as an instant."""
        n = self.net.leaves
        if n == 0:
            return self.start_s
        finst, cal, ef = self.finst, self.cal, self.ef
        latest: dict[int, tuple[WorkIndex, int]] = {}
        for c, pos in zip(cal, ef, strict=False):
            known = latest.get(id(c))
            if known is None or pos > known[1]:
                latest[id(c)] = (c, pos)
        instants = [c.finish_at(pos) for c, pos in latest.values()]
        instants.extend(finst[i] for i in finst if i < n)
        return max(instants)

    def _backward(self, finish_s: int) -> None:
        net = self.net
        n = net.leaves
        es, ef, ls, lf, lsc = self.es, self.ef, self.ls, self.lf, self.lsc
        cal = self.node_cal
        dur, rem = self.dur, self.rem
        kind, cpos = self.kind, self.cpos
        succs = net.succs
        finished = self.finished
        manual = self.manual
        ancestors = net.ancestors
        earliest: dict[int, int] = {}
        for node, members in net.members.items():
            # Compared as instants: the tasks under a summary may be on different calendars.
            earliest[node] = min(members, key=lambda m: self.minst.get(m) or cal[m].start_at(es[m]))
        finish_pos: dict[int, int] = {}
        plain = self.plain
        pcal = self.pcal
        pf_p = pcal.index(finish_s)
        for node in reversed(net.order):
            if node < n and plain[node]:
                c = cal[node]
                d = dur[node]
                best = pf_p if c is pcal else self._position(c, finish_s, finish_pos)
                pf = best
                for s, code, lk, lag in succs[node]:
                    if finished[s]:
                        continue
                    if lk or cal[s] is not c:
                        v = self._late_bound(node, s, code, lk, lag, c)
                        if v > pf:
                            v = pf
                    elif code == FS:
                        v = lsc[s] - lag
                    elif code == FF:
                        v = lf[s] - lag
                    elif code == SS:
                        v = lsc[s] - lag + d
                    else:
                        v = lf[s] - lag + d
                    if v < best:
                        best = v
                lf[node] = best
                ls[node] = lsc[node] = best - d
                continue
            c = cal[node]
            pf = self._position(c, finish_s, finish_pos)
            if node >= n:
                continue  # a summary's links are applied to the tasks under it, below
            if finished[node]:
                ls[node] = lsc[node] = es[node]
                lf[node] = ef[node]
                continue
            d = dur[node]
            best = _BIG
            any_succ = False
            is_manual = manual[node]
            for s, code, lk, lag in succs[node]:
                if finished[s]:
                    continue
                any_succ = True
                if is_manual and (code in (SS, SF)):
                    v = pf
                else:
                    v = (
                        self._late_bound(node, s, code, lk, lag, c)
                        if cal[s] is not c or lk == ELAPSED_LAG
                        else _same_cal_bound(code, lsc[s], lf[s], lag, d)
                    )
                if v > pf:
                    v = pf
                if v < best:
                    best = v
            ups = ancestors.get(node)
            if ups:
                # A link from a summary binds every task under it (finish links) or the one that
                # starts first (start links), as if it came from that task.
                for up in ups:
                    first = earliest[up] == node
                    for s, code, lk, lag in succs[up]:
                        if finished[s] or (code in (SS, SF) and not first):
                            continue
                        any_succ = True
                        if is_manual and code in (SS, SF):
                            v = pf
                        elif cal[s] is not c or lk == ELAPSED_LAG:
                            v = self._late_bound(node, s, code, lk, lag, c)
                        else:
                            v = _same_cal_bound(code, lsc[s], lf[s], lag, d)
                        if v > pf:
                            v = pf
                        if v < best:
                            best = v
            f = best if any_succ else pf
            if self.milestone[node] and self.started[node]:
                f = es[node]
            k = kind[node]
            if k > _ALAP:
                f = _late_finish_constraint(k, f, cpos[node], d)
            lf[node] = f
            driven = node in self.driven
            start = self._late_start_driven(node, f) if driven else f - (d if manual[node] else rem[node])
            lsc[node] = start
            ls[node] = es[node] if self.started[node] else start

    def _late_bound(self, node: int, s: int, code: int, lk: int, lag: int, c: WorkIndex) -> int:
        """Latest finish (or, for a summary node, latest start / finish) that the link to ``s`` allows."""
        cs = self.node_cal[s]
        if code == SS and node < self.net.leaves:
            # The successor's late start moves to the next working time of the predecessor's
            # calendar before the lag comes off (as MPXJ's MicrosoftScheduler does).
            at = cs.finish_at if self.milestone[s] else cs.start_at
            t0 = c.start_at(c.index(at(self.lsc[s])))
            moved = _moved(cs, cs.index(t0), -lag) if lag else t0
            instant = t0 - lag if lk == ELAPSED_LAG else moved
        elif code in (FS, SS):
            base = self.lsc[s]
            # A milestone's late date is the end of a working period (Project shows 17:00).
            if lk == ELAPSED_LAG:
                instant = (cs.finish_at if self.milestone[s] else cs.start_at)(base) - lag
            else:
                instant = _moved(cs, base, -lag) if lag else (cs.finish_at if self.milestone[s] else cs.start_at)(base)
        else:
            base = self.lf[s]
            if code == SF and node < self.net.leaves:
                # As in the forward pass: the predecessor's duration first (its calendar), then the
                # lag (the successor's calendar).
                t1 = cs.finish_at(base)
                if self.dur[node]:
                    t1 = c.finish_at(c.index(t1) + self.dur[node])
                if lk == ELAPSED_LAG:
                    return c.index(t1 - lag)
                return c.index(_moved(cs, cs.index(t1), -lag) if lag else t1)
            if lk == ELAPSED_LAG:
                instant = cs.finish_at(base) - lag
            else:
                # Taking a lag off lands on a start (the next working period), as in MPXJ.
                instant = _moved(cs, base, -lag) if lag else cs.finish_at(base)
        pos = c.index(instant)
        if code in (SS, SF) and node < self.net.leaves:
            pos += self.dur[node]
        return pos

    def _late_start_driven(self, node: int, f: int) -> int:
        c = self.node_cal[node]
        t = c.start_at(f)
        start = min(rc.start_at(rc.index(t) - sec) for rc, sec in self.driven[node].parts)
        return c.index(start)

    # ------------------------------------------------------------------ results

    def run(self) -> Schedule:
        """Forward pass, backward pass, then the ALAP pass when a task needs it."""
        self._prepare()
        project = self.project
        self._forward()
        finish_s = self._project_finish()
        if not project.schedule_from_start and project.finish is not None:
            # Scheduled from the finish: the late dates come from the fixed finish, and the start
            # of the project is the earliest late start.
            finish_s = to_seconds(project.finish)
            self._backward(finish_s)
            n = self.net.leaves
            if n:
                self.start_s = min(self.cal[i].start_at(self.ls[i]) for i in range(n))
            self._forward()
            finish_s = max(finish_s, self._project_finish())
        self._backward(finish_s)
        if any(k == _ALAP for k in self.kind):
            self.alap_pass = True
            self._forward()
        return self._results(finish_s)

    def _results(self, finish_s: int) -> Schedule:
        """Dates, slack and critical flag per task, then the summaries rolled up."""
        n = self.net.leaves
        es, ef, ls, lf = self.es, self.ef, self.ls, self.lf
        cal, kind, started, finished = self.cal, self.kind, self.started, self.finished
        limit = self.project.critical_slack_limit * 60
        from_start = self.project.schedule_from_start
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

        pcal = self.pcal
        special = set(self.minst)
        special.update(i for i in range(n) if self.manual[i] or started[i] or kind[i] != _ASAP)
        plain_ok = from_start
        pstart: dict[int, datetime] = {}
        pfinish: dict[int, datetime] = {}
        succs = self.net.succs
        node_cal = self.node_cal
        need_tops = bool(self.summary_uids)
        leaves = self.leaves
        for i in range(n):
            task = leaves[i]
            c = cal[i]
            if plain_ok and c is pcal and i not in special:
                # The common task: on the project calendar, not started, ASAP.
                e0, e1, l0, l1 = es[i], ef[i], ls[i], lf[i]
                a, b = l0 - e0, l1 - e1
                total = a if a < b else b
                best = total
                for s, code, lk, lag in succs[i]:
                    if node_cal[s] is c and lk != ELAPSED_LAG and not finished[s]:
                        gap = (es[s] if code < FF else ef[s]) - lag - (e1 if code in (FS, FF) else e0)
                        if gap < best:
                            best = gap
                    else:
                        best = min(best, self._free_slack(i, total))
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
            alap = kind[i] == _ALAP
            if alap:
                total = 0
            elif started[i]:
                total = lf[i] - ef[i]
            else:
                a, b = ls[i] - es[i], lf[i] - ef[i]
                total = a if a < b else b
            critical = not finished[i] and total <= limit
            free = self._free_slack(i, total)
            e_s, l_s = start_at(c, es[i]), start_at(c, ls[i])
            e_f, l_f = finish_at(c, ef[i]), finish_at(c, lf[i])
            if i in self.minst:
                e_s = e_f = self.minst[i]
                l_s = l_f
            if self.manual[i]:
                e_s, e_f = to_seconds(task.start), to_seconds(task.finish)  # type: ignore[arg-type]
            if task.actual_start is not None:
                e_s = l_s = to_seconds(task.actual_start)
            if task.actual_finish is not None:
                e_f = l_f = to_seconds(task.actual_finish)
            start, finish = (l_s, l_f) if alap or not from_start else (e_s, e_f)
            if self.manual[i] or task.actual_start is not None:
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
        self._roll_up(tops, rows, limit)
        if len(rows) != len(self.project.tasks):
            rows = {t.uid: rows[t.uid] for t in self.project.tasks if t.uid in rows}
        elif self.summary_uids:
            rows = {t.uid: rows[t.uid] for t in self.project.tasks}
        return Schedule(start=from_seconds(self.start_s), finish=from_seconds(finish_s), tasks=rows)

    def _free_slack(self, i: int, total: int) -> int:
        """Slack before any successor moves, never above total slack nor below zero."""
        if self.finished[i]:
            return 0
        best = total
        c = self.cal[i]
        es, ef = self.es, self.ef
        for s, code, lk, lag in self.net.succs[i]:
            if self.finished[s]:
                continue
            cs = self.node_cal[s]
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

    def _roll_up(
        self, tops: dict[int, tuple[int, int, int, int, bool]], rows: dict[int, TaskSchedule], limit: float
    ) -> None:
        """Summary dates from their children, deepest summaries first."""
        depth: dict[int, int] = {}
        for uid in self.summary_uids:
            d, current = 0, self.by_uid[uid].parent
            while current is not None and current in self.by_uid:
                d += 1
                current = self.by_uid[current].parent
            depth[uid] = d
        for uid in sorted(self.summary_uids, key=lambda u: -depth[u]):
            task = self.by_uid[uid]
            kids = [tops[k] for k in self.children[uid] if k in tops]
            if not kids:
                continue
            present = [k for k in self.children[uid] if k in tops]
            manual = {k for k in present if self.by_uid[k].manual}
            # An ALAP task is scheduled at its late dates, and the summary spans what is scheduled.
            alap = {k for k in present if self.by_uid[k].constraint is ConstraintType.ALAP}
            e_s = min(tops[k][2] if k in alap else tops[k][0] for k in present)
            e_f = max(tops[k][3] if k in alap else tops[k][1] for k in present)
            l_s = min(tops[k][0] if k in manual else tops[k][2] for k in present)
            l_f = max(tops[k][1] if k in manual else tops[k][3] for k in present)
            c = self.cals.index(task.calendar) if task.calendar is not None else self.pcal
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
                free_slack=total / 60,
                critical=critical,
                summary=True,
            )


def _moved(cal: WorkIndex, pos: int, amount: int) -> int:
    """The instant ``amount`` working seconds from ``pos``: moving forward ends at the end of a working
    period (17:00), moving back at the start of one (08:00), as Microsoft Project's date arithmetic does."""
    return cal.finish_at(pos + amount) if amount > 0 else cal.start_at(pos + amount)


def _early_start_constraint(kind: int, start: int, date: int, duration: int, honor: bool) -> int:
    """Early start after a constraint; with ``honor`` the SNLT / FNLT / MSO / MFO dates beat the links."""
    if kind == _SNET:
        return max(start, date)
    if kind == _FNET:
        return max(start, date - duration)
    if kind == _SNLT:
        return min(start, date) if honor else start
    if kind == _FNLT:
        return min(start, date - duration) if honor else start
    if kind == _MSO:
        return date if honor else max(start, date)
    if kind == _MFO:
        return date - duration if honor else max(start, date - duration)
    return start


def _late_finish_constraint(kind: int, finish: int, date: int, duration: int) -> int:
    """Late finish after a constraint: the "must" dates fix it, the "no later than" dates cap it."""
    if kind == _MSO:
        return date + duration
    if kind == _MFO:
        return date
    if kind == _SNLT:
        return min(finish, date + duration)
    if kind == _FNLT:
        return min(finish, date)
    return finish


def _same_cal_bound(code: int, succ_ls: int, succ_lf: int, lag: int, pred_dur: int) -> int:
    """Latest finish of a predecessor on the successor's calendar (the hot path)."""
    if code == FS:
        return succ_ls - lag
    if code == FF:
        return succ_lf - lag
    if code == SS:
        return succ_ls - lag + pred_dur
    return succ_lf - lag + pred_dur


def working_minutes(calendars: CalendarSet, uid: int, start: datetime, finish: datetime) -> float:
    """Working minutes between two instants in calendar ``uid`` (helper for callers and tests)."""
    return calendars.working_seconds(uid, start, finish) / 60


def iter_critical(schedule_: Schedule) -> Iterable[TaskSchedule]:
    """The critical tasks of a schedule, in outline order."""
    return (t for t in schedule_.tasks.values() if t.critical and not t.summary)
