"""The work breakdown structure: tasks (summary, task, milestone) and the dependencies between them.

Durations and work are whole working minutes (a day is the project calendar's minutes per day). Date-times are
stored in UTC; the scheduling engine works in the project's local time and the scheduling service converts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel
from tripod.projects.models.project import Project


class LiveTaskManager(models.Manager["Task"]):
    """Tasks that are not in the bin (a deleted task stays restorable until it is purged)."""

    def get_queryset(self) -> models.QuerySet[Task]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Task(TrackedModel):
    class Kind(models.TextChoices):
        SUMMARY = "summary", _("Summary")
        TASK = "task", _("Task")
        MILESTONE = "milestone", _("Milestone")

    class Acceptance(models.TextChoices):
        NOT_APPLICABLE = "", _("Not a deliverable")
        PENDING = "pending", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    class Constraint(models.TextChoices):
        ASAP = "ASAP", _("As soon as possible")
        ALAP = "ALAP", _("As late as possible")
        SNET = "SNET", _("Start no earlier than")
        SNLT = "SNLT", _("Start no later than")
        FNET = "FNET", _("Finish no earlier than")
        FNLT = "FNLT", _("Finish no later than")
        MSO = "MSO", _("Must start on")
        MFO = "MFO", _("Must finish on")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Row order in the whole plan."))
    wbs_code = models.CharField(_("WBS code"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    duration_min = models.PositiveIntegerField(_("duration (working minutes)"), default=480)
    work_min = models.PositiveIntegerField(_("work estimate (minutes)"), default=0)
    deliverable = models.BooleanField(_("deliverable"), default=False)
    acceptance = models.CharField(
        _("acceptance"), max_length=10, choices=Acceptance.choices, default=Acceptance.NOT_APPLICABLE, blank=True
    )
    status = models.CharField(_("status"), max_length=32, default="todo")
    percent_complete = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("% complete"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    constraint_type = models.CharField(_("constraint"), max_length=4, choices=Constraint.choices, default="ASAP")
    constraint_date = models.DateTimeField(_("constraint date"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateTimeField(_("actual finish"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Written by the scheduling service only.
    start = models.DateTimeField(_("start"), null=True, blank=True, editable=False)
    finish = models.DateTimeField(_("finish"), null=True, blank=True, editable=False)
    early_start = models.DateTimeField(_("early start"), null=True, blank=True, editable=False)
    early_finish = models.DateTimeField(_("early finish"), null=True, blank=True, editable=False)
    late_start = models.DateTimeField(_("late start"), null=True, blank=True, editable=False)
    late_finish = models.DateTimeField(_("late finish"), null=True, blank=True, editable=False)
    total_slack_min = models.IntegerField(_("total slack (minutes)"), null=True, blank=True, editable=False)
    free_slack_min = models.IntegerField(_("free slack (minutes)"), null=True, blank=True, editable=False)
    critical = models.BooleanField(_("critical"), default=False, editable=False)

    # Rolled up from approved timesheets by the timesheet service.
    actual_work_min = models.PositiveIntegerField(_("actual work (minutes)"), default=0, editable=False)
    actual_cost = models.DecimalField(_("actual cost"), max_digits=14, decimal_places=2, default=0, editable=False)

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = LiveTaskManager()
    all_objects = models.Manager()
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "early_start",
            "early_finish",
            "late_start",
            "late_finish",
            "total_slack_min",
            "free_slack_min",
            "critical",
            "start",
            "finish",
        ]
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["project", "position"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["project", "position"]),
            models.Index(fields=["project", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="task_not_own_parent"),
            models.CheckConstraint(condition=models.Q(percent_complete__lte=100), name="task_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.wbs_code} {self.name}".strip()

    @property
    def is_summary(self) -> bool:
        return self.kind == self.Kind.SUMMARY

    @property
    def is_milestone(self) -> bool:
        return self.kind == self.Kind.MILESTONE


class Dependency(TrackedModel):
    """``succ`` depends on ``pred`` (finish-to-start by default), with a lag."""

    class Type(models.TextChoices):
        FS = "FS", _("Finish-to-start")
        SS = "SS", _("Start-to-start")
        FF = "FF", _("Finish-to-finish")
        SF = "SF", _("Start-to-finish")

    class LagUnit(models.TextChoices):
        WORKING = "working", _("working time")
        # xgettext:no-python-format
        PERCENT = "percent", _("% of the predecessor")
        ELAPSED = "elapsed", _("elapsed time")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies")
    pred = models.ForeignKey(Task, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="succ_links")
    succ = models.ForeignKey(Task, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="pred_links")
    type = models.CharField(_("type"), max_length=2, choices=Type.choices, default=Type.FS)
    lag = models.IntegerField(_("lag"), default=0, help_text=_("Minutes, or percent with a % lag."))
    lag_unit = models.CharField(_("lag unit"), max_length=8, choices=LagUnit.choices, default=LagUnit.WORKING)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["pred", "succ"], name="dependency_unique"),
            models.CheckConstraint(condition=~models.Q(pred=models.F("succ")), name="dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.pred_id} {self.type} {self.succ_id}"
