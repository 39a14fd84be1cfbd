"""Microsoft Project's own saved dates in an MSPDI file, and comparison with the engine's, in working time."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tripod.scheduling import Project, Schedule, read_mspdi, schedule
from tripod.scheduling.calendars import CalendarSet

# The shared test data sit beside the checkout (../shared), as on CI; TRIPOD_SHARED_DIR points elsewhere.
SHARED = Path(os.environ.get("TRIPOD_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
TESTDATA = SHARED / "testdata" / "mspdi"
FIELDS = ("early_start", "early_finish", "late_start", "late_finish", "total_slack", "free_slack", "critical")
_TAGS = {
    "early_start": "EarlyStart",
    "early_finish": "EarlyFinish",
    "late_start": "LateStart",
    "late_finish": "LateFinish",
}


@dataclass(frozen=True)
class Diff:
    """One value on which the engine and the saved file disagree."""

    file: str
    uid: int
    field: str
    saved: object
    ours: object


def saved_values(path: Path) -> dict[int, dict[str, object]]:
    """Per task uid: Project's saved early / late dates, total and free slack (minutes), critical flag."""
    root = ET.parse(path).getroot()  # noqa: S314 - the shared oracle files, not user input
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    out: dict[int, dict[str, object]] = {}
    for el in root.iter(f"{ns}Task"):

        def text(tag: str, el: ET.Element = el) -> str | None:
            child = el.find(ns + tag)
            return child.text if child is not None else None

        if text("IsNull") == "1" or text("Active") == "0":
            continue
        row: dict[str, object] = {k: datetime.fromisoformat(text(t) or "") for k, t in _TAGS.items()}
        row["total_slack"] = float(text("TotalSlack") or 0) / 10
        row["free_slack"] = float(text("FreeSlack") or 0) / 10
        row["critical"] = text("Critical") == "1"
        out[int(text("UID") or -1)] = row
    return out


def compare(path: Path, project: Project | None = None, result: Schedule | None = None) -> list[Diff]:
    """Every disagreement between the engine and the file's saved values (dates in working time)."""
    project = project or read_mspdi(path)
    result = result or schedule(project)
    cals = CalendarSet(project.calendars, project.start)
    tasks = {t.uid: t for t in project.tasks}
    diffs: list[Diff] = []
    for uid, saved in saved_values(path).items():
        ours = result.tasks[uid]
        task = tasks[uid]
        cal = task.calendar if task.calendar is not None else project.calendar
        for name in FIELDS:
            mine = getattr(ours, name)
            theirs = saved[name]
            if isinstance(theirs, datetime):
                same = mine == theirs or (
                    not task.elapsed and cals.working_seconds(cal, min(mine, theirs), max(mine, theirs)) == 0
                )
            elif name in ("total_slack", "free_slack"):
                same = abs(float(mine) - float(theirs)) < 0.05  # type: ignore[arg-type]
            else:
                same = mine == theirs
            if not same:
                diffs.append(Diff(path.name, uid, name, theirs, mine))
    return diffs
