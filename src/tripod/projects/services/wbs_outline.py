"""The outline of a plan in memory: structural edits, then WBS codes, positions, kinds and roll-ups written back in
one ``bulk_update`` (never a query per task).

A task with live children is a summary; it goes back to a task when its last child leaves. A summary's work is
the sum of the work below it, and its % complete is weighted by work (by duration when there is no work), not an
average over its tasks (Odoo #29340). The summary's dates and duration come from the scheduling engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.projects.access import can_edit_project
from tripod.projects.models import Project, Task

MAX_DEPTH = 15  # WBS codes must fit the 64 characters of ``wbs_code``
OUTLINE_FIELDS = ("parent", "position", "wbs_code", "kind", "work_min", "percent_complete", "duration_min")


def minutes_per_day(project: Project) -> int:
    """Working minutes in a day of the project's calendar (480 without one)."""
    if not project.calendar_id:
        return 480
    return project.calendar.minutes_per_day or 480


@dataclass
class _Sums:
    work: int = 0
    duration: int = 0
    leaves: int = 0
    pct_by_work: int = 0
    pct_by_duration: int = 0
    pct: int = 0


@dataclass
class Outline:
    """Live tasks of one project, children in row order. Build it with :func:`outline_load`."""

    project: Project
    tasks: dict[int, Task]
    children: dict[int | None, list[int]]
    before: dict[int, tuple] = field(default_factory=dict)

    # --- reading -------------------------------------------------------------------------------------------------
    def parent_id(self, task_id: int) -> int | None:
        parent = self.tasks[task_id].parent_id
        return parent if parent in self.tasks else None

    def siblings(self, task_id: int) -> list[int]:
        return self.children[self.parent_id(task_id)]

    def subtree(self, task_id: int) -> list[int]:
        """``task_id`` and everything under it, in row order."""
        out: list[int] = []
        stack = [task_id]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children.get(node, [])))
        return out

    def ancestors(self, task_id: int) -> list[int]:
        out = []
        parent = self.parent_id(task_id)
        while parent is not None:
            out.append(parent)
            parent = self.parent_id(parent)
        return out

    def depth(self, task_id: int) -> int:
        return len(self.ancestors(task_id)) + 1

    def height(self, task_id: int) -> int:
        """Levels in the subtree of ``task_id`` (1 for a task without children)."""
        best = 1
        stack = [(task_id, 1)]
        while stack:
            node, level = stack.pop()
            best = max(best, level)
            stack.extend((child, level + 1) for child in self.children.get(node, []))
        return best

    def rows(self) -> list[int]:
        """Every live task id in row order."""
        out: list[int] = []
        for root in self.children.get(None, []):
            out.extend(self.subtree(root))
        return out

    # --- changing ------------------------------------------------------------------------------------------------
    def add(self, task: Task, *, parent_id: int | None, index: int | None = None) -> None:
        self.tasks[task.pk] = task
        self.before.setdefault(task.pk, ())
        self.insert(task.pk, parent_id, index)

    def detach(self, task_id: int) -> int:
        """Take ``task_id`` (with its subtree) out of its parent's children; returns its former index."""
        siblings = self.siblings(task_id)
        index = siblings.index(task_id)
        siblings.pop(index)
        return index

    def insert(self, task_id: int, parent_id: int | None, index: int | None = None) -> None:
        if parent_id is not None and self.depth(parent_id) + self.height(task_id) > MAX_DEPTH:
            raise ValidationFailed({"parent": [_("A plan can be at most %(n)s levels deep.") % {"n": MAX_DEPTH}]})
        self.tasks[task_id].parent_id = parent_id
        siblings = self.children.setdefault(parent_id, [])
        siblings.insert(len(siblings) if index is None else max(0, min(index, len(siblings))), task_id)

    def remove(self, task_ids: Iterable[int]) -> None:
        """Drop tasks (a deleted subtree) from the outline."""
        for task_id in task_ids:
            if task_id in self.tasks:
                parent = self.parent_id(task_id)
                if task_id in self.children.get(parent, []):
                    self.children[parent].remove(task_id)
        for task_id in task_ids:
            self.tasks.pop(task_id, None)
            self.children.pop(task_id, None)

    # --- writing -------------------------------------------------------------------------------------------------
    def renumber(self) -> list[Task]:
        """Recompute position, WBS code, kind and roll-ups of every task; save the rows that changed."""
        counter = [0]
        per_day = minutes_per_day(self.project)
        for index, root in enumerate(self.children.get(None, [])):
            self._walk(root, str(index + 1), counter, per_day)
        changed = [task for pk, task in self.tasks.items() if _snapshot(task) != self.before.get(pk)]
        if changed:
            Task.objects.bulk_update(changed, OUTLINE_FIELDS, batch_size=500)
            for task in changed:
                self.before[task.pk] = _snapshot(task)
        return changed

    def _walk(self, root_id: int, root_code: str, counter: list[int], per_day: int) -> _Sums:
        """Iterative post-order walk (deep plans must not hit the recursion limit)."""
        sums: dict[int, _Sums] = {}
        stack: list[tuple[int, str, bool]] = [(root_id, root_code, False)]
        while stack:
            task_id, code, done = stack.pop()
            task = self.tasks[task_id]
            kids = self.children.get(task_id, [])
            if not done:
                counter[0] += 1
                task.position = counter[0]
                task.wbs_code = code
                stack.append((task_id, code, True))
                for index in range(len(kids) - 1, -1, -1):
                    stack.append((kids[index], f"{code}.{index + 1}", False))
                continue
            if not kids:
                if task.kind == Task.Kind.SUMMARY:
                    task.kind = Task.Kind.TASK
                    task.duration_min = task.duration_min or per_day
                pct = task.percent_complete
                sums[task_id] = _Sums(
                    task.work_min, task.duration_min, 1, pct * task.work_min, pct * task.duration_min, pct
                )
                continue
            total = _Sums()
            for kid in kids:
                part = sums.pop(kid)
                total.work += part.work
                total.duration += part.duration
                total.leaves += part.leaves
                total.pct_by_work += part.pct_by_work
                total.pct_by_duration += part.pct_by_duration
                total.pct += part.pct
            task.kind = Task.Kind.SUMMARY
            task.work_min = total.work
            task.percent_complete = _weighted(total)
            sums[task_id] = total
        return sums[root_id]


def _weighted(total: _Sums) -> int:
    if total.work:
        return round(total.pct_by_work / total.work)
    if total.duration:
        return round(total.pct_by_duration / total.duration)
    return round(total.pct / total.leaves) if total.leaves else 0


def _snapshot(task: Task) -> tuple:
    return (
        task.parent_id,
        task.position,
        task.wbs_code,
        task.kind,
        task.work_min,
        task.percent_complete,
        task.duration_min,
    )


def plan_editable(actor: Any, project: Project) -> None:
    """Only the plan's editors (its PM, admins) change tasks and links."""
    if not can_edit_project(actor, project):
        raise Forbidden()


def project_lock(project: Project) -> None:
    """Serialise structural changes of one plan (two people indenting at once must not interleave)."""
    list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))


def outline_load(project: Project, *, first: Iterable[int] = ()) -> Outline:
    """The live outline of ``project`` (locked). ``first``: tasks that go before a live sibling at the same position
    (a restored subtree takes back its old place)."""
    project_lock(project)
    ahead = set(first)
    tasks = sorted(Task.objects.filter(project=project), key=lambda t: (t.position, t.pk not in ahead, t.pk))
    by_id = {task.pk: task for task in tasks}
    children: dict[int | None, list[int]] = {None: []}
    for task in tasks:
        parent = task.parent_id if task.parent_id in by_id else None
        children.setdefault(parent, []).append(task.pk)
    return Outline(project, by_id, children, {pk: _snapshot(task) for pk, task in by_id.items()})


def wbs_rollup(*, project: Project) -> list[Task]:
    """Recompute codes, positions and roll-ups of ``project`` (after progress or work changed elsewhere)."""
    return outline_load(project).renumber()
