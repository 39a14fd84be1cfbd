"""Attachments: size limit, type checked by content, storage, deletion, and the download view's access check."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tripod.core.attachments import attachment_add, attachment_delete
from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.models import Attachment, BusinessEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office_zip(first_dir: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{first_dir}document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("logo.PNG", PNG, "image/png"),
        ("plan.docx", office_zip("word/"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", office_zip("xl/"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("export.csv", "名称,金额\nACME,100\n".encode(), "text/csv"),
        ("notes.txt", b"plain notes\n", "text/plain"),
        ("bundle.zip", office_zip("misc/"), "application/zip"),
    ],
)
def test_allowed_files_are_stored_with_their_original_name(am, client_acme, name, content, content_type):
    attachment = attachment_add(actor=am, target=client_acme, uploaded_file=upload(name, content))
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.target == client_acme
    assert attachment.created_by == am
    with attachment.file.open("rb") as handle:
        assert handle.read() == content
    assert name not in attachment.file.name  # stored under a random name


def test_too_large_file_is_refused_naming_the_limit(am, client_acme):
    with override_settings(TRIPOD_ATTACHMENT_MAX_BYTES=1024), pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=am, target=client_acme, uploaded_file=upload("big.pdf", PDF + b"0" * 2000))
    (message,) = exc.value.errors["file"]
    assert "1.0\xa0KB" in str(message)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("name", ["setup.exe", "page.html", "drawing.svg", "noextension"])
def test_type_not_allowed_is_refused_listing_allowed_types(am, client_acme, name):
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=am, target=client_acme, uploaded_file=upload(name, b"<svg onload=alert(1)>"))
    (message,) = exc.value.errors["file"]
    assert "pdf" in str(message) and "xlsx" in str(message) and "png" in str(message)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", EXE),  # a program named as a PDF
        ("photo.png", PDF),  # a PDF named as an image
        ("notes.txt", PNG),  # binary named as text
        ("notes.csv", EXE),
        ("plan.docx", office_zip("xl/")),  # a spreadsheet named as a Word file
        ("plan.docx", PDF),
        ("old.doc", PDF),
    ],
)
def test_disguised_file_is_refused(am, client_acme, name, content):
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=am, target=client_acme, uploaded_file=upload(name, content))
    (message,) = exc.value.errors["file"]
    assert name.rsplit(".", 1)[1] in str(message)
    assert not Attachment.objects.exists()


def test_long_text_cut_inside_a_character_is_still_text(am, client_acme):
    content = "x" + "客户名称,金额\n" * 2000  # 8192 bytes end inside a three-byte character
    assert len(content.encode()[:8192].decode("utf-8", errors="ignore").encode()) < 8192
    attachment = attachment_add(actor=am, target=client_acme, uploaded_file=upload("long.csv", content.encode()))
    assert attachment.content_type == "text/csv"
    gbk = ("客户,金额\n" * 3000).encode("gb18030")
    assert attachment_add(actor=am, target=client_acme, uploaded_file=upload("gbk.csv", gbk)).content_type == "text/csv"


def test_empty_file_is_refused(am, client_acme):
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=am, target=client_acme, uploaded_file=upload("empty.txt", b""))
    assert list(exc.value.errors) == ["file"]


def test_path_in_file_name_is_dropped(am, client_acme):
    attachment = attachment_add(actor=am, target=client_acme, uploaded_file=upload("..\\..\\evil/report.pdf", PDF))
    assert attachment.original_name == "report.pdf"


def test_user_who_cannot_see_the_record_cannot_attach(outsider, client_acme):
    with pytest.raises(NotFound):
        attachment_add(actor=outsider, target=client_acme, uploaded_file=upload("a.pdf", PDF))


def test_uploader_or_admin_deletes_others_may_not(am, am2, admin, client_acme, django_capture_on_commit_callbacks):
    first = attachment_add(actor=am, target=client_acme, uploaded_file=upload("a.pdf", PDF))
    second = attachment_add(actor=am, target=client_acme, uploaded_file=upload("b.pdf", PDF))
    with pytest.raises(Forbidden):
        attachment_delete(actor=am2, attachment=first)
    storage, name = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=am, attachment=first)
    assert not storage.exists(name)
    attachment_delete(actor=admin, attachment=second)
    assert not Attachment.objects.exists()
    assert list(BusinessEvent.objects.filter(verb="attachment.deleted").values_list("data__name", flat=True)) == [
        "b.pdf",
        "a.pdf",
    ]


@pytest.mark.urls("tests.core.urls")
def test_download_streams_the_file_to_users_who_see_the_record(client, am2, am, client_acme):
    attachment = attachment_add(actor=am, target=client_acme, uploaded_file=upload("季度报告.pdf", PDF))
    client.force_login(am2)
    response = client.get(f"/collab/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.urls("tests.core.urls")
def test_download_is_404_for_users_who_cannot_see_the_record(client, outsider, am, client_acme):
    attachment = attachment_add(actor=am, target=client_acme, uploaded_file=upload("secret.pdf", PDF))
    client.force_login(outsider)
    assert client.get(f"/collab/attachments/{attachment.pk}/").status_code == 404
    assert client.get("/collab/attachments/999999/").status_code == 404


@pytest.mark.urls("tests.core.urls")
def test_download_needs_login(client, am, client_acme):
    attachment = attachment_add(actor=am, target=client_acme, uploaded_file=upload("a.pdf", PDF))
    response = client.get(f"/collab/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]
