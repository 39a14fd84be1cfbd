"""Reads of the task board: a project's workflow statuses, and its live tasks in columns, with assignees and phase.

The board costs the same few queries whatever the number of tasks: one for the tasks (summaries included, to find
each card's phase), one for their assignments with the people on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tripod.core.errors import NotFound
from tripod.people.models import Person
from tripod.projects.access import can_edit_project, can_update_task_progress, can_view_project_internals
from tripod.projects.models import Assignment, Project, Task, default_task_statuses

# The standard statuses' labels are stored in English; they are shown translated while the PM has not renamed them.
STANDARD_LABELS = {s["code"]: s["label"] for s in default_task_statuses()}
_MESSAGES = (gettext_noop("To do"), gettext_noop("In progress"), gettext_noop("In review"), gettext_noop("Done"))
UNASSIGNED = "none"


@dataclass(frozen=True)
class TaskStatus:
    """One status of a project's workflow: a column of its board."""

    code: str
    label: str
    wip: int | None
    done: bool

    @property
    def display(self) -> str:
        if STANDARD_LABELS.get(self.code) == self.label:
            return gettext(self.label)
        return self.label


def project_statuses(project: Project) -> list[TaskStatus]:
    """The project's workflow in board order (the standard one when the project has none)."""
    raw = project.task_statuses or default_task_statuses()
    statuses = []
    for item in raw:
        wip = item.get("wip")
        statuses.append(
            TaskStatus(
                code=str(item.get("code", "")),
                label=str(item.get("label") or item.get("code", "")),
                wip=int(wip) if wip not in (None, "") else None,
                done=bool(item.get("done")),
            )
        )
    return statuses


def done_codes(project: Project) -> set[str]:
    return {s.code for s in project_statuses(project) if s.done}


@dataclass
class BoardCard:
    task: Task
    phase: Task | None
    assignees: list[Person]

    @property
    def late(self) -> bool:
        return self.task.finish is not None and self.task.percent_complete < 100 and self.task.finish < timezone.now()


@dataclass
class BoardColumn:
    status: TaskStatus
    cards: list[BoardCard] = field(default_factory=list)
    total: int = 0  # cards in the column before filtering: what the WIP limit is about

    @property
    def over_limit(self) -> bool:
        return self.status.wip is not None and self.total > self.status.wip


@dataclass
class Board:
    project: Project
    columns: list[BoardColumn]
    phases: list[Task]
    people: list[Person]
    assignee: str
    phase: str
    can_move: bool
    can_configure: bool

    @property
    def statuses(self) -> list[TaskStatus]:
        return [column.status for column in self.columns]

    @property
    def filtered(self) -> bool:
        return bool(self.assignee or self.phase)

    @property
    def card_count(self) -> int:
        return sum(len(column.cards) for column in self.columns)


def board_get(*, user: Any, project: Project, assignee: str = "", phase: str = "") -> Board:
    """The board of a project the user sees (``project`` comes from ``project_get``); staff only (404 otherwise).

    ``assignee`` is a person's id or ``"none"`` (unassigned cards); ``phase`` the id of a top-level summary task.
    Tasks whose status is not (or no longer) in the workflow are shown in the first column."""
    if not can_view_project_internals(user, project):
        raise NotFound()  # the portal sees the project, never its internals: nothing to show, not even that
    statuses = project_statuses(project)
    columns = {s.code: BoardColumn(s) for s in statuses}
    first = columns[statuses[0].code]
    people_on_tasks = Prefetch(
        "assignments", queryset=Assignment.objects.select_related("person").order_by("person__name")
    )
    tasks = list(
        Task.objects.filter(project=project)
        .only(
            "id",
            "parent_id",
            "kind",
            "name",
            "wbs_code",
            "status",
            "percent_complete",
            "finish",
            "critical",
            "version",
            "position",
            "project_id",
        )
        .prefetch_related(people_on_tasks)
        .order_by("position", "pk")
    )
    by_id = {t.pk: t for t in tasks}
    phases = [t for t in tasks if t.parent_id is None and t.is_summary]
    people: dict[int, Person] = {}
    for task in tasks:
        if task.is_summary:
            continue
        assignees = [a.person for a in task.assignments.all()]
        people.update((p.pk, p) for p in assignees)
        card = BoardCard(task=task, phase=_phase_of(task, by_id), assignees=assignees)
        column = columns.get(task.status, first)
        column.total += 1
        if _matches(card, assignee, phase):
            column.cards.append(card)
    return Board(
        project=project,
        columns=list(columns.values()),
        phases=phases,
        people=sorted(people.values(), key=lambda p: p.name),
        assignee=assignee,
        phase=phase,
        can_move=can_update_task_progress(user, project),
        can_configure=can_edit_project(user, project),
    )


def _phase_of(task: Task, by_id: dict[int, Task]) -> Task | None:
    """The top-level summary above ``task`` (None for a task at the top of the plan)."""
    node = task
    seen = 0
    while node.parent_id is not None and node.parent_id in by_id and seen < 100:
        node = by_id[node.parent_id]
        seen += 1
    return node if node is not task and node.is_summary else None


def _matches(card: BoardCard, assignee: str, phase: str) -> bool:
    if assignee == UNASSIGNED:
        if card.assignees:
            return False
    elif assignee and not any(str(p.pk) == assignee for p in card.assignees):
        return False
    return not phase or (card.phase is not None and str(card.phase.pk) == phase)


def board_task_get(*, user: Any, project: Project, pk: Any) -> Task:
    """A live task of ``project`` for a move; 404 when it is not one (or the user does not see the internals)."""
    if not can_view_project_internals(user, project):
        raise NotFound(gettext("Task"))
    try:
        task = Task.objects.filter(project=project, pk=pk).select_related("project", "project__client").first()
    except (ValueError, TypeError):  # not a task id at all
        task = None
    if task is None:
        raise NotFound(gettext("Task"))
    return task
