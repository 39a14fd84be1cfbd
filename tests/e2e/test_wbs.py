"""The WBS grid in a real browser: add and edit rows with the keyboard, indent, link tasks (a loop is refused
with a message), delete with undo, paste rows from a spreadsheet; a member sees the plan read-only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.factories import make_user
from tests.projects.wbs_builders import make_plan, make_project
from tripod.identity.models import Role
from tripod.projects.models import Dependency, ProjectMember, Task

pytestmark = pytest.mark.e2e


def _row(page, name: str):
    return page.locator("#wbs-grid tbody tr", has=page.locator(".wbs-text", has_text=re.compile(f"^{name}$")))


@pytest.fixture
def project(transactional_db):
    return make_project(code="E2E")


def test_build_a_plan_with_the_keyboard(page, live_server, project):
    log_in(page, live_server.url, project.pm.username)
    page.goto(f"{live_server.url}/projects/{project.pk}/wbs/")

    page.get_by_role("button", name="New task").click()
    editor = page.locator("#wbs-grid td.wbs-editing input")
    expect(editor).to_be_focused()
    editor.fill("Design")
    editor.press("Enter")
    expect(_row(page, "Design")).to_have_count(1)

    expect(_row(page, "Design").locator("td[data-col='name']")).to_be_focused()
    page.keyboard.press("Insert")
    editor = page.locator("#wbs-grid td.wbs-editing input")
    expect(editor).to_be_focused()
    editor.fill("Build")
    editor.press("Tab")  # saves the name, moves to the kind column
    expect(_row(page, "Build")).to_have_count(1)

    # Duration: type over the cell, Enter saves.
    _row(page, "Build").locator("td[data-col='duration']").click()
    page.keyboard.type("3d")
    page.keyboard.press("Enter")
    expect(_row(page, "Build").locator("td[data-col='duration']")).to_have_text("3")

    # A dependency typed in the tree: Build after row 1.
    _row(page, "Build").locator("td[data-col='predecessors']").click()
    page.keyboard.press("Enter")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(_row(page, "Build").locator("td[data-col='predecessors']")).to_have_text("1")
    assert Dependency.objects.filter(pred__name="Design", succ__name="Build").exists()

    # The reverse link would make a loop: refused with the tasks named, nothing saved.
    _row(page, "Design").locator("td[data-col='predecessors']").click()
    page.keyboard.press("Enter")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.locator(".tp-toast").last).to_contain_text("2 Build")
    expect(page.locator("#wbs-grid td.wbs-editing input")).to_have_value("2")  # still open, to correct
    page.keyboard.press("Escape")
    expect(page.locator("#wbs-grid td.wbs-editing")).to_have_count(0)
    assert Dependency.objects.count() == 1

    # Finish-date of Build follows Design (rescheduled and re-rendered).
    design_finish = _row(page, "Design").locator("td[data-col='finish']").inner_text()
    build_start = _row(page, "Build").locator("td[data-col='start']").inner_text()
    assert design_finish and build_start and build_start >= design_finish


def test_indent_delete_undo_and_paste(page, live_server, project):
    make_plan(project, "Phase\t1d\nDesign\t2d\nBuild\t3d")
    log_in(page, live_server.url, project.pm.username)
    page.goto(f"{live_server.url}/projects/{project.pk}/wbs/")

    _row(page, "Design").locator("td[data-col='name']").click()
    page.keyboard.press("Alt+Shift+ArrowRight")
    expect(_row(page, "Design").locator(".wbs-code")).to_have_text("1.1")
    expect(_row(page, "Phase")).to_have_class(re.compile("wbs-summary"))

    # Collapse the summary with its chevron, expand again.
    _row(page, "Phase").locator("[data-wbs-toggle]").click()
    expect(_row(page, "Design")).to_be_hidden()
    _row(page, "Phase").locator("[data-wbs-toggle]").click()
    expect(_row(page, "Design")).to_be_visible()

    _row(page, "Build").locator("td[data-col='name']").click()
    page.keyboard.press("Alt+Shift+ArrowUp")
    expect(page.locator("#wbs-grid tbody tr").first.locator(".wbs-text")).to_have_text("Build")

    _row(page, "Build").locator("td[data-col='name']").click()
    page.keyboard.press("Delete")
    expect(_row(page, "Build")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(_row(page, "Build")).to_have_count(1)
    assert Task.objects.filter(name="Build").exists()

    page.get_by_role("button", name="Paste rows").click()
    page.locator("#wbs-paste-text").fill("QA\t2d\n\tSmoke test\t4h\nRelease\t0\t\t5")
    expect(page.locator("#wbs-paste-preview")).to_contain_text("3 rows will be inserted")
    page.get_by_role("button", name="Insert rows").click()
    expect(_row(page, "Smoke test")).to_have_count(1)
    expect(_row(page, "Release").locator(".wbs-diamond")).to_have_count(1)
    expect(page.locator("#wbs-paste")).to_be_hidden()

    # Ctrl+V on the grid opens the same dialog with the clipboard's rows previewed.
    _row(page, "QA").locator("td[data-col='name']").click()
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.setData("text/plain", "Docs\t1d\t8h");
            document.activeElement.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }"""
    )
    expect(page.locator("#wbs-paste-preview")).to_contain_text("1 row will be inserted")
    page.get_by_role("button", name="Insert rows").click()
    expect(_row(page, "Docs")).to_have_count(1)

    # Delete with the keyboard, undo with Ctrl+Z.
    _row(page, "Docs").locator("td[data-col='name']").click()
    page.keyboard.press("Delete")
    expect(_row(page, "Docs")).to_have_count(0)
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    page.keyboard.press("Control+z")
    expect(_row(page, "Docs")).to_have_count(1)


def test_a_member_sees_the_plan_read_only(page, live_server, project):
    make_plan(project, "Design\t2d")
    member = make_user(Role.MEMBER)
    ProjectMember.objects.create(project=project, user=member)
    log_in(page, live_server.url, member.username)
    page.goto(f"{live_server.url}/projects/{project.pk}/wbs/")
    expect(_row(page, "Design")).to_have_count(1)
    expect(page.get_by_role("button", name="New task")).to_have_count(0)
    _row(page, "Design").locator("td[data-col='name']").dblclick()
    expect(page.locator("#wbs-grid td.wbs-editing")).to_have_count(0)
