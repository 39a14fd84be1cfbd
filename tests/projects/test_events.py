"""Every business event the projects domain writes reads as a translated phrase on the activity timeline."""

from __future__ import annotations

import re
from pathlib import Path

import tripod.projects
from tripod.core.timeline import _event_labels

SOURCE = Path(tripod.projects.__file__).parent


def _verbs_written() -> set[str]:
    verbs: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        verbs |= set(re.findall(r'verb="([a-z_]+\.[a-z_]+)"', text))
        verbs |= set(re.findall(r'verb = "([a-z_]+\.[a-z_]+)"', text))
        verbs |= set(re.findall(r'"(risk\.action_[a-z]+)"', text))
        per_field = r'for field in \(([^)]*)\):\s*\n(?:.*\n){0,4}?.*verb = f"task\.\{field\}_changed"'
        for field in re.findall(per_field, text):
            verbs |= {f"task.{name.strip(chr(34) + ' ')}_changed" for name in field.split(",") if name.strip()}
        verbs |= {f"task.{v}" for v in re.findall(r'_restructure\(actor, [^)]*"task\.([a-z_]+)"', text)}
    return verbs


def test_every_projects_event_has_a_label() -> None:
    verbs = _verbs_written()
    assert {"risk.raised", "task.created", "task.status_changed", "task.indented"} <= verbs  # the scan finds them
    missing = sorted(v for v in verbs if v not in _event_labels)
    assert not missing, f"events without a timeline label: {missing}"
