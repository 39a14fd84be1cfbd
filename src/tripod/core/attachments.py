"""File attachments on any registered record: size-limited, and type-checked by the file's content, not its name."""

from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.models import Attachment
from tripod.core.registry import (
    collaboration_check,
    collaboration_target,
    content_type_label,
    target_content_type,
)
from tripod.core.services import business_event_record

_HEAD_BYTES = 8192
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 compound document


def _guessed(mime: str) -> Callable[[bytes, IO[bytes]], bool]:
    def check(head: bytes, _file: IO[bytes]) -> bool:
        kind = filetype.guess(head)
        return kind is not None and kind.mime == mime

    return check


def _zip_with(member_prefix: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An Office Open XML file: a zip holding ``word/``, ``xl/`` or ``ppt/``."""

    def check(head: bytes, file: IO[bytes]) -> bool:
        names = _zip_names(head, file)
        return names is not None and any(name.startswith(member_prefix) for name in names)

    return check


def _open_document(mime: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An OpenDocument file: a zip whose first member ``mimetype`` states the type."""

    def check(head: bytes, _file: IO[bytes]) -> bool:
        return (
            head.startswith(b"PK\x03\x04") and head[30:38] == b"mimetype" and head[38 : 38 + len(mime)] == mime.encode()
        )

    return check


def _zip_names(head: bytes, file: IO[bytes]) -> list[str] | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)


def _any_zip(head: bytes, file: IO[bytes]) -> bool:
    return _zip_names(head, file) is not None


def _ole(head: bytes, _file: IO[bytes]) -> bool:
    return head.startswith(_OLE)


def _pdf(head: bytes, _file: IO[bytes]) -> bool:
    return head.lstrip(b"\r\n\t ")[:5] == b"%PDF-"


def _text(head: bytes, _file: IO[bytes]) -> bool:
    """Plain text: no binary signature, no NUL byte, and readable as UTF-8 or GB 18030."""
    if b"\x00" in head or filetype.guess(head) is not None:
        return False
    cut = len(head) == _HEAD_BYTES  # the head of a longer file may end in the middle of a character
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if cut and exc.start >= len(head) - 4:
                return True
    return False


@dataclass(frozen=True)
class FileType:
    content_type: str
    check: Callable[[bytes, IO[bytes]], bool]


ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", _pdf),
    "png": FileType("image/png", _guessed("image/png")),
    "jpg": FileType("image/jpeg", _guessed("image/jpeg")),
    "jpeg": FileType("image/jpeg", _guessed("image/jpeg")),
    "gif": FileType("image/gif", _guessed("image/gif")),
    "webp": FileType("image/webp", _guessed("image/webp")),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _zip_with("word/")),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip_with("xl/")),
    "pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", _zip_with("ppt/")),
    "doc": FileType("application/msword", _ole),
    "xls": FileType("application/vnd.ms-excel", _ole),
    "ppt": FileType("application/vnd.ms-powerpoint", _ole),
    "odt": FileType(
        "application/vnd.oasis.opendocument.text", _open_document("application/vnd.oasis.opendocument.text")
    ),
    "ods": FileType(
        "application/vnd.oasis.opendocument.spreadsheet",
        _open_document("application/vnd.oasis.opendocument.spreadsheet"),
    ),
    "odp": FileType(
        "application/vnd.oasis.opendocument.presentation",
        _open_document("application/vnd.oasis.opendocument.presentation"),
    ),
    "txt": FileType("text/plain", _text),
    "md": FileType("text/markdown", _text),
    "csv": FileType("text/csv", _text),
    "zip": FileType("application/zip", _any_zip),
}


def allowed_extensions() -> str:
    return ", ".join(sorted(ALLOWED_TYPES))


def attachment_file_check(uploaded_file: UploadedFile) -> tuple[str, str]:
    """Check an upload's size and type; return (safe original name, content type) or ValidationFailed on ``file``."""
    if uploaded_file is None:
        raise ValidationFailed({"file": [_("Choose a file to upload.")]})
    limit = settings.TRIPOD_ATTACHMENT_MAX_BYTES
    size = uploaded_file.size or 0
    if size > limit:
        raise ValidationFailed(
            {
                "file": [
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
                ]
            }
        )
    if size == 0:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    name = os.path.basename((uploaded_file.name or "").replace("\\", "/")).strip()[:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise ValidationFailed(
            {
                "file": [
                    _("Files of this type are not allowed. Allowed types: %(types)s.") % {"types": allowed_extensions()}
                ]
            }
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(_HEAD_BYTES)
    uploaded_file.seek(0)
    if not file_type.check(head, uploaded_file):
        raise ValidationFailed(
            {"file": [_("The content of the file is not a .%(extension)s file.") % {"extension": extension}]}
        )
    return name, file_type.content_type


@transaction.atomic
def attachment_add(*, actor: Any, target: models.Model, uploaded_file: UploadedFile) -> Attachment:
    """Attach a file to ``target``. The file is stored under a random name; its original name is kept for download."""
    collaboration_check(user=actor, record=target)
    name, content_type = attachment_file_check(uploaded_file)
    attachment = Attachment(
        target_type=target_content_type(target),
        target_id=str(target.pk),
        original_name=name,
        content_type=content_type,
        size=uploaded_file.size,
        created_by=actor,
        updated_by=actor,
    )
    extension = name.rsplit(".", 1)[-1].lower()
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", uploaded_file, save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def can_delete_attachment(user: Any, attachment: Attachment) -> bool:
    return bool(user.is_authenticated and user.is_active and (attachment.created_by_id == user.pk or user.is_admin))


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Delete an attachment (its uploader or an admin); the file goes once the transaction commits."""
    if not can_delete_attachment(actor, attachment):
        raise Forbidden(_("Only the person who uploaded this file or an administrator may delete it."))
    target = attachment.target
    if target is None:
        raise NotFound(_("attachment"))
    business_event_record(
        actor=actor, verb="attachment.deleted", target=target, data={"name": attachment.original_name}
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachment_get_visible(*, user: Any, pk: Any) -> tuple[Attachment, models.Model]:
    """An attachment and its record, if ``user`` may see and collaborate on the record; NotFound otherwise."""
    attachment = Attachment.objects.select_related("target_type").filter(pk=pk).first()
    if attachment is None:
        raise NotFound(_("attachment"))
    target = collaboration_target(user=user, label=content_type_label(attachment.target_type), pk=attachment.target_id)
    return attachment, target
