"""Writes on budget lines: an amount (Decimal, >= 0, in the project's currency) planned for a WBS element or for
the project as a whole. Only the project's editors (its PM, admins) change them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.access import can_edit_project
from tripod.projects.models import BudgetLine, Project, Task

BUDGET_LINE_EDITABLE = {"task", "category", "amount", "note"}


def _check_amount(amount: Any) -> Decimal:
    if isinstance(amount, float):
        raise ValidationFailed({"amount": [gettext("Enter the amount as a decimal number, not a float.")]})
    try:
        value = Decimal(str(amount)) if amount is not None and amount != "" else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationFailed({"amount": [gettext("Enter an amount.")]})
    if value < 0:
        raise ValidationFailed({"amount": [gettext("The amount cannot be negative.")]})
    return value


def _check_task(project: Project, task: Task | None) -> None:
    if task is None:
        return
    if task.project_id != project.pk or task.deleted_at is not None:
        raise ValidationFailed({"task": [gettext("Choose a WBS element of this project.")]})


@transaction.atomic
def budget_line_create(
    *,
    actor: Any,
    project: Project,
    amount: Any,
    task: Task | None = None,
    category: str = BudgetLine.Category.LABOUR,
    note: str = "",
) -> BudgetLine:
    if not can_edit_project(actor, project):
        raise Forbidden()
    value = _check_amount(amount)
    _check_task(project, task)
    line = tracked_create(
        BudgetLine, actor=actor, project=project, task=task, category=category, amount=value, note=(note or "").strip()
    )
    business_event_record(
        actor=actor,
        verb="budget_line.created",
        target=project,
        data={"line": line.pk, "task": task.pk if task else None, "amount": str(value)},
    )
    return line


@transaction.atomic
def budget_line_update(*, actor: Any, line: BudgetLine, version: int | None, **changes: Any) -> BudgetLine:
    project = line.project
    if not can_edit_project(actor, project):
        raise Forbidden()
    unknown = set(changes) - BUDGET_LINE_EDITABLE
    if unknown:
        raise TypeError(f"budget_line_update got unknown fields {sorted(unknown)}")
    if "amount" in changes:
        changes["amount"] = _check_amount(changes["amount"])
    if "task" in changes:
        _check_task(project, changes["task"])
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
    line, changed = versioned_update(line, actor=actor, version=version, changes=changes)
    if "amount" in changed:
        old, new = changed["amount"]
        business_event_record(
            actor=actor,
            verb="budget_line.amount_changed",
            target=project,
            data={"line": line.pk, "from": str(old), "to": str(new)},
        )
    return line


@transaction.atomic
def budget_line_delete(*, actor: Any, line: BudgetLine) -> None:
    project = line.project
    if not can_edit_project(actor, project):
        raise Forbidden()
    data = {"line": line.pk, "task": line.task_id, "amount": str(line.amount)}
    line.delete()
    business_event_record(actor=actor, verb="budget_line.deleted", target=project, data=data)
