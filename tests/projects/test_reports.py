from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.authz.world import build_world
from tests.projects.report_builders import (
    FakeEV,
    make_baseline,
    make_milestone,
    make_report,
    make_risk,
    make_task,
    make_time,
    statuses,
)
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.projects.models import Rag, StatusReport
from tripod.projects.selectors.reports import status_report_list
from tripod.projects.services import reports as report_services
from tripod.projects.services.reports import (
    rag_for_index,
    status_report_draft,
    status_report_publish,
    status_report_share,
    status_report_update,
)

pytestmark = pytest.mark.django_db
END = date(2026, 3, 6)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def ev(monkeypatch):
    """Set the SPI / CPI the draft sees (helper D's earned value is tested on its own)."""

    def set_ev(spi, cpi):
        monkeypatch.setattr(report_services, "_earned_value", lambda **kw: FakeEV(spi, cpi))

    set_ev("1.00", "1.00")
    return set_ev


@pytest.mark.parametrize(
    ("index", "rag"),
    [(None, "green"), ("1.20", "green"), ("0.95", "green"), ("0.949", "amber"), ("0.85", "amber"), ("0.84", "red")],
)
def test_rag_thresholds(index, rag):
    from decimal import Decimal

    assert rag_for_index(None if index is None else Decimal(index)) == rag


@pytest.mark.parametrize(
    ("spi", "cpi", "schedule", "cost", "overall"),
    [
        ("1.00", "0.99", "green", "green", "green"),
        ("0.90", "1.10", "amber", "green", "amber"),
        ("0.96", "0.70", "green", "red", "red"),
    ],
)
def test_draft_computes_rag_from_spi_and_cpi(world, ev, spi, cpi, schedule, cost, overall):
    ev(spi, cpi)
    report = status_report_draft(actor=world.users["pm_related"], project=world.project, period_end=END)
    assert (report.schedule_rag, report.cost_rag, report.rag) == (schedule, cost, overall)
    assert report.facts["spi"] == spi and report.facts["cpi"] == cpi
    assert report.period_start == END - timedelta(days=6) and report.status_date == END
    assert report.published_at is None


def test_draft_with_real_earned_value_of_an_unbudgeted_project_is_green(world):
    report = status_report_draft(
        actor=world.users["pm_related"], project=world.project, period_end=END, cadence="biweekly"
    )
    assert report.rag == Rag.GREEN
    assert report.period_start == END - timedelta(days=13)


def test_open_high_risks_and_slipped_milestones_make_it_amber(world, ev):
    project = world.project
    make_risk(project, 1, 5, 4, title="Vendor late")  # 20: high
    make_risk(project, 2, 3, 4)  # 12: not high
    make_risk(project, 3, 5, 5, status="closed")  # closed
    report = status_report_draft(actor=world.users["pm_related"], project=project, period_end=END)
    assert [r["number"] for r in report.facts["high_risks"]] == [1]
    assert report.rag == Rag.AMBER and report.schedule_rag == Rag.GREEN


def test_slipped_milestones_late_against_baseline_or_overdue(world, ev):
    project = world.project
    late = make_milestone(project, "Design signed", 1, date(2026, 3, 20))
    overdue = make_milestone(project, "Kick-off", 2, date(2026, 3, 2))
    done = make_milestone(project, "Contract", 3, date(2026, 3, 1), percent_complete=100)
    fine = make_milestone(project, "Go-live", 4, date(2026, 6, 1))
    make_baseline(project, {late: date(2026, 3, 13), fine: date(2026, 6, 1), done: date(2026, 3, 1)})
    report = status_report_draft(actor=world.users["pm_related"], project=project, period_end=END)
    slipped = {m["name"]: m for m in report.facts["slipped_milestones"]}
    assert set(slipped) == {"Design signed", "Kick-off"}
    assert slipped["Design signed"]["late_vs_baseline"] and not slipped["Design signed"]["overdue"]
    assert slipped["Kick-off"]["overdue"]
    assert [m["name"] for m in report.facts["milestones"]] == ["Design signed", "Kick-off", "Contract", "Go-live"]
    assert report.rag == Rag.AMBER
    assert overdue.pk in {m["id"] for m in report.facts["milestones"]}


def test_hours_against_plan_to_date(world, ev):
    from tests.projects.report_builders import aware

    project = world.project
    finished = make_task(
        project, "Build", 1, work_min=2400, start=aware(date(2026, 2, 23), 8), finish=aware(END - timedelta(days=1))
    )
    half = make_task(
        project,
        "Test",
        2,
        work_min=1000,
        start=aware(END + timedelta(days=1), 0) - timedelta(days=5),
        finish=aware(END + timedelta(days=1), 0) + timedelta(days=5),
    )
    make_task(project, "Later", 3, work_min=999, start=aware(date(2026, 4, 1), 8), finish=aware(date(2026, 4, 3)))
    make_time(world.person, finished, END - timedelta(days=2), 600)
    make_time(world.person, finished, END - timedelta(days=1), 120, status="submitted")  # not approved
    make_time(world.person, half, END + timedelta(days=1), 60)  # after the period
    report = status_report_draft(actor=world.users["pm_related"], project=project, period_end=END)
    assert report.facts["planned_work_min"] == 2400 + 500
    assert report.facts["actual_work_min"] == 600


def test_one_report_per_period_and_valid_cadence(world, ev):
    pm = world.users["pm_related"]
    status_report_draft(actor=pm, project=world.project, period_end=END)
    with pytest.raises(ValidationFailed) as exc:
        status_report_draft(actor=pm, project=world.project, period_end=END)
    assert "period_end" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        status_report_draft(actor=pm, project=world.project, period_end=END + timedelta(days=7), cadence="daily")
    assert "cadence" in exc.value.errors
    assert StatusReport.objects.count() == 1


@pytest.mark.parametrize("actor", ["member_related", "am_related", "lm_related", "pm_unrelated", "client_related"])
def test_only_the_pm_drafts_and_writes(world, ev, actor):
    with pytest.raises(Forbidden):
        status_report_draft(actor=world.users[actor], project=world.project, period_end=END)
    report = make_report(world.project, END)
    with pytest.raises(Forbidden):
        status_report_update(actor=world.users[actor], report=report, version=None, narrative="x")
    with pytest.raises(Forbidden):
        status_report_publish(actor=world.users[actor], report=report, version=None)


def test_rag_override_needs_a_reason(world, ev):
    pm = world.users["pm_related"]
    report = status_report_draft(actor=pm, project=world.project, period_end=END)
    with pytest.raises(ValidationFailed) as exc:
        status_report_update(actor=pm, report=report, version=report.version, rag="red")
    assert "rag_reason" in exc.value.errors
    report = status_report_update(
        actor=pm, report=report, version=report.version, rag="red", rag_reason="Key architect resigned"
    )
    assert report.rag == "red" and report.facts["computed_rag"] == "green"
    report = status_report_update(actor=pm, report=report, version=report.version, rag="green", rag_reason="stale")
    assert report.rag_reason == ""  # back to the computed status: no reason to keep


def test_publish_freezes_the_report(world, ev):
    pm = world.users["pm_related"]
    report = status_report_draft(actor=pm, project=world.project, period_end=END)
    with pytest.raises(ValidationFailed) as exc:
        status_report_publish(actor=pm, report=report, version=report.version)
    assert "narrative" in exc.value.errors
    report = status_report_update(actor=pm, report=report, version=report.version, narrative="On track.")
    report = status_report_publish(actor=pm, report=report, version=report.version)
    assert report.is_published and report.published_by == pm
    with pytest.raises(ValidationFailed):
        status_report_update(actor=pm, report=report, version=report.version, narrative="Changed")
    with pytest.raises(ValidationFailed):
        status_report_publish(actor=pm, report=report, version=report.version)
    assert StatusReport.objects.get(pk=report.pk).narrative == "On track."


def test_sharing_needs_a_client_summary(world, ev):
    pm = world.users["pm_related"]
    report = make_report(world.project, END, narrative="n", published_at="2026-03-07T00:00Z")
    with pytest.raises(ValidationFailed) as exc:
        status_report_share(actor=pm, report=report, shareable=True)
    assert "client_summary" in exc.value.errors
    StatusReport.objects.filter(pk=report.pk).update(client_summary="All good")
    report.refresh_from_db()
    assert status_report_share(actor=pm, report=report, shareable=True).shareable


def test_the_portal_lists_only_published_shared_reports(world):
    project = world.project
    make_report(project, END)  # draft
    make_report(project, END + timedelta(days=7), published_at="2026-03-14T00:00Z")  # not shared
    shared = make_report(
        project, END + timedelta(days=14), published_at="2026-03-21T00:00Z", shareable=True, client_summary="ok"
    )
    assert list(status_report_list(user=world.users["client_related"], project=project)) == [shared]
    assert status_report_list(user=world.users["member_related"], project=project).count() == 3
    assert status_report_list(user=world.users["client_unrelated"], project=project).count() == 0


# --- pages ---------------------------------------------------------------------------------------------------------
READERS_OF_DRAFTS = {
    "pm_related": 200,
    "member_related": 200,
    "pm_unrelated": 404,
    "lm_related": 200,
    "am_related": 200,
    "client_related": 404,
    "anonymous": 302,
}


def test_report_list_access_cells(world, client):
    url = reverse("projects:reports", args=[world.project.pk])
    assert statuses(client, world, url) == {**READERS_OF_DRAFTS, "client_related": 200}


@pytest.mark.parametrize("name", ["report_detail", "report_print", "report_pdf"])
def test_draft_report_pages_access_cells(world, client, name):
    report = make_report(world.project, END, narrative="Internal narrative")
    assert (
        statuses(client, world, reverse(f"projects:{name}", args=[report.project_id, report.pk])) == READERS_OF_DRAFTS
    )


@pytest.mark.parametrize("name", ["report_edit", "report_new"])
def test_report_writing_pages_access_cells(world, client, name):
    report = make_report(world.project, END)
    args = [world.project.pk] if name == "report_new" else [world.project.pk, report.pk]
    expected = {**READERS_OF_DRAFTS, "member_related": 403, "lm_related": 403, "am_related": 403}
    if name == "report_new":
        expected["client_related"] = 403  # the client sees the project, not this function
    assert statuses(client, world, reverse(f"projects:{name}", args=args)) == expected


def test_publish_post_access_cells(world, client):
    report = make_report(world.project, END, narrative="Ready")
    cells = statuses(client, world, reverse("projects:report_publish", args=[report.project_id, report.pk]), "post")
    assert cells == {
        "pm_related": 302,
        "member_related": 403,
        "pm_unrelated": 404,
        "lm_related": 403,
        "am_related": 403,
        "client_related": 404,
        "anonymous": 302,
    }
    report.refresh_from_db()
    assert report.is_published and report.published_by == world.users["pm_related"]


def test_the_client_reads_a_shared_report_without_internals(world, client):
    report = make_report(
        world.project,
        END,
        published_at="2026-03-07T00:00Z",
        shareable=True,
        client_summary="Design phase complete 设计完成",
        narrative="Internal: vendor is struggling",
        rag="amber",
        rag_reason="Vendor risk",
        facts={
            "computed_rag": "amber",
            "spi": "0.91",
            "cpi": "0.80",
            "high_risks": [{"number": 7, "title": "Vendor insolvency", "score": 20}],
            "milestones": [
                {
                    "name": "Go-live",
                    "finish": "2026-06-01T17:00:00+08:00",
                    "baseline_finish": None,
                    "done": False,
                    "slipped": False,
                }
            ],
        },
    )
    assert (
        statuses(client, world, reverse("projects:report_detail", args=[report.project_id, report.pk]))[
            "client_related"
        ]
        == 200
    )
    client.force_login(world.users["client_related"])
    for name in ("report_detail", "report_print"):
        html = client.get(reverse(f"projects:{name}", args=[report.project_id, report.pk])).content.decode()
        assert "设计完成" in html and "Go-live" in html and "Amber" in html
        for secret in ("vendor is struggling", "Vendor insolvency", "Vendor risk", "0.80"):
            assert secret not in html
    pdf = client.get(reverse("projects:report_pdf", args=[report.project_id, report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("projects:report_edit", args=[report.project_id, report.pk])).status_code == 403


def test_the_pm_writes_up_and_publishes_through_the_pages(world, client, ev):
    client.force_login(world.users["pm_related"])
    response = client.post(
        reverse("projects:report_new", args=[world.project.pk]), {"period_end": "2026-03-06", "cadence": "weekly"}
    )
    report = StatusReport.objects.get()
    args = [report.project_id, report.pk]
    assert response.status_code == 302 and response["Location"] == reverse("projects:report_edit", args=args)
    response = client.post(
        reverse("projects:report_edit", args=[report.project_id, report.pk]),
        {"rag": "red", "rag_reason": "", "narrative": "n", "client_summary": "s", "version": report.version},
    )
    assert response.status_code == 200 and 'id="id_rag_reason_error"' in response.content.decode()
    response = client.post(
        reverse("projects:report_edit", args=[report.project_id, report.pk]),
        {
            "rag": "green",
            "narrative": "Week 10: build on plan.",
            "client_summary": "On plan",
            "version": report.version,
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("projects:report_publish", args=[report.project_id, report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.is_published
    assert (
        client.get(reverse("projects:report_edit", args=[report.project_id, report.pk])).status_code == 302
    )  # read-only now
    assert (
        client.post(
            reverse("projects:report_share", args=[report.project_id, report.pk]), {"shareable": "1"}
        ).status_code
        == 302
    )
    assert StatusReport.objects.get(pk=report.pk).shareable


def test_the_pdf_renders_chinese_text(world, client):
    report = make_report(world.project, END, narrative="进度正常。风险可控。", client_summary="按计划进行")
    client.force_login(world.users["pm_related"])
    response = client.get(reverse("projects:report_pdf", args=[report.project_id, report.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"STSong-Light" in response.content


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_report_pages_query_counts_are_flat(world, client, django_assert_num_queries):
    client.force_login(world.users["pm_related"])
    project = world.project
    milestones = [
        {"name": f"M{i}", "finish": None, "baseline_finish": None, "done": False, "slipped": i % 2 == 0}
        for i in range(3)
    ]
    for i in range(3):
        make_report(project, END + timedelta(days=7 * i), facts={"milestones": milestones, "high_risks": []})
    detail = reverse("projects:report_detail", args=[project.pk, StatusReport.objects.first().pk])
    urls = [reverse("projects:reports", args=[project.pk]), detail]
    client.get(urls[0])
    small = [_count(client, url) for url in urls]
    for i in range(3, 30):
        make_report(project, END + timedelta(days=7 * i), published_at="2026-01-01T00:00Z")
    StatusReport.objects.filter(pk=StatusReport.objects.first().pk).update(
        facts={
            "milestones": milestones * 10,
            "high_risks": [{"number": n, "title": "t", "score": 20} for n in range(30)],
        }
    )
    for url, n in zip(urls, small, strict=True):
        with django_assert_num_queries(n):
            assert client.get(url).status_code == 200
