"""@mentions in comments and the notifications they raise (a row per mentioned user, an e-mail on commit)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tripod.core.models import Comment, Notification
from tripod.core.registry import content_type_label, may_collaborate, record_kind, record_url

MENTION_VERB = "mentioned"
MAX_MENTIONS = 20

# "@name" not preceded by a word character (so e-mail addresses are not mentions); Django usernames may hold
# letters, digits and @.+-_ — a trailing dot is sentence punctuation, not part of the name.
MENTION_PATTERN = re.compile(r"(?<![\w@])@([\w.+-]+)")


def mention_usernames(body: str) -> list[str]:
    """The distinct usernames written as ``@username`` in ``body``, in order of appearance (case-insensitive)."""
    seen: dict[str, str] = {}
    for match in MENTION_PATTERN.finditer(body):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in seen:
            seen[name.lower()] = name
        if len(seen) >= MAX_MENTIONS:
            break
    return list(seen.values())


def mentions_resolve(*, body: str, target: models.Model) -> list[Any]:
    """Active users named in ``body`` who may see ``target`` and take part in its collaboration.

    A name that matches nobody, or somebody who may not see the record, is left as plain text: mentioning must
    neither leak the record to them nor tell the author who exists."""
    names = mention_usernames(body)
    if not names:
        return []
    kind = record_kind(target)
    if kind is None:
        return []
    condition = Q()
    for name in names:
        condition |= Q(username__iexact=name)
    candidates = list(get_user_model().objects.filter(condition, is_active=True))
    visible_ids: set[Any] = set()
    for user in candidates:
        if may_collaborate(user, kind) and kind.visible(user).filter(pk=target.pk).exists():
            visible_ids.add(user.pk)
    return [user for user in candidates if user.pk in visible_ids]


def mention_notify(*, actor: Any, comment: Comment, users: list[Any]) -> list[Notification]:
    """One notification per mentioned user (not the author), each e-mailed once the transaction commits."""
    from tripod.core.tasks import send_notification_email

    notifications = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                verb=MENTION_VERB,
                target_type_id=comment.target_type_id,
                target_id=comment.target_id,
                actor=actor,
                comment=comment,
            )
            for user in users
            if user.pk != actor.pk
        ]
    )
    for notification in notifications:
        transaction.on_commit(partial(send_notification_email.enqueue, notification.pk))
    return notifications


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification to its user, in their language; False when there is nothing to send."""
    notification = (
        Notification.objects.select_related("user", "actor", "comment", "target_type")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.user.is_active or not notification.user.email:
        return False
    target = notification.target
    if target is None:
        return False
    url = record_url(target) or ""
    base = getattr(settings, "TRIPOD_BASE_URL", "").rstrip("/")
    with translation.override(notification.user.language or settings.LANGUAGE_CODE):
        actor = str(notification.actor) if notification.actor else _("Someone")
        subject = _("%(actor)s mentioned you on %(record)s") % {"actor": actor, "record": target}
        lines = [subject, ""]
        if notification.comment is not None:
            lines += [notification.comment.body, ""]
        if url:
            lines.append(base + url)
        send_mail(subject, "\n".join(lines), None, [notification.user.email])
    return True


def notifications_for(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user).select_related("actor", "comment", "target_type")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


@dataclass(frozen=True)
class NotificationItem:
    notification: Notification
    target: models.Model
    url: str | None


def notification_items(*, user: Any, limit: int = 100) -> list[NotificationItem]:
    """The user's newest notifications with their records, leaving out records the user may no longer see.

    One query for the notifications and one per kind of record, however many there are."""
    notifications = list(notifications_for(user=user)[:limit])
    wanted: dict[str, set[str]] = defaultdict(set)
    for notification in notifications:
        wanted[content_type_label(notification.target_type)].add(notification.target_id)
    visible: dict[tuple[str, str], models.Model] = {}
    for label, ids in wanted.items():
        kind = record_kind(label)
        if kind is None or not may_collaborate(user, kind):
            continue
        for record in kind.visible(user).filter(pk__in=ids):
            visible[(label, str(record.pk))] = record
    items = []
    for notification in notifications:
        record = visible.get((content_type_label(notification.target_type), notification.target_id))
        if record is not None:
            items.append(NotificationItem(notification, record, record_url(record)))
    return items


def notifications_unread_count(*, user: Any) -> int:
    """How many notifications the user has not read yet (for a badge in the top bar)."""
    return notifications_for(user=user, unread_only=True).count()


@transaction.atomic
def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all unread, or those ``ids``) as read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
