"""Core records shared by every domain: the tracked base model, business events, working-time calendars,
comments and attachments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackedModel(models.Model):
    """Base of every editable record: who created / changed it and when, and a version for optimistic locking."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class BusinessEvent(models.Model):
    """An explicit, named business fact written by a service (status changed, requirement confirmed, ...)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("verb"), max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("business event")
        verbose_name_plural = _("business events")
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type_id}:{self.target_id}"


class Calendar(TrackedModel):
    """Working time: hours per weekday, holidays and extra working days; may inherit from a base calendar.

    ``working_hours`` maps a weekday ("0" = Monday ... "6" = Sunday) to a list of ["HH:MM", "HH:MM"] intervals;
    a weekday that is absent inherits from the base calendar (or is non-working when there is none).
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    base = models.ForeignKey(
        "self",
        verbose_name=_("base calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
    )
    working_hours = models.JSONField(_("working hours"), default=dict, blank=True)
    minutes_per_day = models.PositiveIntegerField(_("minutes per day"), default=480)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CalendarException(models.Model):
    """A date range that is non-working (a holiday) or working with its own hours (an extra working day)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    name = models.CharField(_("name"), max_length=120, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    working = models.BooleanField(_("working"), default=False)
    hours = models.JSONField(_("hours"), default=list, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="calexc_range_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start_date}..{self.end_date}"


class Comment(TrackedModel):
    """A remark on any record; @mentions notify the people named."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.target_type_id}/{instance.target_id}/{filename}"


class Attachment(TrackedModel):
    """A file attached to any record; size-limited and type-checked by the service that stores it."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """Something a user should look at (they were @mentioned in a comment, ...); ``read_at`` is set once seen."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    verb = models.CharField(_("verb"), max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "at"])]

    def __str__(self) -> str:
        return f"{self.verb} -> {self.user_id}"
