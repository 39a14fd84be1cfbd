"""The input of the scheduling engine: a project with tasks, links, calendars and resources.

Durations and working lags are in working minutes (fractions allowed); a day is the project's
``minutes_per_day`` (Microsoft Project's "hours per day" option), not the calendar's hours.
Date-times are naive local times, as Microsoft Project keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tripod.scheduling.calendars import Calendar


class TaskKind(StrEnum):
    """A normal task, a milestone or a summary (whose dates roll up from its children)."""

    TASK = "task"
    MILESTONE = "milestone"
    SUMMARY = "summary"


class LinkType(StrEnum):
    """Dependency type: finish-to-start, start-to-start, finish-to-finish, start-to-finish."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class LagUnit(StrEnum):
    """How a link's lag is counted: working minutes, percent of the predecessor's duration, or elapsed minutes."""

    WORKING = "working"
    PERCENT = "percent"
    ELAPSED = "elapsed"


class ConstraintType(StrEnum):
    """Microsoft Project's eight date constraints."""

    ASAP = "ASAP"
    ALAP = "ALAP"
    SNET = "SNET"
    SNLT = "SNLT"
    FNET = "FNET"
    FNLT = "FNLT"
    MSO = "MSO"
    MFO = "MFO"


DATED_CONSTRAINTS = frozenset(
    {
        ConstraintType.SNET,
        ConstraintType.SNLT,
        ConstraintType.FNET,
        ConstraintType.FNLT,
        ConstraintType.MSO,
        ConstraintType.MFO,
    }
)


@dataclass
class Task:
    """One row of the plan.

    ``duration`` is in working minutes of the task's calendar, or in elapsed minutes when
    ``elapsed`` is set. ``parent`` is the uid of the summary task above it. A manual task keeps
    ``start`` and ``finish`` as given; for other tasks those fields are informative only.
    ``percent_complete`` with ``actual_start`` describes progress; ``actual_finish`` completes it.
    ``splits`` interrupts the work: (working minutes of work before the gap, working minutes of gap).
    ``duration_format`` is the MSPDI display unit (days, weeks...), kept for round trips only.
    """

    uid: int
    name: str = ""
    duration: float = 0.0
    kind: TaskKind = TaskKind.TASK
    parent: int | None = None
    calendar: int | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: float = 0.0
    manual: bool = False
    start: datetime | None = None
    finish: datetime | None = None
    active: bool = True
    elapsed: bool = False
    estimated: bool = False
    wbs: str = ""
    outline_number: str = ""
    ignore_resource_calendar: bool = False
    fixed_duration: bool = False
    splits: tuple[tuple[float, float], ...] = ()
    duration_format: int | None = None

    @property
    def is_summary(self) -> bool:
        """True for a summary task."""
        return self.kind is TaskKind.SUMMARY

    @property
    def is_milestone(self) -> bool:
        """True for a milestone."""
        return self.kind is TaskKind.MILESTONE


@dataclass
class Link:
    """A dependency: ``succ`` depends on ``pred``.

    ``lag`` is minutes, or percent with ``LagUnit.PERCENT``; ``lag_format`` is the MSPDI display unit
    of the lag (days, weeks...), kept for round trips only.
    """

    pred: int
    succ: int
    type: LinkType = LinkType.FS
    lag: float = 0.0
    lag_unit: LagUnit = LagUnit.WORKING
    lag_format: int | None = None


@dataclass
class Resource:
    """A resource; work resources with a calendar drive the dates of the tasks they are assigned to."""

    uid: int
    name: str = ""
    calendar: int | None = None
    work: bool = True
    max_units: float = 1.0


@dataclass
class Assignment:
    """A resource on a task: ``units`` (1.0 = 100 %) and ``work`` in minutes; ``contoured`` when not flat."""

    task: int
    resource: int
    units: float = 1.0
    work: float = 0.0
    uid: int = 0
    contoured: bool = False
    actual_work: float = 0.0


@dataclass
class Project:
    """A plan to schedule: tasks in outline order, links, calendars, resources and assignments.

    ``honor_constraints`` is Microsoft Project's "tasks will always honor their constraint dates":
    when set, SNLT / FNLT / MSO / MFO dates win over links (and negative slack shows the conflict);
    when clear, links win. With ``status_date`` set, unstarted work is not scheduled before it and
    the remaining work of started tasks resumes no earlier than it.
    """

    start: datetime
    calendar: int = 1
    calendars: dict[int, Calendar] = field(default_factory=lambda: {1: Calendar.standard()})
    tasks: list[Task] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    name: str = ""
    finish: datetime | None = None
    schedule_from_start: bool = True
    status_date: datetime | None = None
    honor_constraints: bool = True
    critical_slack_limit: float = 0.0
    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    days_per_month: int = 20

    def days(self, count: float) -> float:
        """Working minutes in ``count`` days of this project (``minutes_per_day`` each)."""
        return count * self.minutes_per_day

    def weeks(self, count: float) -> float:
        """Working minutes in ``count`` weeks of this project (``minutes_per_week`` each)."""
        return count * self.minutes_per_week

    def task(self, uid: int) -> Task:
        """The task with this uid."""
        for task in self.tasks:
            if task.uid == uid:
                return task
        raise KeyError(uid)
