"""Rows pasted from a spreadsheet (Excel, Google Sheets, Microsoft Project) become tasks, all or nothing.

Columns, tab-separated: name, duration (``3d``, ``4h``, ``2w``; ``0`` is a milestone), work (optional, ``24h``)
and predecessors (optional, ``3FS+2d;5SS``: row numbers of the plan after the paste). Empty leading cells (tabs)
or leading spaces (two per level) indent a row under the row above. A header row is recognised and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from tripod.core.errors import ValidationFailed
from tripod.core.services import business_event_record
from tripod.projects.models import Dependency, Project, Task
from tripod.projects.services.dependencies import cycle_message, links_cycle, resolve_predecessors
from tripod.projects.services.schedule import schedule_after_change
from tripod.projects.services.wbs_outline import MAX_DEPTH, minutes_per_day, outline_load, plan_editable
from tripod.projects.services.wbs_text import (
    PredecessorRef,
    TextError,
    duration_parse,
    predecessors_parse,
    work_parse,
)

COLUMNS = (
    gettext_lazy("name"),
    gettext_lazy("duration"),
    gettext_lazy("work"),
    gettext_lazy("predecessors"),
)
HEADER_NAMES = {"name", "task name", "task", "名称", "任务名称", "任务", "#", "id"}
MAX_ROWS = 2000
MAX_ERRORS = 10
_SPACES = " \u00a0\u3000"


@dataclass
class PasteRow:
    line: int
    level: int
    name: str
    duration_min: int
    work_min: int = 0
    predecessors: list[PredecessorRef] = field(default_factory=list)
    predecessors_text: str = ""

    @property
    def is_milestone(self) -> bool:
        return self.duration_min == 0


def _where(line: int, column: int, message: str) -> str:
    return _("Row %(row)s, column %(column)s: %(message)s") % {
        "row": line,
        "column": COLUMNS[column],
        "message": message,
    }


def _is_header(cells: list[str], per_day: int) -> bool:
    if not cells or cells[0].strip().lower() not in HEADER_NAMES:
        return False
    if len(cells) < 2:
        return True
    try:
        duration_parse(cells[1], minutes_per_day=per_day)
    except TextError:
        return True
    return False


def paste_rows_parse(text: str, *, minutes_per_day: int = 480) -> list[PasteRow]:
    """The rows of ``text``; raises ValidationFailed({"text": [...]}) naming row and column of each problem."""
    rows: list[PasteRow] = []
    errors: list[tuple[int, str]] = []
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = True
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        level = 0
        while cells and not cells[0].strip():
            cells.pop(0)
            level += 1
        spaces = len(cells[0]) - len(cells[0].lstrip(_SPACES))
        level += (spaces + 1) // 2
        while cells and not cells[-1].strip():
            cells.pop()
        if first and _is_header(cells, minutes_per_day):
            first = False
            continue
        first = False
        if len(cells) > len(COLUMNS):
            errors.append(
                (
                    number,
                    _("Row %(row)s: at most %(n)s columns (name, duration, work, predecessors).")
                    % {"row": number, "n": len(COLUMNS)},
                )
            )
            continue
        cells += [""] * (len(COLUMNS) - len(cells))
        name, duration, work, predecessors = (cell.strip() for cell in cells)
        row = PasteRow(number, level, name, minutes_per_day, predecessors_text=predecessors)
        if len(name) > Task._meta.get_field("name").max_length:
            errors.append((number, _where(number, 0, _("at most 255 characters."))))
        for column, text_value, target in ((1, duration, "duration_min"), (2, work, "work_min")):
            if not text_value:
                continue
            try:
                parse = duration_parse if column == 1 else work_parse
                setattr(row, target, parse(text_value, minutes_per_day=minutes_per_day))
            except TextError as exc:
                errors.append((number, _where(number, column, str(exc))))
        try:
            row.predecessors = predecessors_parse(predecessors, minutes_per_day=minutes_per_day)
        except TextError as exc:
            errors.append((number, _where(number, 3, str(exc))))
        rows.append(row)
    errors.extend(_levels_check(rows))
    if len(rows) > MAX_ROWS:
        errors.append((0, _("At most %(n)s rows can be pasted at once.") % {"n": MAX_ROWS}))
    if errors:
        errors.sort(key=lambda error: error[0])
        raise ValidationFailed({"text": [message for _line, message in errors[:MAX_ERRORS]]})
    return rows


def _levels_check(rows: list[PasteRow]) -> list[tuple[int, str]]:
    """Levels relative to the first row; a row may go at most one level deeper than the row above."""
    errors = []
    base = rows[0].level if rows else 0
    previous = 0
    for row in rows:
        if not row.name:
            errors.append((row.line, _where(row.line, 0, _("a task needs a name."))))
        row.level -= base
        if row.level < 0:
            errors.append((row.line, _where(row.line, 0, _("indented less than the first row."))))
        elif row.level > previous + 1:
            errors.append((row.line, _where(row.line, 0, _("indented more than one level below the row above."))))
        previous = max(row.level, 0)
    return errors


@transaction.atomic
def tasks_paste(
    *, actor: Any, project: Project, text: str, parent: Task | None = None, after: Task | None = None
) -> list[Task]:
    """Insert the pasted rows under ``parent`` after the sibling ``after`` (as :func:`task_create` places one
    task); any bad row changes nothing and the error names row and column."""
    plan_editable(actor, project)
    rows = paste_rows_parse(text, minutes_per_day=minutes_per_day(project))
    if not rows:
        raise ValidationFailed({"text": [_("There is nothing to paste.")]})
    outline = outline_load(project)
    if after is not None and after.pk in outline.tasks:
        parent_id = outline.parent_id(after.pk)
        index: int | None = outline.siblings(after.pk).index(after.pk) + 1
    else:
        parent_id = parent.pk if parent is not None and parent.pk in outline.tasks else None
        index = None
    base_depth = outline.depth(parent_id) if parent_id is not None else 0
    if base_depth + max(row.level for row in rows) + 1 > MAX_DEPTH:
        raise ValidationFailed({"text": [_("A plan can be at most %(n)s levels deep.") % {"n": MAX_DEPTH}]})
    stamp = {"created_by": actor, "updated_by": actor} if getattr(actor, "is_authenticated", False) else {}
    tasks = [
        Task(
            project=project,
            name=row.name,
            kind=Task.Kind.MILESTONE if row.is_milestone else Task.Kind.TASK,
            duration_min=row.duration_min,
            work_min=row.work_min,
            **stamp,
        )
        for row in rows
    ]
    bulk_create_with_history(tasks, Task, default_user=stamp.get("created_by"))
    stack: list[int | None] = [parent_id]
    for row, task in zip(rows, tasks, strict=True):
        del stack[row.level + 1 :]
        under = stack[-1]
        outline.add(task, parent_id=under, index=index if under == parent_id else None)
        if under == parent_id and index is not None:
            index += 1
        stack.append(task.pk)
    outline.renumber()
    _links_add(actor, outline, rows, tasks)
    business_event_record(actor=actor, verb="task.pasted", target=project, data={"tasks": len(tasks)})
    schedule_after_change(project=project)
    return tasks


def _links_add(actor: Any, outline: Any, rows: list[PasteRow], tasks: list[Task]) -> None:
    plan_rows = outline.rows()
    links = []
    for row, task in zip(rows, tasks, strict=True):
        try:
            resolved = resolve_predecessors(outline, row.predecessors, task, field="text", rows=plan_rows)
        except ValidationFailed as exc:
            raise ValidationFailed({"text": [_where(row.line, 3, str(exc.errors["text"][0]))]}) from exc
        links.extend(
            Dependency(
                project=outline.project,
                pred=pred,
                succ=task,
                type=ref.type,
                lag=ref.lag,
                lag_unit=ref.lag_unit,
                created_by=task.created_by,
                updated_by=task.updated_by,
            )
            for pred, ref in resolved
        )
    if not links:
        return
    bulk_create_with_history(links, Dependency, default_user=tasks[0].created_by)
    cycle = links_cycle(outline)
    if cycle:
        raise ValidationFailed({"text": [cycle_message(cycle)]})
