"""Critical path method with Microsoft Project's rules: forward pass, backward pass, slack, critical flag.

Every date is held as a working position (seconds) in the calendar of its task, so a pass over a
network on one calendar is integer arithmetic; a link between tasks on different calendars goes
through the absolute instant (a start converts as the start of the next working period, a finish as
the end of the previous one). Lags are counted in the successor's calendar, as Microsoft Project does.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

from tripod.scheduling.calendars import CalendarSet, WorkIndex, to_seconds
from tripod.scheduling.codes import (
    ALAP,
    ASAP,
    BIG,
    CONSTRAINT_CODES,
    ELAPSED_LAG,
    FF,
    FNET,
    FNLT,
    FS,
    MFO,
    MSO,
    SF,
    SNET,
    SNLT,
    SS,
    UNKNOWN_GAP,
)
from tripod.scheduling.errors import ModelError
from tripod.scheduling.model import ConstraintType, Project, Task, TaskKind
from tripod.scheduling.network import Network, build_network
from tripod.scheduling.report import build_schedule
from tripod.scheduling.results import Schedule


def schedule(project: Project) -> Schedule:
    """Schedule ``project`` and return the dates of every active task; the project is not changed."""
    # The run allocates many small objects and frees none of them in cycles: pausing the cyclic
    # garbage collector saves its repeated scans of the whole plan (a third of the time at 100k tasks).
    paused = gc.isenabled()
    gc.disable()
    try:
        return SchedulingRun(project).run()
    finally:
        if paused:
            gc.enable()


@dataclass
class _Driven:
    """A task whose dates come from its resources: (resource calendar, seconds of work at its units)."""

    parts: list[tuple[WorkIndex, int]] = field(default_factory=list)


class SchedulingRun:
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
        self.depth = self._depths()
        self.leaves = [t for t in active if t.uid not in children]
        self.summary_uids = [t.uid for t in active if t.uid in children]
        self.leaf_members = self._leaf_members()
        self.start_s = to_seconds(project.start)

    def _depths(self) -> dict[int, int]:
        """Outline depth of every active task; a loop of parents is an error."""
        by_uid = self.by_uid
        depth: dict[int, int] = {}
        for uid, task in by_uid.items():
            if task.parent is None or task.parent not in by_uid:
                depth[uid] = 0
                continue
            chain: list[int] = []
            seen: set[int] = set()
            current: int | None = uid
            while current is not None and current in by_uid and current not in depth:
                if current in seen:
                    raise ModelError(f"task {current}: its summary tasks form a loop")
                seen.add(current)
                chain.append(current)
                current = by_uid[current].parent
            level = depth[current] if current is not None and current in depth else -1
            for member in reversed(chain):
                level += 1
                depth[member] = level
        return depth

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
        """Per task: calendar, duration, progress, constraint, resources; then the network."""
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
        self.kind: list[int] = [ASAP] * n
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
        if project.status_date is not None:
            self.plain = [False] * n
        elif not special and not ancestors:
            self.plain = [True] * n
        else:
            started, manual, milestone, kind, driven = self.started, self.manual, self.milestone, self.kind, self.driven
            self.plain = [
                not started[i]
                and not manual[i]
                and not milestone[i]
                and kind[i] <= ALAP
                and i not in driven
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
        self.free_gap = [UNKNOWN_GAP] * size
        self.finst: dict[int, int] = {}
        self.sinst: dict[int, int] = {}

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
        code = CONSTRAINT_CODES[task.constraint]
        if code not in (ASAP, ALAP) and task.constraint_date is None:
            raise ModelError(f"task {task.uid}: constraint {task.constraint} needs a date")
        self.kind[i] = code
        cinst = to_seconds(task.constraint_date) if task.constraint_date is not None else 0
        self.cinst[i] = cinst
        self.cpos[i] = cal.index(cinst) if task.constraint_date is not None else 0
        # Work resources drive the dates, unless the task has its own calendar (Project intersects
        # the two; with the same hours the dates are the same), a fixed duration, progress or
        # manual dates.
        if (
            parts
            and task.calendar is None
            and not task.fixed_duration
            and not task.elapsed
            and not started
            and not self.manual[i]
        ):
            d = _Driven()
            for cal_uid, units, work, contoured in parts:
                seconds = dur if contoured else round(work * 60 / units)
                d.parts.append((cals.index(cal_uid), seconds))
            self.driven[i] = d

    # ------------------------------------------------------------------ forward pass

    def _forward(self) -> None:
        """Early start and finish of every task, in topological order."""
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
        minst, finst, sinst = self.minst, self.finst, self.sinst
        minst.clear()
        finst.clear()
        sinst.clear()
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
                    e = -BIG
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
                best = -BIG
                for p, code, lk, lag in p_edges:
                    late = alap and p < n and kind[p] == ALAP and kind[node] != ALAP
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
            elif k == SNET:
                e = cpos[node]
            elif k == FNET:
                e = cpos[node] - d
            else:
                e = sp
            if k > ALAP:
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
                minst[node] = finst[node] = sinst[node] = self._milestone_instant(node, e, c, sp)
            elif (k == MFO or (k == FNET and not p_edges)) and e + d == cpos[node]:
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
            if alap and kind[m] == ALAP:
                si = cm.finish_at(ls[m]) if self.milestone[m] else cm.start_at(ls[m])
                fi = cm.finish_at(lf[m])
            else:
                si = self.sinst.get(m) or cm.start_at(es[m])
                fi = self.finst.get(m) or cm.finish_at(ef[m])
            if first is None or si < first:
                first = si
            if last is None or fi > last:
                last = fi
        c = cal[node]
        if first is None or last is None:
            return
        es[node], ef[node] = c.index(first), c.index(last)
        self.sinst[node], self.finst[node] = first, last

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
            start_i = self.sinst.get(p) or cp.start_at(self.es[p])
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
        es, ef, cal, finst = self.es, self.ef, self.node_cal, self.finst
        best: int | None = None
        n, kind = self.net.leaves, self.kind
        for p, code, lk, lag in self.net.preds[node]:
            cp = cal[p]
            finish = code in (FS, FF)
            if self.alap_pass and p < n and kind[p] == ALAP and kind[node] != ALAP:
                late_start = cp.finish_at(self.ls[p]) if self.milestone[p] else cp.start_at(self.ls[p])
                base = cp.finish_at(self.lf[p]) if finish else late_start
            else:
                base = (finst.get(p) or cp.finish_at(ef[p])) if finish else (self.sinst.get(p) or cp.start_at(es[p]))
            if lk == ELAPSED_LAG:
                t = base + lag
            elif lag:
                t = _moved(c, c.index(base), lag)
            else:
                t = base
            if best is None or t > best:
                best = t
        if best is None or c.index(best) != e:
            if self.kind[node] > ALAP and e == self.cpos[node]:
                return self.cinst[node]  # placed by its constraint: at the constraint's instant
            best = c.start_at(e) if e == sp else c.finish_at(e)
        start = c.start_at(e)
        return best if best == c.finish_at(e) else start

    def _forward_progress(self, node: int, task: Task, c: WorkIndex, status: int | None) -> None:
        """A started task: completed work stays; the rest follows the actual start (or the status date)."""
        # Links from it use the actual instants, even outside working time.
        if task.actual_start is not None:
            self.sinst[node] = to_seconds(task.actual_start)
            e = c.index(self.sinst[node])
        else:
            e = c.index(to_seconds(task.actual_finish)) - self.dur[node]  # type: ignore[arg-type]
        self.es[node] = e
        if task.actual_finish is not None:
            self.finst[node] = to_seconds(task.actual_finish)
            self.ef[node] = c.index(self.finst[node])
            return
        resume = e + self.done[node]
        if status is not None:
            st = c.index(status)
            if resume < st:
                resume = st
        f = resume + self.rem[node]
        if self.kind[node] == FNET and f < self.cpos[node]:
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
        """Late finish and start of every task from the project finish, in reverse order."""
        net = self.net
        n = net.leaves
        es, ef, ls, lf, lsc = self.es, self.ef, self.ls, self.lf, self.lsc
        cal = self.node_cal
        dur, rem = self.dur, self.rem
        kind, cpos = self.kind, self.cpos
        succs = net.succs
        finished, started = self.finished, self.started
        manual = self.manual
        ancestors = net.ancestors
        earliest: dict[int, int] = {}
        for node, members in net.members.items():
            # Compared as instants: the tasks under a summary may be on different calendars.
            earliest[node] = min(members, key=lambda m: self.sinst.get(m) or cal[m].start_at(es[m]))
        finish_pos: dict[int, int] = {}
        free_gap = self.free_gap
        plain = self.plain
        pcal = self.pcal
        pf_p = pcal.index(finish_s)
        for node in reversed(net.order):
            if node < n and plain[node]:
                c = cal[node]
                d = dur[node]
                best = pf_p if c is pcal else self._position(c, finish_s, finish_pos)
                pf = best
                # The free slack (room before a successor moves) comes on the way, in one calendar.
                e0, e1 = es[node], ef[node]
                gap = BIG
                for s, code, lk, lag in succs[node]:
                    if finished[s]:
                        continue
                    if lk or cal[s] is not c:
                        v = self._late_bound(node, s, code, lk, lag, c)
                        if v > pf:
                            v = pf
                        gap = UNKNOWN_GAP
                    elif code == FS:
                        v = lsc[s] - lag
                        x = es[s] - lag - e1
                        if x < gap:
                            gap = x
                    elif code == FF:
                        v = lf[s] - lag
                        x = ef[s] - lag - e1
                        if x < gap:
                            gap = x
                    elif code == SS:
                        v = lsc[s] - lag + d if not started[s] else self._late_bound(node, s, code, lk, lag, c)
                        x = es[s] - lag - e0
                        if x < gap:
                            gap = x
                    else:
                        v = lf[s] - lag + d
                        x = ef[s] - lag - e0
                        if x < gap:
                            gap = x
                    if v < best:
                        best = v
                lf[node] = best
                ls[node] = lsc[node] = best - d
                free_gap[node] = gap
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
            best = BIG
            any_succ = False
            is_manual = manual[node]
            for s, code, lk, lag in succs[node]:
                if finished[s]:
                    continue
                any_succ = True
                if is_manual and (code in (SS, SF)):
                    # A manual task's start links do not hold it back (Project 2016 / 2019 files);
                    # before a last task it may finish with that task.
                    v = pf if code == SF or succs[s] else c.index(cal[s].finish_at(lf[s]))
                elif cal[s] is not c or lk == ELAPSED_LAG or (code == SS and (started[node] or started[s])):
                    v = self._late_bound(node, s, code, lk, lag, c)
                else:
                    v = _same_cal_bound(code, lsc[s], lf[s], lag, d)
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
            if k > ALAP:
                f = _late_finish_constraint(k, f, cpos[node], d)
            lf[node] = f
            driven = node in self.driven
            start = self._late_start_driven(node, f) if driven else f - (d if manual[node] else rem[node])
            lsc[node] = start
            ls[node] = es[node] if self.started[node] else start

    def _late_bound(self, node: int, s: int, code: int, lk: int, lag: int, c: WorkIndex) -> int:
        """Latest finish (or, for a summary node, latest start / finish) that the link to ``s`` allows."""
        cs = self.node_cal[s]
        if code == SS and node < self.net.leaves and (self.started[node] or self.started[s]):
            # Progress on either side of a start-to-start link (Microsoft Project's rules, as MPXJ
            # implements them): a started predecessor only has to finish with the project; a
            # started successor frees its predecessor when nothing follows it, otherwise holds
            # it to the work it has done.
            if self.started[node] or not self.net.succs[s]:
                return BIG
            done = cs.finish_at(self.es[s] + self.done[s])
            return c.index(done) + self.dur[node]
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
        """Late start of a resource-driven task: the earliest of its resources' late starts."""
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
        if any(k == ALAP for k in self.kind):
            self.alap_pass = True
            self._forward()
        return build_schedule(self, finish_s)


def _moved(cal: WorkIndex, pos: int, amount: int) -> int:
    """The instant ``amount`` working seconds from ``pos``: moving forward ends at the end of a working
    period (17:00), moving back at the start of one (08:00), as Microsoft Project's date arithmetic does."""
    return cal.finish_at(pos + amount) if amount > 0 else cal.start_at(pos + amount)


def _early_start_constraint(kind: int, start: int, date: int, duration: int, honor: bool) -> int:
    """Early start after a constraint; with ``honor`` the SNLT / FNLT / MSO / MFO dates beat the links."""
    if kind == SNET:
        return max(start, date)
    if kind == FNET:
        return max(start, date - duration)
    if kind == SNLT:
        return min(start, date) if honor else start
    if kind == FNLT:
        return min(start, date - duration) if honor else start
    if kind == MSO:
        return date if honor else max(start, date)
    if kind == MFO:
        return date - duration if honor else max(start, date - duration)
    return start


def _late_finish_constraint(kind: int, finish: int, date: int, duration: int) -> int:
    """Late finish after a constraint: the "must" dates fix it, the "no later than" dates cap it."""
    if kind == MSO:
        return date + duration
    if kind == MFO:
        return date
    if kind == SNLT:
        return min(finish, date + duration)
    if kind == FNLT:
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
