"""Time entries: hours a person booked on a task on a day, submitted weekly and approved by the project's PM.

The cost of an approved entry is frozen at approval (hours x the person's cost rate then); the rate itself is
never stored here, so whoever sees the cost cannot read the rate off one entry unless they may see rates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel
from tripod.people.models import Person
from tripod.projects.models.wbs import Task


class TimeEntry(TrackedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="time_entries")
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="time_entries")
    day = models.DateField(_("day"))
    minutes = models.PositiveIntegerField(_("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)])
    note = models.CharField(_("note"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["person", "day", "task"]
        constraints = [models.UniqueConstraint(fields=["person", "task", "day"], name="timeentry_one_per_day")]
        indexes = [models.Index(fields=["task", "status"]), models.Index(fields=["person", "day"])]

    def __str__(self) -> str:
        return f"{self.person} {self.day} {self.task_id} {self.minutes}"
