"""Change requests: a proposed change to a project's WBS, its impact, and the decisions of the PM, AM and LM.

A change request is raised from requirements or directly, drafted with its lines (the WBS delta: tasks to add, durations
and work to change, tasks to remove), submitted with a snapshot of its impact (computed by the scheduling engine's
what-if), decided by the project's PM, the client's owner AM and a line manager (one rejection rejects, three approvals
approve), and then applied to the WBS in one transaction. Transitions are made by ``tripod.scope.services`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel
from tripod.people.models import Person
from tripod.projects.models import Project, Task

__all__ = ["Approval", "ChangeRequest", "ChangeRequestLine"]


class ChangeRequest(TrackedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        APPLIED = "applied", _("Applied")

    # No further change once a change request is in one of these.
    CLOSED = (Status.REJECTED, Status.WITHDRAWN, Status.APPLIED)

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="change_requests"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("What changes, in plain words."))
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the change is needed."))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requirements = models.ManyToManyField(
        "scope.Requirement", verbose_name=_("requirements"), blank=True, related_name="change_requests"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    impact = models.JSONField(_("impact"), null=True, blank=True, editable=False)
    impact_at = models.DateTimeField(_("impact computed at"), null=True, blank=True, editable=False)
    # The plan as it stood when the impact was taken (Project.scheduled_at); a later schedule makes it stale.
    impact_plan_at = models.DateTimeField(_("plan scheduled at"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True, editable=False)
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    apply_error = models.TextField(_("why it could not be applied"), blank=True, editable=False)
    # The impact holds the cost delta, which not everyone who reads the history may see; it is its own record.
    history = HistoricalRecords(excluded_fields=["updated_at", "impact", "impact_at", "impact_plan_at"])

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_request_number_unique"),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ChangeRequestLine(TrackedModel):
    """One change to the WBS. Durations and work in working minutes; ``predecessors`` in the WBS grid's notation
    (``3FS+2d;5``: row numbers of the plan as it stands), added as links to the new or changed task."""

    class Kind(models.TextChoices):
        ADD_TASK = "add_task", _("Add a task")
        CHANGE_DURATION = "change_duration", _("Change the duration")
        CHANGE_WORK = "change_work", _("Change the work")
        REMOVE_TASK = "remove_task", _("Remove a task")

    change_request = models.ForeignKey(
        ChangeRequest, verbose_name=_("change request"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ADD_TASK)
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_request_lines",
    )
    parent = models.ForeignKey(
        Task,
        verbose_name=_("under summary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    duration_min = models.PositiveIntegerField(_("duration (working minutes)"), null=True, blank=True)
    work_min = models.PositiveIntegerField(_("work (minutes)"), null=True, blank=True)
    predecessors = models.CharField(_("predecessors"), max_length=200, blank=True)
    skill = models.CharField(_("skill"), max_length=100, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person to assign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("change request line")
        verbose_name_plural = _("change request lines")
        ordering = ["change_request_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.change_request_id} #{self.position} {self.kind}"


class Approval(TrackedModel):
    """One role's decision on a submitted change request: the PM of the project, the client's AM, a line manager."""

    class Role(models.TextChoices):
        PM = "pm", _("Project manager")
        AM = "am", _("Account manager")
        LM = "lm", _("Line manager")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    change_request = models.ForeignKey(
        ChangeRequest, verbose_name=_("change request"), on_delete=models.CASCADE, related_name="approvals"
    )
    role = models.CharField(_("role"), max_length=2, choices=Role.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["change_request_id", "at"]
        constraints = [models.UniqueConstraint(fields=["change_request", "role"], name="approval_role_unique")]

    def __str__(self) -> str:
        return f"{self.change_request_id} {self.role} {self.decision}"
