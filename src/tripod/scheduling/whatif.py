"""What-if: apply a change (tasks or links added or removed, durations changed) to a copy and see what moves.

This is what a change request shows before anyone agrees to it: the project finish delta, the tasks
whose dates change and the tasks that become (or stop being) critical. The original project and its
schedule are never modified.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tripod.scheduling.calendars import CalendarSet
from tripod.scheduling.engine import schedule
from tripod.scheduling.errors import ModelError
from tripod.scheduling.model import Link, Project, Task
from tripod.scheduling.results import Schedule


@dataclass(frozen=True)
class Delta:
    """A change to a plan. Links are removed by (predecessor uid, successor uid); durations in minutes."""

    add_tasks: tuple[Task, ...] = ()
    remove_tasks: tuple[int, ...] = ()
    add_links: tuple[Link, ...] = ()
    remove_links: tuple[tuple[int, int], ...] = ()
    durations: Mapping[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskMove:
    """A task whose scheduled start or finish changed."""

    uid: int
    name: str
    start_before: datetime
    start_after: datetime
    finish_before: datetime
    finish_after: datetime


@dataclass(frozen=True)
class Impact:
    """What a delta does to the schedule."""

    finish_before: datetime
    finish_after: datetime
    finish_delta: timedelta
    finish_delta_working_minutes: float
    moved: tuple[TaskMove, ...]
    became_critical: tuple[int, ...]
    no_longer_critical: tuple[int, ...]
    added: tuple[int, ...]
    removed: tuple[int, ...]
    schedule: Schedule


def apply_delta(project: Project, delta: Delta) -> Project:
    """A changed copy of ``project``; raises ModelError when the delta names unknown tasks or links."""
    changed = copy.deepcopy(project)
    uids = {t.uid for t in changed.tasks}
    for task in delta.add_tasks:
        if task.uid in uids:
            raise ModelError(f"what-if: task {task.uid} already exists")
        changed.tasks.append(copy.deepcopy(task))
        uids.add(task.uid)
    removed = set(delta.remove_tasks)
    unknown = removed - uids
    if unknown:
        raise ModelError(f"what-if: cannot remove unknown task {min(unknown)}")
    changed.tasks = [t for t in changed.tasks if t.uid not in removed]
    for task in changed.tasks:
        if task.parent in removed:
            raise ModelError(f"what-if: task {task.uid} is under removed summary {task.parent}")
    changed.links = [link for link in changed.links if link.pred not in removed and link.succ not in removed]
    for pred, succ in delta.remove_links:
        kept = [link for link in changed.links if (link.pred, link.succ) != (pred, succ)]
        if len(kept) == len(changed.links):
            raise ModelError(f"what-if: there is no link {pred}->{succ} to remove")
        changed.links = kept
    changed.links.extend(copy.deepcopy(link) for link in delta.add_links)
    by_uid = {t.uid: t for t in changed.tasks}
    for uid, minutes in delta.durations.items():
        if uid not in by_uid:
            raise ModelError(f"what-if: cannot change the duration of unknown task {uid}")
        if minutes < 0:
            raise ModelError(f"what-if: task {uid}: duration {minutes} is negative")
        by_uid[uid].duration = minutes
    changed.assignments = [a for a in changed.assignments if a.task not in removed]
    return changed


def what_if(project: Project, delta: Delta, before: Schedule | None = None) -> Impact:
    """Schedule ``project`` with ``delta`` applied and compare with its current schedule."""
    before = before or schedule(project)
    after = schedule(apply_delta(project, delta))
    moved = tuple(
        TaskMove(uid, row.name, old.start, row.start, old.finish, row.finish)
        for uid, row in after.tasks.items()
        if (old := before.tasks.get(uid)) is not None and (old.start, old.finish) != (row.start, row.finish)
    )
    became = tuple(
        uid for uid, row in after.tasks.items() if row.critical and uid in before.tasks and not before[uid].critical
    )
    lost = tuple(
        uid for uid, row in after.tasks.items() if not row.critical and uid in before.tasks and before[uid].critical
    )
    cals = CalendarSet(project.calendars, project.start)
    working = cals.working_seconds(project.calendar, before.finish, after.finish) / 60
    return Impact(
        finish_before=before.finish,
        finish_after=after.finish,
        finish_delta=after.finish - before.finish,
        finish_delta_working_minutes=working,
        moved=moved,
        became_critical=became,
        no_longer_critical=lost,
        added=tuple(uid for uid in after.tasks if uid not in before.tasks),
        removed=tuple(uid for uid in before.tasks if uid not in after.tasks),
        schedule=after,
    )
