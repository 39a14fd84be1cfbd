"""Writes on timesheets: booking minutes, submitting a week, approving or returning it, and rolling actuals up.

A person books time for themselves only. The project's PM approves or returns the submitted hours of a
person-week; approval freezes each entry's cost (hours x the person's cost rate at that moment) and rolls the
approved work and cost up the WBS, set-based, in a few queries whatever the size of the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.people.models import Person
from tripod.projects.access import can_approve_time, can_log_time, can_view_project
from tripod.projects.models import Project, Task, TimeEntry
from tripod.projects.selectors.resources import week_start

Status = TimeEntry.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
DAY_MINUTES = 24 * 60
CENT = Decimal("0.01")


def person_of(user: Any) -> Person:
    """The person record of a login; a login without one cannot keep a timesheet."""
    person = Person.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if person is None or not user.is_internal:
        raise Forbidden(_("Only members of staff with a person record keep a timesheet."))
    return person


def _day_label(day: date) -> str:
    return date_format(day, "D Y-m-d")


def _check_loggable(actor: Any, task: Task) -> None:
    if task.deleted_at is not None or not can_view_project(actor, task.project):
        raise NotFound(Task._meta.verbose_name)
    if not can_log_time(actor, task.project):
        raise Forbidden()
    if task.kind == Task.Kind.SUMMARY:
        raise ValidationFailed(
            {"task": [_("%(task)s is a summary task: book the time on one of its tasks.") % {"task": task}]}
        )
    if task.project.phase == Project.Phase.CLOSED:
        raise ValidationFailed(
            {"task": [_("%(project)s is closed: no more time can be booked on it.") % {"project": task.project}]}
        )


def _clean_minutes(minutes: Any) -> int:
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= DAY_MINUTES:
        raise ValidationFailed({"minutes": [_("Give between 0 and 24 hours.")]})
    return value


@transaction.atomic
def time_entry_save(*, actor: Any, task: Task, day: date, minutes: Any, note: str = "") -> TimeEntry | None:
    """Book ``minutes`` on ``task`` on ``day`` for the actor (the cell of their weekly grid): creates the entry,
    or updates the one already there; zero minutes removes it. Returns the entry, or None when removed."""
    person = person_of(actor)
    _check_loggable(actor, task)
    value = _clean_minutes(minutes)
    # One writer per person at a time, so two cells saved together cannot both pass the 24-hour check.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    entry = TimeEntry.objects.select_for_update(of=("self",)).filter(person=person, task=task, day=day).first()
    if entry is not None and entry.status not in EDITABLE:
        raise ValidationFailed(
            {
                "minutes": [
                    _("The hours of %(day)s on %(task)s are %(status)s and can no longer be changed.")
                    % {"day": _day_label(day), "task": task, "status": entry.get_status_display().lower()}
                ]
            }
        )
    if value == 0:
        if entry is not None:
            entry.delete()
        return None
    others = (
        TimeEntry.objects.filter(person=person, day=day)
        .exclude(pk=entry.pk if entry else None)
        .aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    if others + value > DAY_MINUTES:
        raise ValidationFailed(
            {
                "minutes": [
                    _("%(day)s would total %(hours)s hours; a day has at most 24.")
                    % {"day": _day_label(day), "hours": _hours(others + value)}
                ]
            }
        )
    if entry is None:
        return tracked_create(TimeEntry, actor=actor, person=person, task=task, day=day, minutes=value, note=note)
    entry, _changed = versioned_update(entry, actor=actor, version=None, changes={"minutes": value, "note": note})
    return entry


def _hours(minutes: int) -> str:
    return f"{Decimal(minutes) / 60:.2f}".rstrip("0").rstrip(".")


def _write(entries: list[TimeEntry], *, actor: Any, extra: tuple[str, ...] = (), **values: Any) -> None:
    """Set ``values`` on every entry and save them in one statement, with their history rows."""
    now = timezone.now()
    for entry in entries:
        for name, value in values.items():
            setattr(entry, name, value)
        entry.version += 1
        entry.updated_by = actor
        entry.updated_at = now
    fields = [*values, *extra, "version", "updated_by", "updated_at"]
    bulk_update_with_history(entries, TimeEntry, fields, default_user=actor, default_date=now)


@transaction.atomic
def timesheet_week_save(*, actor: Any, week: date, hours: Mapping[tuple[Task, date], Any]) -> int:
    """Book a whole week at once (the grid saved in one go, or last week copied): ``hours`` maps (task, day) to
    minutes, zero removing the cell. Same rules as :func:`time_entry_save`, checked for every cell before anything
    is written; returns how many cells were written."""
    person = person_of(actor)
    first, last = week_days(week)
    cells = {(task, day): _clean_minutes(minutes) for (task, day), minutes in hours.items()}
    for _task, day in cells:
        if not first <= day <= last:
            raise ValidationFailed({"day": [_("%(day)s is not in this week.") % {"day": _day_label(day)}]})
    for task in {task for task, _day in cells}:
        _check_loggable(actor, task)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    existing = {
        (entry.task_id, entry.day): entry
        for entry in TimeEntry.objects.select_for_update().filter(person=person, day__range=(first, last))
    }
    totals: dict[date, int] = defaultdict(int)
    for (_task_id, day), entry in existing.items():
        totals[day] += entry.minutes
    for (task, day), minutes in cells.items():
        entry = existing.get((task.pk, day))
        if entry is not None and entry.minutes != minutes and entry.status not in EDITABLE:
            raise ValidationFailed(
                {
                    "minutes": [
                        _("The hours of %(day)s on %(task)s are %(status)s and can no longer be changed.")
                        % {"day": _day_label(day), "task": task, "status": entry.get_status_display().lower()}
                    ]
                }
            )
        totals[day] += minutes - (entry.minutes if entry else 0)
    for day, total in sorted(totals.items()):
        if total > DAY_MINUTES:
            raise ValidationFailed(
                {
                    "minutes": [
                        _("%(day)s would total %(hours)s hours; a day has at most 24.")
                        % {"day": _day_label(day), "hours": _hours(total)}
                    ]
                }
            )
    new, changed, removed = [], [], []
    for (task, day), minutes in cells.items():
        entry = existing.get((task.pk, day))
        if entry is None:
            if minutes:
                new.append(TimeEntry(person=person, task=task, day=day, minutes=minutes, created_by=actor))
        elif minutes == 0:
            removed.append(entry.pk)
        elif entry.minutes != minutes:
            entry.minutes = minutes
            changed.append(entry)
    if new:
        for entry in new:
            entry.updated_by = actor
        bulk_create_with_history(new, TimeEntry, default_user=actor)
    if changed:
        _write(changed, actor=actor, extra=("minutes",))
    if removed:
        TimeEntry.objects.filter(pk__in=removed).delete()
    return len(new) + len(changed) + len(removed)


def week_days(week: date) -> tuple[date, date]:
    first = week_start(week)
    return first, first + timedelta(days=6)


@transaction.atomic
def timesheet_submit(*, actor: Any, week: date) -> int:
    """Submit the actor's draft and returned hours of ``week`` (any day in it); returns how many entries."""
    person = person_of(actor)
    first, last = week_days(week)
    entries = list(
        TimeEntry.objects.select_for_update(of=("self",))
        .filter(person=person, day__range=(first, last), status__in=EDITABLE)
        .select_related("task")
    )
    if not entries:
        raise ValidationFailed(
            {"week": [_("There are no hours to submit for the week of %(week)s.") % {"week": _day_label(first)}]}
        )
    _write(entries, actor=actor, status=Status.SUBMITTED, submitted_at=timezone.now())
    by_project: dict[int, list[TimeEntry]] = defaultdict(list)
    for entry in entries:
        by_project[entry.task.project_id].append(entry)
    projects = Project.objects.in_bulk(list(by_project))
    for project_id, project_entries in by_project.items():
        business_event_record(
            actor=actor,
            verb="timesheet.submitted",
            target=projects[project_id],
            data={"person": person.pk, "week": first.isoformat(), "entries": len(project_entries)},
        )
    return len(entries)


@dataclass(frozen=True)
class ApprovalOutcome:
    """What an approval did; ``unrated_minutes`` are approved hours of a person without a cost rate (costed at 0).
    The rate itself is never part of the outcome."""

    entries: int
    minutes: int
    unrated_minutes: int

    @property
    def has_unrated(self) -> bool:
        return self.unrated_minutes > 0


def _decidable(actor: Any, project: Project, person: Person, week: date) -> list[TimeEntry]:
    if not can_view_project(actor, project):
        raise NotFound(Project._meta.verbose_name)
    if not can_approve_time(actor, project):
        raise Forbidden()
    if person.user_id is not None and person.user_id == actor.pk and not actor.is_admin:
        raise Forbidden(_("Nobody approves their own hours."))
    first, last = week_days(week)
    entries = list(
        TimeEntry.objects.select_for_update(of=("self",)).filter(
            person=person, task__project=project, day__range=(first, last), status=Status.SUBMITTED
        )
    )
    if not entries:
        raise ValidationFailed(
            {
                "__all__": [
                    _("%(name)s has no submitted hours on this project in the week of %(week)s.")
                    % {"name": person, "week": _day_label(first)}
                ]
            }
        )
    return entries


def entry_cost(minutes: int, rate: Decimal | None) -> Decimal:
    if rate is None:
        return Decimal("0.00")
    return (Decimal(minutes) / 60 * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def timesheet_approve(*, actor: Any, project: Project, person: Person, week: date) -> ApprovalOutcome:
    """Approve the submitted hours of ``person`` on ``project`` in ``week``: cost them at the person's current
    rate and roll actual work and cost up the project's WBS."""
    entries = _decidable(actor, project, person, week)
    rate = Person.objects.filter(pk=person.pk).values_list("cost_rate", flat=True).first()
    for entry in entries:
        entry.cost = entry_cost(entry.minutes, rate)
    _write(
        entries,
        actor=actor,
        extra=("cost",),
        status=Status.APPROVED,
        decided_at=timezone.now(),
        decided_by=actor,
        return_reason="",
    )
    project_actuals_rollup(project=project)
    minutes = sum(e.minutes for e in entries)
    first, _last = week_days(week)
    business_event_record(
        actor=actor,
        verb="timesheet.approved",
        target=project,
        data={"person": person.pk, "week": first.isoformat(), "entries": len(entries), "minutes": minutes},
    )
    return ApprovalOutcome(len(entries), minutes, minutes if rate is None else 0)


@transaction.atomic
def timesheet_return(*, actor: Any, project: Project, person: Person, week: date, reason: str) -> int:
    """Send the submitted hours of a person-week on ``project`` back to the person, with the reason; they become
    editable again. Returns how many entries."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Say why the hours are returned.")]})
    max_length = TimeEntry._meta.get_field("return_reason").max_length or 500
    if len(reason) > max_length:
        raise ValidationFailed({"reason": [_("Keep the reason under %(n)s characters.") % {"n": max_length}]})
    entries = _decidable(actor, project, person, week)
    _write(
        entries, actor=actor, status=Status.RETURNED, decided_at=timezone.now(), decided_by=actor, return_reason=reason
    )
    first, _last = week_days(week)
    business_event_record(
        actor=actor,
        verb="timesheet.returned",
        target=project,
        data={"person": person.pk, "week": first.isoformat(), "entries": len(entries)},
    )
    return len(entries)


def project_actuals_rollup(*, project: Project) -> int:
    """Set every live task's actual work and cost to its approved entries plus, for summaries, those of all its
    descendants. Three queries whatever the size of the plan; returns how many tasks changed."""
    approved = {
        row["task_id"]: (row["minutes"] or 0, row["cost"] or Decimal("0"))
        for row in TimeEntry.objects.filter(task__project=project, status=Status.APPROVED)
        .values("task_id")
        .annotate(minutes=Sum("minutes"), cost=Sum("cost"))
    }
    tasks = list(Task.objects.filter(project=project).only("pk", "parent_id", "actual_work_min", "actual_cost"))
    work: dict[int, int] = defaultdict(int)
    cost: dict[int, Decimal] = defaultdict(Decimal)
    parents = {task.pk: task.parent_id for task in tasks}
    for task_id, (minutes, money) in approved.items():
        seen: set[int] = set()
        current: int | None = task_id
        while current is not None and current in parents and current not in seen:
            seen.add(current)
            work[current] += minutes
            cost[current] += money
            current = parents[current]
    changed = []
    for task in tasks:
        new_work, new_cost = work.get(task.pk, 0), cost.get(task.pk, Decimal("0")).quantize(CENT)
        if task.actual_work_min != new_work or task.actual_cost != new_cost:
            task.actual_work_min, task.actual_cost = new_work, new_cost
            changed.append(task)
    if changed:
        Task.objects.bulk_update(changed, ["actual_work_min", "actual_cost"], batch_size=500)
    return len(changed)
