"""MPXJ's MicrosoftScheduler (Java, through JPype) as an independent oracle; tests and benchmarks only."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tripod.scheduling import Project, Schedule, schedule
from tripod.scheduling.calendars import CalendarSet
from tripod.scheduling.mspdi_write import write_mspdi

_STATE: dict[str, Any] = {}


def start_jvm() -> str | None:
    """Start the JVM once per process; the reason it cannot start, or None when it runs."""
    if "error" in _STATE:
        return str(_STATE["error"])
    if "reader" in _STATE:
        return None
    try:
        import jpype
        import mpxj  # noqa: F401 - puts MPXJ's jars on the class path

        if not jpype.isJVMStarted():
            jpype.startJVM()
        from org.mpxj import TimeUnit
        from org.mpxj.cpm import MicrosoftScheduler
        from org.mpxj.reader import UniversalProjectReader
    except Exception as exc:
        _STATE["error"] = f"{type(exc).__name__}: {exc}"
        return str(_STATE["error"])
    _STATE.update(reader=UniversalProjectReader, scheduler=MicrosoftScheduler, minutes=TimeUnit.MINUTES)
    return None


@dataclass(frozen=True)
class MpxjRow:
    """One task as MPXJ schedules it."""

    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_slack: float
    critical: bool


def _dt(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def mpxj_schedule(path: Path) -> tuple[dict[int, MpxjRow], float]:
    """MPXJ's dates for every task of an MSPDI file, and the seconds ``MicrosoftScheduler`` took."""
    reason = start_jvm()
    if reason is not None:
        raise RuntimeError(f"MPXJ is not available: {reason}")
    project = _STATE["reader"]().read(str(path))
    started = time.perf_counter()
    _STATE["scheduler"]().schedule(project, project.getProjectProperties().getStartDate())
    seconds = time.perf_counter() - started
    props = project.getProjectProperties()
    rows: dict[int, MpxjRow] = {}
    for task in project.getTasks():
        if task.getEarlyStart() is None or task.getLateFinish() is None:
            continue
        slack = task.getTotalSlack()
        minutes = float(slack.convertUnits(_STATE["minutes"], props).getDuration()) if slack is not None else 0.0
        rows[int(task.getUniqueID())] = MpxjRow(
            _dt(task.getEarlyStart()),
            _dt(task.getEarlyFinish()),
            _dt(task.getLateStart()),
            _dt(task.getLateFinish()),
            minutes,
            bool(task.getCritical()),
        )
    return rows, seconds


@dataclass(frozen=True)
class Disagreement:
    """A value on which the engine and MPXJ differ."""

    uid: int
    field: str
    mpxj: object
    ours: object


def compare_with_mpxj(project: Project, result: Schedule | None = None) -> tuple[int, list[Disagreement]]:
    """Tasks compared and every disagreement (dates in working time of the task's calendar)."""
    result = result or schedule(project)
    fd, name = tempfile.mkstemp(suffix=".xml")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(write_mspdi(project))
        rows, _ = mpxj_schedule(Path(name))
    finally:
        os.unlink(name)
    cals = CalendarSet(project.calendars, project.start)
    tasks = {t.uid: t for t in project.tasks}
    diffs: list[Disagreement] = []
    compared = 0
    for uid, ours in result.tasks.items():
        theirs = rows.get(uid)
        if theirs is None:
            diffs.append(Disagreement(uid, "missing", None, ours))
            continue
        compared += 1
        task = tasks[uid]
        cal = task.calendar if task.calendar is not None else project.calendar
        for field in ("early_start", "early_finish", "late_start", "late_finish"):
            a, b = getattr(ours, field), getattr(theirs, field)
            if a != b and (task.elapsed or cals.working_seconds(cal, min(a, b), max(a, b)) != 0):
                diffs.append(Disagreement(uid, field, b, a))
        if abs(ours.total_slack - theirs.total_slack) > 0.5:
            diffs.append(Disagreement(uid, "total_slack", theirs.total_slack, ours.total_slack))
        if ours.critical != theirs.critical:
            diffs.append(Disagreement(uid, "critical", theirs.critical, ours.critical))
    return compared, diffs
