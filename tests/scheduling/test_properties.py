"""Properties of every schedule, checked on generated networks (hypothesis)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripod.scheduling import CycleError, LagUnit, Link, LinkType, Project, Task, TaskKind, schedule
from tripod.scheduling.calendars import CalendarSet, to_seconds

from .networks import START, holiday_calendar, second_calendar

FAST = settings(max_examples=60, deadline=None, database=None)  # no .hypothesis/ directory in the tree


@st.composite
def networks(draw: st.DrawFn, kinds: tuple[LinkType, ...] = tuple(LinkType), negative: bool = True) -> Project:
    """A random acyclic network on a calendar with holidays; lags in working minutes."""
    size = draw(st.integers(2, 25))
    tasks = []
    for uid in range(1, size + 1):
        hours = draw(st.sampled_from([0, 1, 4, 8, 16, 40]))
        kind = TaskKind.MILESTONE if hours == 0 else TaskKind.TASK
        tasks.append(Task(uid=uid, name=f"T{uid}", duration=hours * 60.0, kind=kind))
    links = []
    lags = [0.0, 60.0, 480.0, 1440.0] + ([-480.0, -60.0] if negative else [])
    for succ in range(2, size + 1):
        preds = draw(st.sets(st.integers(1, succ - 1), max_size=3))
        for pred in sorted(preds):
            links.append(Link(pred, succ, draw(st.sampled_from(kinds)), draw(st.sampled_from(lags))))
    return Project(start=START, calendars={1: holiday_calendar(years=1)}, tasks=tasks, links=links)


def positions(project: Project) -> tuple[CalendarSet, int]:
    cals = CalendarSet(project.calendars, project.start)
    return cals, 1


def pos(cals: CalendarSet, moment: datetime) -> int:
    return cals.index(1).index(to_seconds(moment))


@FAST
@given(networks())
def test_every_link_is_satisfied(project: Project) -> None:
    result = schedule(project)
    cals, _ = positions(project)
    for link in project.links:
        p, s = result[link.pred], result[link.succ]
        lag = round(link.lag * 60)
        start_p, finish_p = pos(cals, p.early_start), pos(cals, p.early_finish)
        start_s, finish_s = pos(cals, s.early_start), pos(cals, s.early_finish)
        if link.type is LinkType.FS:
            assert start_s >= finish_p + lag
        elif link.type is LinkType.SS:
            assert start_s >= start_p + lag
        elif link.type is LinkType.FF:
            assert finish_s >= finish_p + lag or start_s == pos(cals, project.start)
        else:
            assert finish_s >= start_p + lag


@st.composite
def mixed_networks(draw: st.DrawFn) -> Project:
    """Tasks on two calendars, with working, elapsed and percent lags."""
    project = draw(networks())
    project.calendars[2] = second_calendar()
    for task in project.tasks:
        if draw(st.booleans()):
            task.calendar = 2
    for link in project.links:
        unit = draw(st.sampled_from(list(LagUnit)))
        link.lag_unit = unit
        if unit is LagUnit.PERCENT:
            link.lag = draw(st.sampled_from([25.0, 50.0, 100.0]))
        elif unit is LagUnit.ELAPSED:
            link.lag = draw(st.sampled_from([-1440.0, 0.0, 720.0, 2880.0]))
    return project


@FAST
@given(mixed_networks())
def test_links_hold_across_calendars_and_lag_kinds(project: Project) -> None:
    """Each successor date is at least the predecessor date plus the lag, in the successor's calendar."""
    result = schedule(project)
    cals = CalendarSet(project.calendars, project.start)
    tasks = {t.uid: t for t in project.tasks}
    start = to_seconds(project.start)
    for link in project.links:
        p, s = result[link.pred], result[link.succ]
        succ_cal = cals.index(tasks[link.succ].calendar or project.calendar)
        base = to_seconds(p.early_finish if link.type in (LinkType.FS, LinkType.FF) else p.early_start)
        mine = to_seconds(s.early_start if link.type in (LinkType.FS, LinkType.SS) else s.early_finish)
        duration = round(tasks[link.succ].duration * 60)
        if link.lag_unit is LagUnit.ELAPSED and link.type in (LinkType.FF, LinkType.SF) and duration:
            # Project takes the successor's duration off first, then adds the elapsed lag.
            mine = to_seconds(s.early_start)
            needed = succ_cal.index(succ_cal.start_at(succ_cal.index(base) - duration) + round(link.lag * 60))
        elif link.lag_unit is LagUnit.ELAPSED:
            needed = succ_cal.index(base + round(link.lag * 60))
        elif link.lag_unit is LagUnit.PERCENT:
            needed = succ_cal.index(base) + round(tasks[link.pred].duration * 60 * link.lag / 100)
        else:
            needed = succ_cal.index(base) + round(link.lag * 60)
        if link.type is LinkType.FF and to_seconds(s.early_start) == succ_cal.start_at(succ_cal.index(start)):
            continue  # FF never starts a task before the project start
        assert succ_cal.index(mine) >= needed, (link, p, s)


@FAST
@given(networks())
def test_early_dates_never_after_late_dates(project: Project) -> None:
    result = schedule(project)
    cals, _ = positions(project)
    for row in result.tasks.values():
        assert pos(cals, row.early_start) <= pos(cals, row.late_start)
        assert pos(cals, row.early_finish) <= pos(cals, row.late_finish)
        assert row.total_slack >= 0
        assert row.free_slack <= row.total_slack
        assert row.critical == (row.total_slack <= 0)


@FAST
@given(networks(kinds=(LinkType.FS,), negative=False))
def test_zero_slack_tasks_form_a_chain_from_start_to_finish(project: Project) -> None:
    result = schedule(project)
    cals, _ = positions(project)
    start = pos(cals, project.start)
    critical = {uid for uid, row in result.tasks.items() if row.total_slack == 0}
    assert any(pos(cals, result[uid].early_finish) == pos(cals, result.finish) for uid in critical)
    for uid in critical:
        row = result[uid]
        if pos(cals, row.early_start) == start:
            continue
        drivers = [
            link
            for link in project.links
            if link.succ == uid
            and link.pred in critical
            and pos(cals, result[link.pred].early_finish) + round(link.lag * 60) == pos(cals, row.early_start)
        ]
        assert drivers, f"critical task {uid} has no critical driving predecessor"


@FAST
@given(networks())
def test_scheduling_twice_gives_the_same_result(project: Project) -> None:
    assert schedule(project) == schedule(project)


@FAST
@given(networks(), st.data())
def test_closing_a_cycle_names_it(project: Project, data: st.DataObject) -> None:
    if not project.links:
        project.links.append(Link(pred=1, succ=2))
    by_succ: dict[int, list[int]] = {}
    for link in project.links:
        by_succ.setdefault(link.succ, []).append(link.pred)
    end = data.draw(st.sampled_from(sorted(by_succ)))
    path = [end]
    while path[-1] in by_succ:
        path.append(data.draw(st.sampled_from(by_succ[path[-1]])))
    project.links.append(Link(pred=end, succ=path[-1]))
    with pytest.raises(CycleError) as info:
        schedule(project)
    cycle = info.value.task_uids
    pairs = {(link.pred, link.succ) for link in project.links}
    assert len(cycle) >= 2
    for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        assert (a, b) in pairs
