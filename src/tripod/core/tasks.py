"""Background tasks of core: thin wrappers that take ids and call services."""

from __future__ import annotations

from django.tasks import task

from tripod.core.mentions import notification_email_send


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification (an @mention, ...) to its user."""
    return notification_email_send(notification_id=notification_id)
