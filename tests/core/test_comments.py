"""Comments: validation, @mentions with notifications and e-mail, deletion rights."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django.core import mail
from django.test import override_settings
from django.utils.translation import get_language

from tests.core.conftest import IMMEDIATE_TASKS, make_user
from tripod.core.comments import COMMENT_MAX_LENGTH, comment_add, comment_delete, comment_html
from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.mentions import mention_usernames, notification_items, notifications_mark_read
from tripod.core.models import BusinessEvent, Comment, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]


@pytest.mark.parametrize("body", ["", "   \n ", None])
def test_empty_comment_is_refused_naming_body(am, client_acme, body):
    with pytest.raises(ValidationFailed) as exc:
        comment_add(actor=am, target=client_acme, body=body)
    assert list(exc.value.errors) == ["body"]
    assert not Comment.objects.exists()


def test_too_long_comment_is_refused_with_the_limit(am, client_acme):
    with pytest.raises(ValidationFailed) as exc:
        comment_add(actor=am, target=client_acme, body="x" * (COMMENT_MAX_LENGTH + 1))
    (message,) = exc.value.errors["body"]
    assert "10000" in str(message)
    comment_add(actor=am, target=client_acme, body="x" * COMMENT_MAX_LENGTH)  # the limit itself is fine


def test_comment_is_stored_on_its_target(am, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="  Kick-off went well.  ")
    assert comment.body == "Kick-off went well."
    assert comment.target == client_acme
    assert comment.author == am
    assert comment.created_by == am


def test_user_who_cannot_see_the_record_cannot_comment(outsider, client_acme):
    with pytest.raises(NotFound):
        comment_add(actor=outsider, target=client_acme, body="hello")


def test_portal_user_does_not_take_part_in_internal_discussion(portal, client_acme):
    with pytest.raises(Forbidden):
        comment_add(actor=portal, target=client_acme, body="hello")


def test_mention_parsing():
    body = "Ping @bob and @Alice. Mail a@b.com, not @@x; again @bob, @zhang.wei."
    assert mention_usernames(body) == ["bob", "Alice", "zhang.wei"]


def test_mentions_notify_users_who_may_see_the_record(
    am, am2, outsider, client_acme, django_capture_on_commit_callbacks
):
    inactive = make_user("ghost", "am", is_active=False)
    client_acme.account_team.add(inactive)
    with override_settings(TASKS=IMMEDIATE_TASKS), django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment = comment_add(
            actor=am, target=client_acme, body="@BOB please check; @zhang.wei @ghost @nobody and me @alice"
        )
    # bob sees ACME; zhang.wei does not (no leak), ghost is inactive, nobody does not exist; the author is
    # mentioned but not notified.
    assert set(comment.mentions.values_list("username", flat=True)) == {"bob", "alice"}
    notifications = list(Notification.objects.all())
    assert [(n.user, n.verb, n.actor, n.target, n.comment) for n in notifications] == [
        (am2, "mentioned", am, client_acme, comment)
    ]
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.com"]
    assert "Alice Wang" in message.subject and "ACME Cloud" in message.subject
    assert "@BOB please check" in message.body
    assert f"/clients/{client_acme.pk}/" in message.body


def test_mention_is_queued_for_the_worker_with_the_default_backend(
    am, am2, client_acme, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    database_queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=database_queue), django_capture_on_commit_callbacks(execute=True):
        comment_add(actor=am, target=client_acme, body="@bob queued")
    notification = Notification.objects.get()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "tripod.core.tasks.send_notification_email"
    assert queued.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert mail.outbox == []  # the worker sends it


def test_no_mail_when_the_transaction_does_not_commit(am, am2, client_acme, django_capture_on_commit_callbacks):
    with override_settings(TASKS=IMMEDIATE_TASKS), django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment_add(actor=am, target=client_acme, body="@bob hi")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_mention_email_is_written_in_the_users_language(am, client_acme, django_capture_on_commit_callbacks):
    client_acme.account_team.add(make_user("li.na", "am", language="zh-hans"))
    seen = []
    with (
        patch("tripod.core.mentions.send_mail", side_effect=lambda *a, **k: seen.append(get_language())),
        override_settings(TASKS=IMMEDIATE_TASKS),
        django_capture_on_commit_callbacks(execute=True),
    ):
        comment_add(actor=am, target=client_acme, body="@li.na 看一下")
    assert seen == ["zh-hans"]


def test_notifications_list_and_mark_read(am, am2, client_acme):
    comment_add(actor=am, target=client_acme, body="@bob one")
    comment_add(actor=am, target=client_acme, body="@bob two")
    items = notification_items(user=am2)
    assert [item.notification.comment.body for item in items] == ["@bob two", "@bob one"]
    assert items[0].target == client_acme and items[0].url == f"/clients/{client_acme.pk}/"
    assert notifications_mark_read(user=am2) == 2
    assert notifications_mark_read(user=am2) == 0
    # Someone who lost sight of the record no longer sees notifications about it.
    client_acme.account_team.remove(am2)
    assert notification_items(user=am2) == []


def test_comment_html_escapes_and_marks_mentions(am, am2, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="<b>hi</b> @bob.\nsecond @nobody")
    html = comment_html(comment)
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert '<span class="tp-mention text-primary fw-semibold">@bob</span>.' in html
    assert "@nobody" in html and "<br>" in html


def test_author_deletes_own_comment_and_the_deletion_is_an_event(am, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="oops")
    comment_delete(actor=am, comment=comment)
    assert not Comment.objects.exists()
    event = BusinessEvent.objects.get(verb="comment.deleted")
    assert event.target == client_acme and event.actor == am


def test_admin_may_delete_any_comment(am, admin, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="spam")
    comment_delete(actor=admin, comment=comment)
    assert not Comment.objects.exists()


def test_others_may_not_delete_a_comment(am, am2, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="mine")
    with pytest.raises(Forbidden):
        comment_delete(actor=am2, comment=comment)
    assert Comment.objects.filter(pk=comment.pk).exists()
