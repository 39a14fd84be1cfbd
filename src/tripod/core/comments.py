"""Comments on any registered record, with @mentions."""

from __future__ import annotations

import re
from typing import Any

from django.db import models, transaction
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.mentions import MENTION_PATTERN, mention_notify, mentions_resolve
from tripod.core.models import Comment
from tripod.core.registry import (
    collaboration_check,
    collaboration_target,
    content_type_label,
    target_content_type,
)
from tripod.core.services import business_event_record

COMMENT_MAX_LENGTH = 10_000


def comment_body_clean(body: Any) -> str:
    """The comment text, stripped; ValidationFailed naming ``body`` when it is empty or too long."""
    text = (body or "").strip() if isinstance(body, str) or body is None else str(body).strip()
    if not text:
        raise ValidationFailed({"body": [_("Write a comment first.")]})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(
            {
                "body": [
                    _("A comment may have at most %(limit)d characters (it has %(length)d).")
                    % {"limit": COMMENT_MAX_LENGTH, "length": len(text)}
                ]
            }
        )
    return text


@transaction.atomic
def comment_add(*, actor: Any, target: models.Model, body: str) -> Comment:
    """Add a comment to ``target``; users @mentioned who may see the record are notified (and e-mailed on commit)."""
    collaboration_check(user=actor, record=target)
    text = comment_body_clean(body)
    comment = Comment.objects.create(
        target_type=target_content_type(target),
        target_id=str(target.pk),
        author=actor,
        body=text,
        created_by=actor,
        updated_by=actor,
    )
    mentioned = mentions_resolve(body=text, target=target)
    if mentioned:
        comment.mentions.set(mentioned)
        mention_notify(actor=actor, comment=comment, users=mentioned)
    return comment


def can_delete_comment(user: Any, comment: Comment) -> bool:
    return bool(user.is_authenticated and user.is_active and (comment.author_id == user.pk or user.is_admin))


@transaction.atomic
def comment_delete(*, actor: Any, comment: Comment) -> None:
    """Delete a comment (its author or an admin); the deletion stays on the record's timeline as an event."""
    if not can_delete_comment(actor, comment):
        raise Forbidden(_("Only the author or an administrator may delete this comment."))
    target = comment.target
    if target is None:
        raise NotFound(_("comment"))
    business_event_record(
        actor=actor,
        verb="comment.deleted",
        target=target,
        data={"comment": comment.pk, "author": comment.author_id},  # not the text: deleted means gone
    )
    comment.delete()


def comment_get_visible(*, user: Any, pk: Any) -> tuple[Comment, models.Model]:
    """A comment and its record, if ``user`` may see and collaborate on the record; NotFound otherwise."""
    comment = Comment.objects.select_related("target_type", "author").filter(pk=pk).first()
    if comment is None:
        raise NotFound(_("comment"))
    target = collaboration_target(user=user, label=content_type_label(comment.target_type), pk=comment.target_id)
    return comment, target


def comment_html(comment: Comment) -> SafeString:
    """The comment text as HTML: escaped, line breaks kept, and the @mentions that reached someone marked."""
    names = {user.username.lower() for user in comment.mentions.all()}

    def mark(match: re.Match[str]) -> str:
        name = match.group(1).rstrip(".")
        if name.lower() not in names:
            return match.group(0)
        rest = match.group(1)[len(name) :]
        return format_html('<span class="tp-mention text-primary fw-semibold">@{}</span>{}', name, rest)

    parts = [MENTION_PATTERN.sub(mark, str(escape(line))) for line in comment.body.splitlines()]
    return mark_safe("<br>".join(parts))  # noqa: S308 - every part is escaped above
