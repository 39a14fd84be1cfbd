"""Working-time calendars: weekly hours, work weeks, exceptions, base-calendar inheritance.

A :class:`Calendar` describes working time the way Microsoft Project does. The engine never walks
calendars minute by minute: :class:`CalendarSet` compiles each calendar into a :class:`WorkIndex`,
sorted working intervals in epoch seconds with the cumulative working seconds before each one, so
"add N working minutes" and "working time between two instants" are two binary searches.

Times of day are minutes after midnight. A working interval ``(start, end)`` with ``end <= start``
crosses midnight and ends on the next day (a night shift); ``end == 0`` means midnight (24:00).
"""

from __future__ import annotations

import calendar as _stdcal
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from tripod.scheduling.errors import ModelError

Interval = tuple[int, int]
"""A working interval of one day, in minutes after midnight (``end`` may exceed 1440)."""

EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)
_DAY_S = 86_400
STANDARD_DAY: tuple[Interval, ...] = ((480, 720), (780, 1020))
"""Microsoft Project's standard working day: 08:00-12:00 and 13:00-17:00."""


def to_seconds(moment: datetime) -> int:
    """Epoch seconds of a naive local date-time."""
    return (moment - EPOCH) // _SECOND


def from_seconds(seconds: int) -> datetime:
    """Naive local date-time of epoch seconds."""
    return EPOCH + timedelta(seconds=seconds)


def interval(start: int, end: int) -> Interval:
    """Normalise a working interval: midnight as end means 24:00, an end before the start crosses midnight."""
    if not 0 <= start < 1440 or not 0 <= end <= 1440:
        raise ModelError(f"working time {start}-{end} is outside a day")
    if end == 0 or end <= start:
        end += 1440
    return (start, end)


class RecurrenceKind(StrEnum):
    """How a recurring calendar exception repeats."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY_DAY = "monthly_day"
    MONTHLY_POSITION = "monthly_position"
    YEARLY_DAY = "yearly_day"
    YEARLY_POSITION = "yearly_position"


@dataclass(frozen=True)
class Recurrence:
    """Recurrence of an exception between its start and end dates.

    ``weekdays`` (weekly) and ``weekday`` (positional) use 0 = Monday; ``position`` is 1-4, or 5 for
    the last one in the month; ``month`` is 1-12; ``interval`` is "every N days / weeks / months /
    years"; ``occurrences`` stops the series early.
    """

    kind: RecurrenceKind
    interval: int = 1
    weekdays: frozenset[int] = frozenset()
    month_day: int = 1
    month: int = 1
    position: int = 1
    weekday: int = 0
    occurrences: int | None = None

    def dates(self, first: date, last: date) -> list[date]:
        """The days of the series from ``first`` to ``last`` inclusive."""
        found = list(self._candidates(first, last))
        if self.occurrences is not None:
            found = found[: self.occurrences]
        return found

    def _candidates(self, first: date, last: date) -> Iterator[date]:
        step = max(1, self.interval)
        kind = self.kind
        if kind is RecurrenceKind.DAILY:
            day = first
            while day <= last:
                yield day
                day += timedelta(days=step)
        elif kind is RecurrenceKind.WEEKLY:
            week0 = first - timedelta(days=first.weekday())
            day = first
            while day <= last:
                weeks = (day - week0).days // 7
                if weeks % step == 0 and day.weekday() in self.weekdays:
                    yield day
                day += timedelta(days=1)
        else:
            yearly = kind in (RecurrenceKind.YEARLY_DAY, RecurrenceKind.YEARLY_POSITION)
            positional = kind in (RecurrenceKind.MONTHLY_POSITION, RecurrenceKind.YEARLY_POSITION)
            year, month = first.year, (self.month if yearly else first.month)
            if yearly and month < first.month:
                year += 1
            count = 0
            while date(year, month, 1) <= last:
                if count % step == 0:
                    day = self._position_day(year, month) if positional else self._month_day(year, month)
                    if first <= day <= last:
                        yield day
                count += 1
                if yearly:
                    year += 1
                else:
                    month += 1
                    if month == 13:
                        year, month = year + 1, 1

    def _month_day(self, year: int, month: int) -> date:
        return date(year, month, min(self.month_day, _stdcal.monthrange(year, month)[1]))

    def _position_day(self, year: int, month: int) -> date:
        length = _stdcal.monthrange(year, month)[1]
        days = [date(year, month, d) for d in range(1, length + 1) if date(year, month, d).weekday() == self.weekday]
        return days[-1] if self.position >= 5 else days[min(self.position, len(days)) - 1]


@dataclass(frozen=True)
class CalendarException:
    """Days (``start`` to ``end`` inclusive, or the days of ``recurrence`` in that range) with other hours.

    ``working=False`` makes the days non-working (a holiday); ``working=True`` with ``times`` makes them
    working with those hours (an extra working day or other hours).
    """

    start: date
    end: date
    working: bool = False
    times: tuple[Interval, ...] = ()
    name: str = ""
    recurrence: Recurrence | None = None

    def days(self) -> Iterable[date]:
        """Every day this exception covers."""
        if self.recurrence is not None:
            return self.recurrence.dates(self.start, self.end)
        return (self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1))

    @property
    def hours(self) -> tuple[Interval, ...]:
        """The working intervals of a covered day (none for a holiday)."""
        return self.times if self.working else ()


@dataclass(frozen=True)
class WorkWeek:
    """Other weekly hours between two dates (Microsoft Project's "work weeks"); days: 0 = Monday."""

    start: date
    end: date
    days: Mapping[int, tuple[Interval, ...]]
    name: str = ""


@dataclass
class Calendar:
    """A working-time calendar.

    ``week`` maps a weekday (0 = Monday) to its working intervals; an empty tuple is a non-working
    day and a missing weekday is inherited from ``base`` (the uid of the base calendar), or is the
    standard day (Monday-Friday 08:00-12:00, 13:00-17:00) when there is no base.
    """

    uid: int
    name: str = ""
    week: dict[int, tuple[Interval, ...]] = field(default_factory=dict)
    exceptions: list[CalendarException] = field(default_factory=list)
    work_weeks: list[WorkWeek] = field(default_factory=list)
    base: int | None = None

    @classmethod
    def standard(cls, uid: int = 1, name: str = "Standard") -> Calendar:
        """Microsoft Project's Standard calendar: Monday-Friday, 08:00-12:00 and 13:00-17:00."""
        week = {d: (STANDARD_DAY if d < 5 else ()) for d in range(7)}
        return cls(uid=uid, name=name, week=week)

    @classmethod
    def continuous(cls, uid: int = -1, name: str = "24 hours") -> Calendar:
        """Every minute of every day is working time."""
        return cls(uid=uid, name=name, week={d: ((0, 1440),) for d in range(7)})


class WorkIndex:
    """One calendar's working time, compiled: intervals in epoch seconds and cumulative working seconds.

    A working position ``w`` counts working seconds from the anchor instant (negative before it). The
    same position is one instant as a start (the beginning of the next working second: Monday 08:00)
    and may be another as a finish (the end of the previous one: Friday 17:00); both are the same
    point in working time. The compiled range grows on demand in both directions.
    """

    elapsed = False

    def __init__(self, day_hours: Callable[[date], tuple[Interval, ...]], anchor: int, label: str) -> None:
        self._day_hours = day_hours
        self.anchor = anchor
        self.label = label
        first = from_seconds(anchor).date()
        self._first = first - timedelta(days=400)
        self._last = first + timedelta(days=3 * 366)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum: list[int] = []
        self._build()

    def _build(self) -> None:
        lo = to_seconds(datetime.combine(self._first, datetime.min.time()))
        hi = to_seconds(datetime.combine(self._last, datetime.min.time()))
        merged: list[list[int]] = []
        day = self._first - timedelta(days=1)
        day_s = lo - _DAY_S
        while day < self._last:
            for a, b in self._day_hours(day):
                s, e = max(day_s + a * 60, lo), min(day_s + b * 60, hi)
                if s >= e:
                    continue
                if merged and s <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            day += timedelta(days=1)
            day_s += _DAY_S
        merged.sort()
        starts: list[int] = []
        ends: list[int] = []
        for s, e in merged:
            if starts and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        if not starts:
            raise ModelError(f"calendar {self.label} has no working time around {self._first}..{self._last}")
        cum = [0] * len(starts)
        total = 0
        for i, s in enumerate(starts):
            cum[i] = total
            total += ends[i] - s
        self.starts, self.ends, self.cum = starts, ends, cum
        self._lo, self._hi = lo, hi
        self._total = total
        offset = self._raw(self.anchor)
        if offset:
            self.cum = [c - offset for c in cum]
        self._total = total - offset

    def _raw(self, t: int) -> int:
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return self.cum[0]
        end = self.ends[i]
        return self.cum[i] + (t - self.starts[i] if t < end else end - self.starts[i])

    def _grow(self, later: bool) -> None:
        span = self._last - self._first
        if span.days > 200 * 366:
            raise ModelError(f"calendar {self.label}: dates more than 200 years apart")
        if later:
            self._last += span
        else:
            self._first -= span
        self._build()

    def index(self, t: int) -> int:
        """Working position of instant ``t`` (epoch seconds)."""
        while t < self._lo or t >= self._hi:
            self._grow(later=t >= self._hi)
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return self.cum[0]
        end = self.ends[i]
        return self.cum[i] + (t - self.starts[i] if t < end else end - self.starts[i])

    def _cover(self, w: int) -> None:
        while w <= self.cum[0]:
            self._grow(later=False)
        while w >= self._total:
            self._grow(later=True)

    def start_at(self, w: int) -> int:
        """The instant at which working position ``w`` is reached, as a start (next working second)."""
        cum = self.cum
        if w <= cum[0] or w >= self._total:
            self._cover(w)
            cum = self.cum
        i = bisect_right(cum, w) - 1
        return self.starts[i] + (w - cum[i])

    def finish_at(self, w: int) -> int:
        """The instant at which working position ``w`` is reached, as a finish (end of last working second)."""
        cum = self.cum
        if w <= cum[0] or w >= self._total:
            self._cover(w)
            cum = self.cum
        i = bisect_left(cum, w) - 1
        return self.starts[i] + (w - cum[i])


class ElapsedIndex(WorkIndex):
    """Round-the-clock time, for elapsed durations and lags: position = seconds since the anchor."""

    elapsed = True

    def __init__(self, anchor: int) -> None:
        self.anchor = anchor
        self.label = "elapsed"

    def index(self, t: int) -> int:
        """Seconds from the anchor to ``t``."""
        return t - self.anchor

    def start_at(self, w: int) -> int:
        """The instant ``w`` seconds after the anchor."""
        return self.anchor + w

    finish_at = start_at


class CalendarSet:
    """The calendars of a project, resolved with inheritance and compiled on demand."""

    def __init__(self, calendars: Mapping[int, Calendar], anchor: datetime) -> None:
        self.calendars = dict(calendars)
        self.anchor = to_seconds(anchor)
        self._indexes: dict[int, WorkIndex] = {}
        self._exception_days: dict[int, dict[date, tuple[Interval, ...]]] = {}
        self.elapsed = ElapsedIndex(self.anchor)
        for uid in self.calendars:
            self._chain(uid)

    def _chain(self, uid: int) -> list[Calendar]:
        chain: list[Calendar] = []
        seen: set[int] = set()
        current: int | None = uid
        while current is not None:
            if current in seen:
                raise ModelError(f"calendar {uid}: base calendars form a loop")
            cal = self.calendars.get(current)
            if cal is None:
                raise ModelError(f"calendar {uid}: unknown base calendar {current}")
            seen.add(current)
            chain.append(cal)
            current = cal.base
        return chain

    def _exceptions_of(self, uid: int) -> dict[date, tuple[Interval, ...]]:
        days = self._exception_days.get(uid)
        if days is None:
            days = {}
            for exc in self.calendars[uid].exceptions:
                for day in exc.days():
                    days.setdefault(day, exc.hours)
            self._exception_days[uid] = days
        return days

    def day_hours(self, uid: int, day: date) -> tuple[Interval, ...]:
        """Working intervals of ``day`` in calendar ``uid``.

        Precedence: the calendar's own exceptions, then its base calendars' exceptions, then its own
        work weeks and weekly hours, then the base calendars' weekly hours.
        """
        chain = self._chain(uid)
        for cal in chain:
            hours = self._exceptions_of(cal.uid).get(day)
            if hours is not None:
                return hours
        weekday = day.weekday()
        for cal in chain:
            for week in cal.work_weeks:
                if week.start <= day <= week.end and weekday in week.days:
                    return week.days[weekday]
            if weekday in cal.week:
                return cal.week[weekday]
        return STANDARD_DAY if weekday < 5 else ()

    def index(self, uid: int) -> WorkIndex:
        """The compiled working time of calendar ``uid``."""
        idx = self._indexes.get(uid)
        if idx is None:
            if uid not in self.calendars:
                raise ModelError(f"unknown calendar {uid}")
            chain = self._chain(uid)
            fast = self._weekly_only(chain)
            if fast is not None:
                week = fast

                def hours(day: date) -> tuple[Interval, ...]:
                    return week[day.weekday()]

            else:

                def hours(day: date) -> tuple[Interval, ...]:
                    return self.day_hours(uid, day)

            idx = WorkIndex(hours, self.anchor, f"{uid} ({self.calendars[uid].name})")
            self._indexes[uid] = idx
        return idx

    def _weekly_only(self, chain: list[Calendar]) -> list[tuple[Interval, ...]] | None:
        """A calendar without exceptions or work weeks is just its week: a faster compile."""
        if any(cal.exceptions or cal.work_weeks for cal in chain):
            return None
        week: list[tuple[Interval, ...]] = []
        for weekday in range(7):
            for cal in chain:
                if weekday in cal.week:
                    week.append(cal.week[weekday])
                    break
            else:
                week.append(STANDARD_DAY if weekday < 5 else ())
        return week

    def working_seconds(self, uid: int, start: datetime, finish: datetime) -> int:
        """Working seconds between two instants in calendar ``uid`` (negative when reversed)."""
        idx = self.index(uid)
        return idx.index(to_seconds(finish)) - idx.index(to_seconds(start))
