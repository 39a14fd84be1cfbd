"""Reads for a member's "My work" page: their tasks across projects, by due date."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from tripod.projects.access import projects_visible_to
from tripod.projects.models import Task


def my_tasks(*, user: Any, include_done: bool = False) -> QuerySet[Task]:
    """Live tasks the user's person is assigned to, on projects they may see, soonest finish first (unscheduled
    last). Done tasks (100 % or in the "done" status) are left out unless ``include_done``."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_internal):
        return Task.objects.none()
    qs = Task.objects.filter(
        pk__in=Task.objects.filter(assignments__person__user=user).values("pk"),
        project__in=projects_visible_to(user).values("pk"),
    ).exclude(kind=Task.Kind.SUMMARY)
    if not include_done:
        qs = qs.exclude(Q(percent_complete__gte=100) | Q(status="done") | Q(actual_finish__isnull=False))
    return qs.select_related("project").order_by(F("finish").asc(nulls_last=True), "project__code", "position")
