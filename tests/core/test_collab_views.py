"""The collaboration views: lookup through the registry (404 when unseen), HTMX partials, inline form errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.core.conftest import IMMEDIATE_TASKS
from tripod.core.comments import comment_add
from tripod.core.models import Attachment, Comment, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry"), pytest.mark.urls("tests.core.urls")]

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.7\n%%EOF\n"


def panel_url(client):
    return f"/collab/clients.client/{client.pk}/"


def test_panel_partial_shows_the_timeline(client, am, client_acme):
    comment_add(actor=am, target=client_acme, body="First call done")
    client.force_login(am)
    response = client.get(panel_url(client_acme), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="collab-clientsclient-{client_acme.pk}"' in html
    assert "First call done" in html
    assert "<html" not in html
    assert 'name="body"' in html and 'type="file"' in html


def test_panel_page_without_htmx(client, am, client_acme):
    client.force_login(am)
    response = client.get(panel_url(client_acme))
    assert response.status_code == 200
    assert "<html" in response.content.decode() and "ACME Cloud" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/collab/clients.client/{pk}/",
        "/collab/clients.client/999999/",
        "/collab/clients.client/not-a-number/",
        "/collab/nope.model/{pk}/",
        "/collab/identity.user/1/",
    ],
)
def test_panel_is_404_for_what_the_user_cannot_see(client, outsider, client_acme, path):
    client.force_login(outsider)
    assert client.get(path.format(pk=client_acme.pk), **HTMX).status_code == 404


def test_writes_are_404_for_users_who_cannot_see_the_record(client, am, outsider, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="internal")
    client.force_login(outsider)
    assert client.post(panel_url(client_acme) + "comments/", {"body": "x"}, **HTMX).status_code == 404
    upload = SimpleUploadedFile("a.pdf", PDF)
    assert client.post(panel_url(client_acme) + "attachments/", {"file": upload}, **HTMX).status_code == 404
    assert client.post(f"/collab/comments/{comment.pk}/delete/", **HTMX).status_code == 404
    assert Comment.objects.count() == 1 and not Attachment.objects.exists()


def test_portal_user_is_refused_internal_discussion(client, portal, client_acme):
    client.force_login(portal)
    assert client.get(panel_url(client_acme), **HTMX).status_code == 403


def test_anonymous_is_sent_to_login(client, client_acme):
    response = client.get(panel_url(client_acme))
    assert response.status_code == 302 and "login" in response["Location"]


def test_comment_post_htmx_returns_the_refreshed_panel(
    client, am, am2, client_acme, django_capture_on_commit_callbacks
):
    client.force_login(am)
    with override_settings(TASKS=IMMEDIATE_TASKS), django_capture_on_commit_callbacks(execute=True):
        response = client.post(panel_url(client_acme) + "comments/", {"body": "Over to you @bob"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Over to you" in html and "tp-mention" in html
    assert Notification.objects.get().user == am2


def test_empty_comment_htmx_shows_the_error_under_the_field(client, am, client_acme):
    client.force_login(am)
    response = client.post(panel_url(client_acme) + "comments/", {"body": "  "}, **HTMX)
    assert response.status_code == 200  # htmx swaps 2xx only
    dom_id = f"collab-clientsclient-{client_acme.pk}"
    assert response["HX-Retarget"] == f"#{dom_id}-comment-form"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.lstrip().startswith(f'<form id="{dom_id}-comment-form"')
    assert "is-invalid" in html and "Write a comment first." in html and 'class="invalid-feedback"' in html
    assert not Comment.objects.exists()


def test_comment_without_htmx_redirects_or_shows_the_page_with_errors(client, am, client_acme):
    client.force_login(am)
    response = client.post(panel_url(client_acme) + "comments/", {"body": "Plain form"})
    assert response.status_code == 302 and response["Location"] == panel_url(client_acme)
    response = client.post(panel_url(client_acme) + "comments/", {"body": ""})
    assert response.status_code == 422 and "Write a comment first." in response.content.decode()


def test_upload_refused_shows_the_reason_under_the_file_field(client, am, client_acme):
    client.force_login(am)
    upload = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    response = client.post(panel_url(client_acme) + "attachments/", {"file": upload}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"].endswith("-upload-form")
    html = response.content.decode()
    assert "The content of the file is not a .pdf file." in html and "is-invalid" in html
    assert not Attachment.objects.exists()


def test_upload_then_delete(client, am, client_acme):
    client.force_login(am)
    response = client.post(panel_url(client_acme) + "attachments/", {"file": SimpleUploadedFile("q3.pdf", PDF)}, **HTMX)
    assert response.status_code == 200 and "q3.pdf" in response.content.decode()
    attachment = Attachment.objects.get()
    response = client.post(f"/collab/attachments/{attachment.pk}/delete/", **HTMX)
    assert response.status_code == 200 and "deleted a file" in response.content.decode()
    assert not Attachment.objects.exists()


def test_deleting_someone_elses_comment_is_403(client, am, am2, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="mine")
    client.force_login(am2)
    assert client.post(f"/collab/comments/{comment.pk}/delete/", **HTMX).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_times_are_shown_in_the_users_time_zone(client, am, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="tz")
    am.time_zone = "America/New_York"
    am.save(update_fields=["time_zone"])
    client.force_login(am)
    html = client.get(panel_url(client_acme), **HTMX).content.decode()
    local = comment.created_at.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert f'datetime="{local.isoformat()}"' in html
    assert "just now</time>" in html


def test_search_dropdown_partial_and_page(client, am, client_acme, client_other):
    client.force_login(am)
    response = client.get("/collab/search/?q=acme", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "ACME Cloud" in html and f'href="/clients/{client_acme.pk}/"' in html
    assert "Globex" not in client.get("/collab/search/?q=globex", **HTMX).content.decode()
    page = client.get("/collab/search/?q=acme").content.decode()
    assert "<html" in page and "ACME Cloud" in page


def test_search_short_query_gives_a_hint(client, am, client_acme):
    client.force_login(am)
    response = client.get("/collab/search/?q=a", **HTMX)
    assert "Type at least 2 characters to search." in response.content.decode()


def test_notifications_page(client, am, am2, client_acme):
    comment_add(actor=am, target=client_acme, body="@bob see this")
    client.force_login(am2)
    html = client.get("/collab/notifications/").content.decode()
    assert "mentioned you on" in html and "ACME Cloud" in html
    response = client.post("/collab/notifications/read/")
    assert response.status_code == 302
    assert Notification.objects.get().read_at is not None
