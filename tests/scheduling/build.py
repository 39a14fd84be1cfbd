"""Small builders for engine tests: a project on the standard calendar starting Monday 2024-01-08 08:00."""

from __future__ import annotations

from datetime import datetime

from tripod.scheduling import Link, LinkType, Project, Task

MONDAY = datetime(2024, 1, 8, 8, 0)
DAY = 480.0


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in January 2024 (8 = Monday)."""
    return datetime(2024, 1, day, hour, minute)


def task(uid: int, days: float = 1, **fields: object) -> Task:
    """A task of ``days`` standard days (or of ``duration`` minutes when given)."""
    fields.setdefault("duration", days * DAY)
    return Task(uid=uid, name=f"T{uid}", **fields)  # type: ignore[arg-type]


def link(pred: int, succ: int, kind: str = "FS", lag_days: float = 0, **fields: object) -> Link:
    """A link with a lag in standard days."""
    return Link(pred=pred, succ=succ, type=LinkType(kind), lag=lag_days * DAY, **fields)  # type: ignore[arg-type]


def project(tasks: list[Task], links: list[Link] | None = None, **fields: object) -> Project:
    """A project on the standard calendar, starting Monday 2024-01-08 08:00."""
    return Project(start=MONDAY, tasks=tasks, links=links or [], **fields)  # type: ignore[arg-type]
