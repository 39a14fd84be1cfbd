"""Random plans for property tests, the MPXJ cross-check and the benchmark."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from tripod.scheduling import (
    Calendar,
    CalendarException,
    ConstraintType,
    LagUnit,
    Link,
    LinkType,
    Project,
    Recurrence,
    RecurrenceKind,
    Task,
    TaskKind,
)
from tripod.scheduling.calendars import interval

START = datetime(2024, 1, 8, 8, 0)
CONSTRAINTS = [c for c in ConstraintType if c is not ConstraintType.ASAP]


def holiday_calendar(uid: int = 1, years: int = 3, seed: int = 0) -> Calendar:
    """The standard calendar with fixed and recurring holidays over ``years`` years from 2024."""
    rng = random.Random(seed)
    cal = Calendar.standard(uid=uid)
    cal.exceptions = [
        CalendarException(
            date(2024, 1, 1),
            date(2024 + years, 12, 31),
            name="New Year",
            recurrence=Recurrence(RecurrenceKind.YEARLY_DAY, month=1, month_day=1),
        ),
        CalendarException(
            date(2024, 1, 1),
            date(2024 + years, 12, 31),
            name="Christmas",
            recurrence=Recurrence(RecurrenceKind.YEARLY_DAY, month=12, month_day=25),
        ),
    ]
    for _ in range(6 * years):
        day = date(2024, 1, 15) + timedelta(days=rng.randrange(365 * years))
        cal.exceptions.append(CalendarException(day, day, name="holiday"))
    return cal


def second_calendar(uid: int = 2) -> Calendar:
    """Long days Monday-Saturday (07:00-12:00, 12:30-18:30), with a holiday and an extra working Sunday."""
    day = (interval(420, 720), interval(750, 1110))
    cal = Calendar(uid=uid, name="Long days", week={d: (day if d < 6 else ()) for d in range(7)})
    cal.exceptions = [
        CalendarException(date(2024, 1, 17), date(2024, 1, 17), name="site closed"),
        CalendarException(date(2024, 1, 21), date(2024, 1, 21), working=True, times=(interval(480, 720),)),
    ]
    return cal


def random_project(
    seed: int,
    size: int = 30,
    *,
    constraints: bool = True,
    calendars: bool = True,
    summaries: bool = False,
    summary_start_links: bool = True,
    progress: bool = False,
    max_preds: int = 3,
) -> Project:
    """A random plan with every link type, every lag kind, the constraints and calendar exceptions."""
    rng = random.Random(seed)
    cals = {1: holiday_calendar(seed=seed)}
    if calendars:
        cals[2] = second_calendar()
    tasks: list[Task] = []
    links: list[Link] = []
    for uid in range(1, size + 1):
        milestone = rng.random() < 0.1
        hours = 0 if milestone else rng.choice([1, 2, 4, 8, 8, 16, 24, 40, 80])
        task = Task(
            uid=uid,
            name=f"Task {uid}",
            duration=hours * 60.0,
            kind=TaskKind.MILESTONE if milestone else TaskKind.TASK,
            calendar=2 if calendars and rng.random() < 0.2 else None,
        )
        if constraints and rng.random() < 0.2:
            task.constraint = rng.choice(CONSTRAINTS)
            if task.constraint is not ConstraintType.ALAP:
                hour = rng.choice([8, 13]) if task.constraint in (ConstraintType.SNET, ConstraintType.SNLT) else 17
                if task.constraint in (ConstraintType.MSO,):
                    hour = 8
                if task.constraint in (ConstraintType.FNET, ConstraintType.FNLT, ConstraintType.MFO):
                    hour = 17
                day = START + timedelta(days=rng.randrange(0, 40))
                while day.weekday() >= 5:
                    day += timedelta(days=1)
                task.constraint_date = day.replace(hour=hour)
        tasks.append(task)
        for pred in rng.sample(range(1, uid), min(uid - 1, rng.randrange(0, max_preds + 1))):
            kind = rng.choice(list(LinkType))
            lag_kind = rng.random()
            if lag_kind < 0.5:
                unit, lag = LagUnit.WORKING, 0.0
            elif lag_kind < 0.75:
                unit, lag = LagUnit.WORKING, rng.choice([-960.0, -480.0, -120.0, 240.0, 480.0, 1440.0, 2400.0])
            elif lag_kind < 0.9:
                unit, lag = LagUnit.PERCENT, rng.choice([25.0, 50.0, 100.0])
            else:
                unit, lag = LagUnit.ELAPSED, rng.choice([-1440.0, 720.0, 1440.0, 2880.0])
            links.append(Link(pred=pred, succ=uid, type=kind, lag=lag, lag_unit=unit))
    project = Project(start=START, calendar=1, calendars=cals, tasks=tasks, links=links, name=f"random {seed}")
    if summaries:
        _add_summaries(project, rng, summary_start_links)
    if progress:
        _add_progress(project.tasks, project.links, rng)
    return project


def _add_progress(tasks: list[Task], links: list[Link], rng: random.Random) -> None:
    """Actual dates on a few tasks without predecessors: some finished, some half done."""
    with_preds = {link.succ for link in links}
    for task in tasks:
        if task.uid in with_preds or task.parent is not None or task.kind is not TaskKind.TASK:
            continue
        if task.duration == 0 or rng.random() > 0.3:
            continue
        task.constraint, task.constraint_date = ConstraintType.ASAP, None
        task.actual_start = START
        if rng.random() < 0.5:
            days = max(1, round(task.duration / 480))
            finish = START + timedelta(days=days - 1)
            while finish.weekday() >= 5:
                finish += timedelta(days=1)
            task.actual_finish = finish.replace(hour=17)
            task.percent_complete = 100.0
        else:
            task.percent_complete = 50.0


def _add_summaries(project: Project, rng: random.Random, start_links: bool) -> None:
    """Group consecutive tasks under summaries, and link some summaries to tasks outside them."""
    grouped: list[Task] = []
    uid = 10_000
    tasks = project.tasks
    i = 0
    while i < len(tasks):
        width = rng.randrange(1, 5)
        if rng.random() < 0.3:
            uid += 1
            grouped.append(Task(uid=uid, name=f"Summary {uid}", kind=TaskKind.SUMMARY))
            for task in tasks[i : i + width]:
                task.parent = uid
        grouped.extend(tasks[i : i + width])
        i += width
    project.tasks = grouped
    position = {t.uid: n for n, t in enumerate(grouped)}
    members: dict[int, list[int]] = {}
    for t in grouped:
        if t.parent is not None:
            members.setdefault(t.parent, []).append(t.uid)
    for summary, inside in members.items():
        first, last = position[inside[0]], position[inside[-1]]
        for _ in range(rng.randrange(0, 3)):
            other = rng.choice(grouped)
            if other.kind is TaskKind.SUMMARY or other.uid in inside:
                continue
            kind = rng.choice(list(LinkType))
            lag = rng.choice([0.0, 0.0, 480.0, -240.0])
            if position[other.uid] > last:
                if kind in (LinkType.SS, LinkType.SF) and not start_links:
                    kind = LinkType.FS
                project.links.append(Link(pred=summary, succ=other.uid, type=kind, lag=lag))
            elif position[other.uid] < first:
                project.links.append(Link(pred=other.uid, succ=summary, type=kind, lag=lag))


def layered_project(size: int, seed: int = 1, width: int = 100, links_per_task: int = 2) -> Project:
    """The benchmark network: ``size`` tasks in layers of ``width``, ~``links_per_task`` links each."""
    rng = random.Random(seed)
    tasks = [Task(uid=i, name=f"T{i}", duration=rng.choice([240.0, 480.0, 960.0, 1440.0])) for i in range(1, size + 1)]
    links: list[Link] = []
    types = [LinkType.FS, LinkType.FS, LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF]
    for i in range(width + 1, size + 1):
        layer_start = ((i - 1) // width) * width + 1
        lo = max(1, layer_start - width)
        for pred in {rng.randrange(lo, layer_start) for _ in range(links_per_task)}:
            links.append(Link(pred=pred, succ=i, type=rng.choice(types), lag=rng.choice([0.0, 0.0, 480.0, -240.0])))
    years = max(3, size // 3000)
    return Project(start=START, calendars={1: holiday_calendar(years=years, seed=seed)}, tasks=tasks, links=links)
