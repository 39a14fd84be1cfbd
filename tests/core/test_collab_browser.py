"""The activity panel in a real browser: HTMX comment with inline error, mention, upload, delete with confirmation."""

from __future__ import annotations

import os

import pytest
from django.test import Client as DjangoClient

from tripod.core.models import Attachment, Comment
from tripod.core.timeline import timeline_panel_url

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("registry"), pytest.mark.urls("tests.core.urls")]


def login(page, live_server, user):
    django_client = DjangoClient()
    django_client.force_login(user)
    cookie = django_client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_comment_upload_and_delete_in_the_browser(page, live_server, transactional_db, am, am2, client_acme, tmp_path):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    login(page, live_server, am)
    page.goto(live_server.url + timeline_panel_url(client_acme))
    panel = page.locator("section.tp-collab")

    # An empty comment: the error appears under the field, nothing else moves.
    panel.get_by_role("button", name="Comment").click()
    page.locator(".invalid-feedback", has_text="Write a comment first.").wait_for()
    assert Comment.objects.count() == 0

    panel = page.locator("section.tp-collab")
    panel.locator("textarea[name=body]").fill("Contract draft is ready, @bob please review")
    panel.get_by_role("button", name="Comment").click()
    page.locator(".tp-mention", has_text="@bob").wait_for()
    assert Comment.objects.get().mentions.get() == am2
    assert page.locator("textarea[name=body]").input_value() == ""

    # A disguised file is refused with the reason under the file field.
    fake = tmp_path / "contract.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    page.locator(".invalid-feedback", has_text="not a .pdf file").wait_for()

    real = tmp_path / "合同.pdf"
    real.write_bytes(b"%PDF-1.7\n%%EOF\n")
    page.locator("input[type=file]").set_input_files(str(real))
    page.get_by_role("button", name="Upload").click()
    link = page.get_by_role("link", name="合同.pdf")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "合同.pdf"

    # Delete the file, confirming in the shared dialog.
    page.locator(".tp-timeline-attachment button[aria-label=Delete]").click()
    page.locator("[data-tp-confirm-ok]").click()
    page.locator(".tp-timeline-event", has_text="deleted a file").wait_for()
    assert not Attachment.objects.exists()
    assert errors == []
    if os.environ.get("TRIPOD_SCREENSHOTS"):
        page.screenshot(path=os.environ["TRIPOD_SCREENSHOTS"], full_page=True)
