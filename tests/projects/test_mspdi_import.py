from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.authz.world import build_world
from tests.projects.report_builders import statuses
from tripod.clients.models import Client
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.models import Calendar, CalendarException
from tripod.projects.models import Dependency, Project, Task
from tripod.projects.services.mspdi_export import project_export_mspdi
from tripod.projects.services.mspdi_import import project_import_mspdi
from tripod.scheduling import read_mspdi

pytestmark = pytest.mark.django_db
TESTDATA = Path("/work/shared/testdata/mspdi")
if not TESTDATA.exists():  # CI: shared/ sits beside the clone
    TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "mspdi"
FILES = sorted(TESTDATA.glob("*.xml"))
RELATIONS = TESTDATA / "mpxj__mspdirelations.xml"


@pytest.fixture
def world():
    world = build_world()
    Client.objects.filter(pk=world.client.pk).update(status=Client.Status.ACTIVE)
    return world


def _counts() -> tuple[int, ...]:
    return (
        Project.objects.count(),
        Task.all_objects.count(),
        Dependency.objects.count(),
        Calendar.objects.count(),
        CalendarException.objects.count(),
    )


def _import(world, data: bytes | Path, code: str = "IMP-1") -> Project:
    return project_import_mspdi(actor=world.users["pm_related"], client=world.client, code=code, name="", file=data)


def test_the_test_files_are_there():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_real_file_imports_and_schedules(world, path):
    model = read_mspdi(path)
    project = _import(world, path.read_bytes())
    expected_tasks = [t for t in model.tasks if t.uid != 0]
    assert project.tasks.count() == len(expected_tasks)
    assert Dependency.objects.filter(project=project).count() == len(model.links)
    assert project.calendar is not None and project.calendar.working_hours
    assert project.name == (model.name[:200] or project.name)
    project.refresh_from_db()
    assert project.scheduled_at is not None and project.schedule_error == ""
    assert project.start == model.start.date()
    tasks = list(project.tasks.order_by("position"))
    assert [t.position for t in tasks] == list(range(1, len(tasks) + 1))
    assert all(t.start is not None and t.finish is not None for t in tasks)
    by_name = {t.name: t for t in tasks}
    for source in expected_tasks:
        if source.parent not in (None, 0):
            parent_name = model.task(source.parent).name
            row = next(t for t in tasks if t.position == expected_tasks.index(source) + 1)
            assert row.parent is not None and row.parent.name == parent_name
    assert by_name  # names kept


def test_outline_kinds_links_progress_and_work_are_kept(world):
    path = TESTDATA / "mpxj__sample.xml"
    model = read_mspdi(path)
    project = _import(world, path.read_bytes())
    rows = {t.position: t for t in project.tasks.all()}
    sources = [t for t in model.tasks if t.uid != 0]
    for position, source in enumerate(sources, start=1):
        row = rows[position]
        assert row.kind == source.kind.value
        assert row.percent_complete == round(source.percent_complete)
        assert row.constraint_type == source.constraint.value
        if source.kind.value == "task":
            assert row.duration_min == round(source.duration)
        assert row.wbs_code == (source.wbs or source.outline_number)
    lags = sorted(Dependency.objects.filter(project=project).values_list("lag", flat=True))
    assert lags == sorted(round(link.lag) for link in model.links)
    work = {}
    for a in model.assignments:
        work[a.task] = work.get(a.task, 0) + a.work
    uid_position = {t.uid: i for i, t in enumerate(sources, start=1)}
    for uid, minutes in work.items():
        assert rows[uid_position[uid]].work_min == round(minutes)


def _broken(text: str, pattern: str, replacement: str) -> bytes:
    changed, n = re.subn(pattern, replacement, text, count=1)
    assert n == 1
    return changed.encode()


def _refused(world, data: bytes) -> str:
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        _import(world, data)
    assert _counts() == before  # not one row written
    return " ".join(str(m) for messages in exc.value.errors.values() for m in messages)


def test_a_cycle_writes_nothing_and_names_the_tasks(world):
    text = RELATIONS.read_text()
    data = _broken(
        text,
        r"<Name>Task 1</Name>",
        "<Name>Task 1</Name><PredecessorLink><PredecessorUID>3</PredecessorUID><Type>1</Type></PredecessorLink>",
    )
    message = _refused(world, data)
    assert "cycle" in message and "Task 1" in message and "Task 3" in message


def test_a_broken_date_writes_nothing_and_names_the_task_and_field(world):
    data = _broken(RELATIONS.read_text(), r"<Start>2006-09-22T08:00:00</Start>", "<Start>2006-02-30T08:00:00</Start>")
    message = _refused(world, data)
    assert "task 2" in message and "<Start>" in message


def test_a_bad_value_met_while_writing_undoes_the_calendar_and_project(world):
    # PercentComplete is read fine but refused when the task row is written, after the calendar and the project.
    text = RELATIONS.read_text()
    data = _broken(text, r"(?s)(<UID>3</UID>.*?<PercentComplete>)\d+(</PercentComplete>)", r"\g<1>150\g<2>")
    if b"150" not in data:
        pytest.fail("the fixture has no PercentComplete on task 3")
    message = _refused(world, data)
    assert "Task UID 3 (row 3)" in message and "<PercentComplete>" in message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"<not-closed", "XML"),
        (b'<?xml version="1.0"?><Tasks/>', "MSPDI"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Project/>', "DTD"),
    ],
)
def test_files_that_are_not_mspdi_are_refused(world, data, words):
    assert words in _refused(world, data)


def test_a_link_to_an_unknown_task_is_refused(world):
    text = RELATIONS.read_text()
    data = _broken(
        text,
        r"<Name>Task 1</Name>",
        "<Name>Task 1</Name><PredecessorLink><PredecessorUID>99</PredecessorUID><Type>1</Type></PredecessorLink>",
    )
    message = _refused(world, data)
    assert "99" in message


def test_code_must_be_new_and_only_pms_import(world):
    _import(world, RELATIONS.read_bytes(), code="DUP")
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        _import(world, RELATIONS.read_bytes(), code="DUP")
    assert "code" in exc.value.errors and _counts() == before
    for actor in ("member_related", "am_related", "lm_related", "client_related"):
        with pytest.raises(Forbidden):
            project_import_mspdi(
                actor=world.users[actor], client=world.client, code="X", name="X", file=RELATIONS.read_bytes()
            )


def test_export_reads_back_as_the_same_plan(world):
    source = TESTDATA / "mpxj__sample.xml"
    project = _import(world, source.read_bytes())
    data = project_export_mspdi(user=world.users["pm_related"], project=project)
    again = read_mspdi(data)
    tasks = list(project.tasks.order_by("position"))
    assert [t.name for t in again.tasks] == [t.name for t in tasks]
    assert len(again.links) == Dependency.objects.filter(project=project).count()
    copy = _import(world, data, code="IMP-2")
    assert copy.tasks.count() == project.tasks.count()
    with pytest.raises(Forbidden):
        project_export_mspdi(user=world.users["client_related"], project=project)


# --- pages ---------------------------------------------------------------------------------------------------------
def test_import_page_access_cells(world, client):
    cells = statuses(client, world, reverse("projects:import_mspdi"))
    assert cells == {
        "pm_related": 200,
        "member_related": 403,
        "pm_unrelated": 200,  # any PM may start a project
        "lm_related": 403,
        "am_related": 403,
        "client_related": 403,
        "anonymous": 302,
    }


def test_export_mspdi_access_cells(world, client):
    cells = statuses(client, world, reverse("projects:export_mspdi", args=[world.project.pk]))
    assert cells == {
        "pm_related": 200,
        "member_related": 200,
        "pm_unrelated": 404,
        "lm_related": 200,
        "am_related": 200,
        "client_related": 403,
        "anonymous": 302,
    }


def test_upload_imports_or_shows_the_error(world, client):
    client.force_login(world.users["pm_related"])
    url = reverse("projects:import_mspdi")
    bad = _broken(RELATIONS.read_text(), r"<Start>2006-09-22T08:00:00</Start>", "<Start>yesterday</Start>")
    response = client.post(
        url, {"client": world.client.pk, "code": "UP-1", "file": SimpleUploadedFile("plan.xml", bad)}
    )
    assert response.status_code == 200
    assert "&lt;Start&gt;" in response.content.decode() and not Project.objects.filter(code="UP-1").exists()
    response = client.post(
        url,
        {
            "client": world.client.pk,
            "code": "UP-1",
            "name": "Relations",
            "file": SimpleUploadedFile("plan.xml", RELATIONS.read_bytes()),
        },
    )
    project = Project.objects.get(code="UP-1")
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.name == "Relations" and project.tasks.count() == 5


def test_export_page_query_count_is_flat(world, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.projects.report_builders import make_task

    client.force_login(world.users["pm_related"])
    url = reverse("projects:export_mspdi", args=[world.project.pk])
    for i in range(3):
        make_task(world.project, f"T{i}", i + 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(3, 30):
        make_task(world.project, f"T{i}", i + 1)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and len(read_mspdi(response.content).tasks) == 30
