"""Pasting rows from a spreadsheet, and the duration / work / predecessor notation it shares with the grid."""

from __future__ import annotations

import pytest

from tests.projects.wbs_builders import make_plan, make_project, outline
from tripod.core.errors import ValidationFailed
from tripod.projects.models import Dependency, Task
from tripod.projects.services.wbs_paste import paste_rows_parse, tasks_paste
from tripod.projects.services.wbs_text import (
    PredecessorRef,
    TextError,
    days_display,
    duration_parse,
    lag_display,
    predecessor_display,
    predecessors_parse,
    work_parse,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("3d", 1440), ("4h", 240), ("2w", 4800), ("0", 0), ("1.5 days", 720), ("2", 960), ("30m", 30), ("3天", 1440)],
)
def test_durations_read_as_microsoft_project_writes_them(text, minutes):
    assert duration_parse(text) == minutes


def test_work_without_unit_is_hours_and_bad_text_says_why():
    assert work_parse("24") == 1440
    for bad in ("abc", "3y", "-2d"):
        with pytest.raises(TextError):
            duration_parse(bad)


def test_predecessor_notation_round_trips():
    refs = predecessors_parse("3FS+2d;5ss, 7FF-4h;8SF+50%;9+1ed")
    assert refs == [
        PredecessorRef(3, "FS", 960, "working"),
        PredecessorRef(5, "SS", 0, "working"),
        PredecessorRef(7, "FF", -240, "working"),
        PredecessorRef(8, "SF", 50, "percent"),
        PredecessorRef(9, "FS", 1440, "elapsed"),
    ]
    shown = [predecessor_display(r.row, r.type, r.lag, r.lag_unit) for r in refs]
    assert shown == ["3FS+2d", "5SS", "7FF-4h", "8SF+50%", "9FS+1ed"]
    assert predecessor_display(4, "FS", 0, "working") == "4"
    assert lag_display(90, "working") == "+1.5h"
    assert days_display(720) == "1.5"


@pytest.mark.django_db
def test_paste_builds_the_outline_with_links_and_milestones():
    project = make_project()
    text = (
        "Task Name\tDuration\tWork\tPredecessors\n"
        "Phase\t\t\t\n\tDesign\t3d\t24h\n\tBuild\t1w\t40h\t2\nLaunch\t0\t\t3FS+1d"
    )
    tasks = tasks_paste(actor=project.pm, project=project, text=text)
    assert [t.name for t in tasks] == ["Phase", "Design", "Build", "Launch"]
    assert outline(project) == [
        ("1", "Phase", "summary"),
        ("1.1", "Design", "task"),
        ("1.2", "Build", "task"),
        ("2", "Launch", "milestone"),
    ]
    assert Task.objects.get(name="Phase").work_min == 64 * 60
    assert set(Dependency.objects.values_list("pred__name", "succ__name", "lag")) == {
        ("Design", "Build", 0),
        ("Build", "Launch", 480),
    }
    assert Task.objects.get(name="Launch").start is not None  # rescheduled


@pytest.mark.django_db
def test_paste_after_a_task_lands_between_rows_and_spaces_indent():
    project = make_project()
    tasks = make_plan(project, "A\t1d\nB\t1d")
    tasks_paste(actor=project.pm, project=project, text="X\t1d\n  Y\t2d", after=tasks["A"])
    assert [name for _c, name, _k in outline(project)] == ["A", "X", "Y", "B"]
    assert outline(project)[2][0] == "2.1"


@pytest.mark.django_db
def test_a_bad_row_changes_nothing_and_names_row_and_column():
    project = make_project()
    make_plan(project, "A\t1d")
    cases = [
        ("Good\t1d\nBad\t3x", "Row 2, column duration"),
        ("Good\t1d\nBad\t1d\tlots", "Row 2, column work"),
        ("Good\t1d\nBad\t1d\t\t99", "Row 2, column predecessors"),
        ("Good\t1d\n\t\tToo deep\t1d", "Row 2, column name"),
        ("Good\t1d\n\t\t\nAlso\t1d\t\t3;", None),
    ]
    for text, fragment in cases:
        with pytest.raises(ValidationFailed) as exc:
            tasks_paste(actor=project.pm, project=project, text=text)
        if fragment:
            assert fragment in str(exc.value.errors["text"][0])
    assert [name for _c, name, _k in outline(project)] == ["A"]


@pytest.mark.django_db
def test_a_pasted_loop_is_refused():
    project = make_project()
    with pytest.raises(ValidationFailed) as exc:
        tasks_paste(actor=project.pm, project=project, text="A\t1d\t\t2\nB\t1d\t\t1")
    assert "loop" in str(exc.value.errors["text"][0])
    assert not Task.all_objects.exists()


def test_parse_reports_every_bad_row():
    with pytest.raises(ValidationFailed) as exc:
        paste_rows_parse("\tFirst\t1d\nA\t1q\nB\t1d\t2q")
    assert [message[:5] for message in exc.value.errors["text"]] == ["Row 2", "Row 2", "Row 3", "Row 3"]
    rows = paste_rows_parse("A\t1d\n\tB\t2h")
    assert [(r.name, r.level, r.duration_min) for r in rows] == [("A", 0, 480), ("B", 1, 120)]
