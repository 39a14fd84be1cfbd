"""Errors raised by the scheduling engine and the MSPDI reader."""

from __future__ import annotations

from collections.abc import Sequence


class SchedulingError(Exception):
    """Base class: the model cannot be scheduled as given."""


class CycleError(SchedulingError):
    """The links form a cycle; ``task_uids`` lists the tasks in it, in link order."""

    def __init__(self, task_uids: Sequence[int], names: Sequence[str] = ()) -> None:
        self.task_uids = list(task_uids)
        labels = [
            f"{uid} ({name})" if name else str(uid)
            for uid, name in zip(self.task_uids, list(names) + [""] * len(self.task_uids), strict=False)
        ]
        super().__init__("links form a cycle: " + " -> ".join([*labels, labels[0]] if labels else labels))


class ModelError(SchedulingError):
    """The model is inconsistent (unknown task, calendar or bad value)."""


class MspdiError(Exception):
    """An MSPDI file cannot be read; the message names the element and the reason."""
