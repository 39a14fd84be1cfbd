from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.authz.world import build_world
from tests.projects.report_builders import aware, make_assignment, make_risk, make_task, make_time, statuses
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.people.models import Person
from tripod.projects.services.exports import project_export, project_export_table

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


@pytest.fixture
def world():
    world = build_world()
    project = world.project
    build = make_task(project, "=cmd|' /C calc'!A0", 1, work_min=960, start=aware(DAY, 8), finish=aware(DAY, 17))
    build.actual_cost = Decimal("642.00")
    build.save()
    member = Person.objects.get(user=world.users["member_related"])
    make_assignment(build, world.person, 480)
    make_assignment(build, member, 480)
    make_time(world.person, build, DAY, 120, cost=Decimal("642.00"))
    make_time(member, build, DAY, 60, cost=Decimal("100.00"))
    make_risk(project, 1, 4, 4, title="供应商延误")
    return world


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_tasks_csv_for_the_pm_has_costs_but_never_a_rate(world):
    content, kind, name = project_export(user=world.users["pm_related"], project=world.project, what="tasks", fmt="csv")
    rows = _rows(content)
    assert kind.startswith("text/csv") and name == "P1-tasks.csv"
    assert rows[0][-1] == "Actual cost" and rows[1][-1] == "642.00"
    assert rows[1][1].startswith("'=")  # a formula-looking cell stays text
    assert rows[1][5] == "1.00" and rows[1][6] == "16.00"  # days, hours
    assert "321" not in content.decode("utf-8-sig")  # the person's cost rate


def test_a_member_gets_no_costs_and_only_their_own_hours(world):
    member = world.users["member_related"]
    tasks = project_export_table(user=member, project=world.project, what="tasks")
    assert "Actual cost" not in tasks.headers
    sheets = project_export_table(user=member, project=world.project, what="timesheets")
    assert "Cost" not in sheets.headers
    assert [row[1] for row in sheets.rows] == ["Member related"]


def test_the_pm_sees_all_hours_and_the_lm_their_reports(world):
    pm = project_export_table(user=world.users["pm_related"], project=world.project, what="timesheets")
    assert sorted(row[1] for row in pm.rows) == ["Member related", "Subject S"]
    # The cost of one entry would give a rate away: not for the PM, who sees cost totals elsewhere.
    assert "Cost" not in pm.headers
    assert all(Decimal("642.00") not in row and Decimal("100.00") not in row for row in pm.rows)
    lm = project_export_table(user=world.users["lm_related"], project=world.project, what="timesheets")
    assert [row[1] for row in lm.rows] == ["Subject S"]
    assert lm.headers[-1] == "Cost" and lm.rows[0][-1] is not None  # their own report's entry
    admin = project_export_table(user=world.users["admin"], project=world.project, what="timesheets")
    assert {row[-1] for row in admin.rows} == {Decimal("642.00"), Decimal("100.00")}


def test_am_sees_costs_totals_in_timesheets(world):
    table = project_export_table(user=world.users["am_related"], project=world.project, what="tasks")
    assert "Actual cost" in table.headers


def test_assignments_and_risks(world):
    pm = world.users["pm_related"]
    assignments = project_export_table(user=pm, project=world.project, what="assignments")
    assert [row[2] for row in assignments.rows] == ["Member related", "Subject S"]
    assert all("rate" not in h.lower() for h in assignments.headers)
    risks = project_export_table(user=pm, project=world.project, what="risks")
    assert risks.rows[0][:2] == ["R1", "供应商延误"] and risks.rows[0][7] == 16


def test_xlsx_is_a_real_workbook_with_numbers(world):
    content, kind, name = project_export(
        user=world.users["pm_related"], project=world.project, what="timesheets", fmt="xlsx"
    )
    assert name.endswith(".xlsx") and "spreadsheetml" in kind
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.values)
    assert values[0][0] == "Day" and len(values) == 3
    assert isinstance(values[1][4], int | float) and isinstance(values[1][0], datetime)


def test_headers_follow_the_language_and_dates_the_time_zone(world):
    pm = world.users["pm_related"]
    english = project_export_table(user=pm, project=world.project, what="tasks")
    with translation.override("zh-hans"):
        table = project_export_table(user=pm, project=world.project, what="tasks")
        assert table.headers == [translation.gettext(h) for h in english.headers]  # translated when exported
    assert table.rows[0][13] == "否" and english.rows[0][13] == "No"
    pm.time_zone = "UTC"
    table = project_export_table(user=pm, project=world.project, what="tasks")
    assert table.rows[0][7] == datetime(2026, 3, 2, 0, 0)  # 08:00 in Shanghai is midnight UTC
    pm.time_zone = "Asia/Shanghai"
    table = project_export_table(user=pm, project=world.project, what="tasks")
    assert table.rows[0][7] == datetime(2026, 3, 2, 8, 0)


def test_bad_choices_and_the_portal_are_refused(world):
    pm = world.users["pm_related"]
    with pytest.raises(ValidationFailed):
        project_export(user=pm, project=world.project, what="salaries", fmt="csv")
    with pytest.raises(ValidationFailed):
        project_export(user=pm, project=world.project, what="tasks", fmt="pdf")
    with pytest.raises(Forbidden):
        project_export_table(user=world.users["client_related"], project=world.project, what="tasks")


@pytest.mark.parametrize("what", ["tasks", "assignments", "timesheets", "risks"])
def test_export_access_cells(world, client, what):
    url = reverse("projects:export", args=[world.project.pk]) + f"?what={what}&format=csv"
    assert statuses(client, world, url) == {
        "pm_related": 200,
        "member_related": 200,
        "pm_unrelated": 404,
        "lm_related": 200,
        "am_related": 200,
        "client_related": 403,
        "anonymous": 302,
    }


def test_download_headers(world, client):
    client.force_login(world.users["pm_related"])
    response = client.get(reverse("projects:export", args=[world.project.pk]), {"what": "risks", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="P1-risks.xlsx"'


@pytest.mark.parametrize("what", ["tasks", "assignments", "timesheets", "risks"])
def test_export_query_count_is_flat(world, client, django_assert_num_queries, what):
    client.force_login(world.users["pm_related"])
    url = reverse("projects:export", args=[world.project.pk]) + f"?what={what}&format=xlsx"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(2, 30):
        task = make_task(world.project, f"T{i}", i, work_min=60)
        make_assignment(task, world.person)
        make_time(world.person, task, DAY, 30)
        make_risk(world.project, i, 2, 2)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
