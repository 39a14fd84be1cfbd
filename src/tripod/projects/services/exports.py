"""CSV and Excel exports of a project's tasks, assignments, timesheets and risks.

Every export is what the user could see on the pages: staff who see the project's internals; costs only for those
who may see the project's costs; a person's rate never (only the frozen cost of an approved entry); hours of other
people only for the project's PM (and admins), otherwise one's own and one's reports'. Column headings are in the
user's language and date-times in the user's time zone.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.people.access import line_person_ids
from tripod.projects.access import can_approve_time, can_view_project_costs, can_view_project_internals
from tripod.projects.models import Assignment, Project, Risk, Task, TimeEntry

EXPORT_KINDS = ("tasks", "assignments", "timesheets", "risks")
EXPORT_FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportTable:
    title: str
    headers: list[str]
    rows: list[list[Any]]


def _user_tz(user: Any) -> tzinfo:
    name = getattr(user, "time_zone", "") or ""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))


def _days(minutes: int | None, per_day: int) -> Decimal:
    return (Decimal(minutes or 0) / per_day).quantize(Decimal("0.01"))


def _tasks(user: Any, project: Project, tz: tzinfo, costs: bool) -> ExportTable:
    per_day = project.calendar.minutes_per_day if project.calendar_id else 480
    kinds = dict(Task.Kind.choices)
    constraints = dict(Task.Constraint.choices)

    def local(value: datetime | None) -> datetime | None:
        return None if value is None else timezone.localtime(value, tz).replace(tzinfo=None)

    headers = [
        _("WBS code"),
        _("Name"),
        _("Kind"),
        _("Status"),
        # xgettext:no-python-format
        _("% complete"),
        _("Duration (days)"),
        _("Work (hours)"),
        _("Start"),
        _("Finish"),
        _("Actual start"),
        _("Actual finish"),
        _("Constraint"),
        _("Total slack (days)"),
        _("Critical"),
        _("Actual work (hours)"),
    ]
    if costs:
        headers.append(_("Actual cost"))
    labels = {s.get("code"): s.get("label") for s in project.task_statuses or []}
    rows = []
    for t in Task.objects.filter(project=project).order_by("position", "pk"):
        row = [
            t.wbs_code,
            t.name,
            str(kinds.get(t.kind, t.kind)),
            _(str(labels.get(t.status, t.status))),
            t.percent_complete,
            _days(t.duration_min, per_day),
            _hours(t.work_min),
            local(t.start),
            local(t.finish),
            local(t.actual_start),
            local(t.actual_finish),
            str(constraints.get(t.constraint_type, t.constraint_type)),
            None if t.total_slack_min is None else _days(t.total_slack_min, per_day),
            _("Yes") if t.critical else _("No"),
            _hours(t.actual_work_min),
        ]
        if costs:
            row.append(t.actual_cost)
        rows.append(row)
    return ExportTable(_("Tasks"), headers, rows)


def _assignments(user: Any, project: Project, tz: tzinfo, costs: bool) -> ExportTable:
    headers = [_("WBS code"), _("Task"), _("Person"), _("Units (%)"), _("Planned work (hours)")]
    rows = [
        [a.task.wbs_code, a.task.name, a.person.name, a.units, _hours(a.planned_work_min)]
        for a in Assignment.objects.filter(task__project=project, task__deleted_at__isnull=True)
        .select_related("task", "person")
        .order_by("task__position", "person__name", "pk")
    ]
    return ExportTable(_("Assignments"), headers, rows)


def _timesheets(user: Any, project: Project, tz: tzinfo, costs: bool) -> ExportTable:
    entries = TimeEntry.objects.filter(task__project=project).select_related("task", "person")
    if not can_approve_time(user, project):
        entries = entries.filter(Q(person__user=user) | Q(person__in=line_person_ids(user)))
    statuses = dict(TimeEntry.Status.choices)
    headers = [_("Day"), _("Person"), _("WBS code"), _("Task"), _("Hours"), _("Status"), _("Note")]
    # The cost of one entry gives the person's rate away: only for their line managers and admins, whatever the
    # user may see of the project's cost totals.
    line = line_person_ids(user)
    entry_costs = user.is_admin or bool(line)
    if entry_costs:
        headers.append(_("Cost"))
    rows = []
    for e in entries.order_by("day", "person__name", "task__position", "pk"):
        row = [e.day, e.person.name, e.task.wbs_code, e.task.name, _hours(e.minutes), str(statuses[e.status]), e.note]
        if entry_costs:
            row.append(e.cost if user.is_admin or e.person_id in line else None)
        rows.append(row)
    return ExportTable(_("Timesheets"), headers, rows)


def _risks(user: Any, project: Project, tz: tzinfo, costs: bool) -> ExportTable:
    kinds, strategies, statuses = dict(Risk.Kind.choices), dict(Risk.Strategy.choices), dict(Risk.Status.choices)
    headers = [
        _("Number"),
        _("Title"),
        _("Kind"),
        _("Probability (1-5)"),
        _("Schedule impact (1-5)"),
        _("Cost impact (1-5)"),
        _("Quality impact (1-5)"),
        _("Score"),
        _("Owner"),
        _("Response strategy"),
        _("Status"),
        _("Next review"),
    ]
    rows = [
        [
            f"R{r.number}",
            r.title,
            str(kinds[r.kind]),
            r.probability,
            r.impact_schedule,
            r.impact_cost,
            r.impact_quality,
            r.score,
            str(r.owner) if r.owner else "",
            str(strategies.get(r.strategy, "")),
            str(statuses[r.status]),
            r.review_date,
        ]
        for r in Risk.objects.filter(project=project).select_related("owner").order_by("number")
    ]
    return ExportTable(_("Risks"), headers, rows)


_BUILDERS: dict[str, Callable[[Any, Project, tzinfo, bool], ExportTable]] = {
    "tasks": _tasks,
    "assignments": _assignments,
    "timesheets": _timesheets,
    "risks": _risks,
}


def project_export_table(*, user: Any, project: Project, what: str) -> ExportTable:
    """The rows of one export, scoped to ``user`` (Forbidden unless they see the project's internals)."""
    if what not in _BUILDERS:
        raise ValidationFailed({"what": [_("Choose tasks, assignments, timesheets or risks.")]})
    if not can_view_project_internals(user, project):
        raise Forbidden()
    return _BUILDERS[what](user, project, _user_tz(user), can_view_project_costs(user, project))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A spreadsheet would run a cell that starts like a formula; a leading quote keeps it text.
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def export_csv(table: ExportTable) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(table: ExportTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_text(v) if isinstance(v, str) else v for v in row])  # numbers stay numbers (Decimal)
    for column, header in zip(sheet.columns, table.headers, strict=False):
        width = max([len(str(header)), *(len(_text(c.value)) for c in column)]) + 2
        sheet.column_dimensions[column[0].column_letter].width = min(width, 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def project_export(*, user: Any, project: Project, what: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of an export."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed({"format": [_("Choose CSV or Excel.")]})
    table = project_export_table(user=user, project=project, what=what)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in project.code) or "project"
    if fmt == "csv":
        return export_csv(table), "text/csv; charset=utf-8", f"{safe}-{what}.csv"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return export_xlsx(table), xlsx, f"{safe}-{what}.xlsx"
