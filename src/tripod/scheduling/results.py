"""The output of the scheduling engine: early / late dates, slack and the critical flag per task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class TaskSchedule:
    """Computed dates of one task (read it, do not change it: it is not frozen only for speed).

    Early and late starts are shown as the start of the next working period and finishes as the end
    of the previous one (Microsoft Project writes 17:00 rather than next-day 08:00); actual dates and
    a manual task's dates are shown as given. Slack is in minutes of the task's calendar (elapsed
    minutes for an elapsed task); negative total slack shows a missed constraint.
    """

    uid: int
    name: str
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    start: datetime
    finish: datetime
    total_slack: float
    free_slack: float
    critical: bool
    summary: bool = False

    def as_json(self) -> dict[str, object]:
        """The task as ``tripod schedule --json`` prints it."""

        def minutes(value: float) -> float | int:
            return int(value) if float(value).is_integer() else round(value, 4)

        return {
            "uid": self.uid,
            "name": self.name,
            "early_start": self.early_start.isoformat(),
            "early_finish": self.early_finish.isoformat(),
            "late_start": self.late_start.isoformat(),
            "late_finish": self.late_finish.isoformat(),
            "total_slack_minutes": minutes(self.total_slack),
            "critical": self.critical,
        }


@dataclass(frozen=True)
class Schedule:
    """A scheduled project: its start and finish and the dates of every active task, in outline order."""

    start: datetime
    finish: datetime
    tasks: dict[int, TaskSchedule]

    def __getitem__(self, uid: int) -> TaskSchedule:
        return self.tasks[uid]

    def critical_uids(self) -> list[int]:
        """Uids of the critical tasks, in outline order."""
        return [uid for uid, task in self.tasks.items() if task.critical]

    def as_json(self) -> list[dict[str, object]]:
        """Every task as ``tripod schedule --json`` prints it."""
        return [task.as_json() for task in self.tasks.values()]
