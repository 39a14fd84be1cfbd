"""Tripod's scheduling engine: Microsoft-Project-grade critical path in pure Python.

No Django and no other Tripod module is imported here, so the engine runs anywhere (web request,
task worker, command line). Start with :func:`schedule` on a :class:`Project`, or read one with
:func:`read_mspdi`.
"""

from tripod.scheduling.calendars import Calendar, CalendarException, Recurrence, RecurrenceKind, WorkWeek
from tripod.scheduling.engine import schedule
from tripod.scheduling.errors import CycleError, ModelError, MspdiError, SchedulingError
from tripod.scheduling.model import (
    Assignment,
    ConstraintType,
    LagUnit,
    Link,
    LinkType,
    Project,
    Resource,
    Task,
    TaskKind,
)
from tripod.scheduling.mspdi_read import read_mspdi
from tripod.scheduling.results import Schedule, TaskSchedule

__all__ = [
    "Assignment",
    "Calendar",
    "CalendarException",
    "ConstraintType",
    "CycleError",
    "LagUnit",
    "Link",
    "LinkType",
    "ModelError",
    "MspdiError",
    "Project",
    "Recurrence",
    "RecurrenceKind",
    "Resource",
    "Schedule",
    "SchedulingError",
    "Task",
    "TaskKind",
    "TaskSchedule",
    "WorkWeek",
    "read_mspdi",
    "schedule",
]
