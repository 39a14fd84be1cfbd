"""The demo's change requests: on the demo bank's two projects, one applied to the WBS (raised from the WeChat
mini-program requirement), one awaiting the AM's and the LM's decisions with a real impact (the finish moves and an
engineer becomes over-allocated), one rejected by the AM, and one draft being prepared.

Built through the scope services as the PMs, the AM and the line manager would have done it. Runs after
:mod:`tripod.demo.scope` (the requirements) and :mod:`tripod.demo.delivery` (the plans).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from tripod.projects.models import Project, Task
from tripod.scope.models import Approval, ChangeRequest, Requirement
from tripod.scope.selectors.change_request_impact import plan_rows
from tripod.scope.services import (
    change_request_create,
    change_request_decide,
    change_request_impact_refresh,
    change_request_line_add,
    change_request_submit,
)

DAY = 480
APPROVE = Approval.Decision.APPROVE
REJECT = Approval.Decision.REJECT


def _open_leaf(project: Project, *, critical: bool = False) -> Task | None:
    """The last task of the plan (in row order) that takes work and is not finished; a critical one if asked."""
    tasks = Task.objects.filter(project=project, kind=Task.Kind.TASK, percent_complete__lt=100)
    if critical:
        tasks = tasks.filter(critical=True) or tasks
    return tasks.order_by("position", "pk").last()


def _row(project: Project, task: Task) -> str:
    return str(plan_rows(project).index(task.pk) + 1)


def _requirement(project: Project, title_part: str) -> list[Requirement]:
    return list(Requirement.objects.filter(client=project.client, title__contains=title_part)[:1])


def _decide(cr: ChangeRequest, actor: Any, role: str, decision: str, comment: str) -> None:
    cr.refresh_from_db()
    change_request_decide(actor=actor, change_request=cr, role=role, decision=decision, comment=comment)


@transaction.atomic
def build(org: Any, today: dt.date | None = None) -> dict[str, int]:
    """Raise, submit and decide the demo change requests; returns counts for the command's summary."""
    projects = {project.code: project for project in Project.objects.filter(code__in=("HX-MB", "HX-DW"))}
    mobile, warehouse = projects.get("HX-MB"), projects.get("HX-DW")
    if mobile is None or warehouse is None:
        return {"change requests": 0}
    users, people = org.users, org.people
    pm2, pm, am, lm = users["pm2"], users["pm"], mobile.client.owner_am, users["lm"]
    made: list[ChangeRequest] = []

    # 1. Applied: the WeChat mini-program, raised from the requirement the contract did not cover.
    anchor = _open_leaf(mobile)
    cr = change_request_create(
        actor=pm2,
        project=mobile,
        title="微信小程序 WeChat mini-program",
        description="A WeChat mini-program with balance, transfers and bill payment, reusing the app's APIs.",
        reason="华信银行 wants to reach customers who will not install the app; outside the signed scope.",
        requirements=_requirement(mobile, "微信小程序"),
    )
    for name, days, skill, person in (
        ("小程序前端 Mini-program front end", 10, "Frontend", "dev"),
        ("小程序联调 Mini-program integration test", 4, "QA", None),
    ):
        change_request_line_add(
            actor=pm2,
            change_request=cr,
            kind="add_task",
            name=name,
            duration_min=days * DAY,
            work_min=days * DAY,
            predecessors=_row(mobile, anchor) if anchor else "",
            skill=skill,
            person=people.get(person) if person else None,
        )
    cr = change_request_submit(actor=pm2, change_request=cr)
    _decide(cr, pm2, "pm", APPROVE, "The team can absorb it after the current sprint; the finish moves two weeks.")
    _decide(cr, am, "am", APPROVE, "华信 signed the change order on the 12th; billed as a separate milestone.")
    _decide(cr, lm, "lm", APPROVE, "Zhang Wei is free from the end of the month.")
    made.append(cr)

    # 2. Awaiting the AM and the LM: a new regulatory report on the warehouse's critical path.
    critical = _open_leaf(warehouse, critical=True)
    cr = change_request_create(
        actor=pm,
        project=warehouse,
        title="新增监管报表 Additional regulatory report (EAST 5.0)",
        description="The regulator's new EAST 5.0 tables: 14 more extracts, reconciled daily.",
        reason="New regulation effective next quarter.",
        requirements=_requirement(warehouse, "监管报送"),
    )
    change_request_line_add(
        actor=pm,
        change_request=cr,
        kind="add_task",
        name="EAST 5.0 报表开发 EAST 5.0 extracts",
        duration_min=8 * DAY,
        work_min=12 * DAY,
        predecessors=_row(warehouse, critical) if critical else "",
        skill="Data engineering",
        person=people.get("noah"),
    )
    if critical is not None:
        change_request_line_add(
            actor=pm,
            change_request=cr,
            kind="change_duration",
            task=critical,
            duration_min=critical.duration_min + 2 * DAY,
            work_min=critical.work_min + 16 * 60,
            skill="Data engineering",
        )
    cr = change_request_submit(actor=pm, change_request=cr)
    _decide(cr, pm, "pm", APPROVE, "Feasible if Noah moves off the dashboard work for two weeks.")
    made.append(cr)

    # 3. Rejected by the AM: dark mode, not worth a contract change now.
    cr = change_request_create(
        actor=pm2,
        project=mobile,
        title="深色模式 Dark mode",
        reason="Requested by the bank's digital team in the last steering meeting.",
        requirements=_requirement(mobile, "深色模式"),
    )
    change_request_line_add(
        actor=pm2,
        change_request=cr,
        kind="add_task",
        name="深色模式 Dark mode theme",
        duration_min=3 * DAY,
        predecessors=_row(mobile, anchor) if anchor else "",
        skill="Frontend",
    )
    cr = change_request_submit(actor=pm2, change_request=cr)
    _decide(cr, pm2, "pm", APPROVE, "Three days of front-end work.")
    _decide(cr, am, "am", REJECT, "The client will not fund it this year; keep it for the next release plan.")
    made.append(cr)

    # 4. A draft the PM is still preparing (impact computed on demand).
    cr = change_request_create(
        actor=pm,
        project=warehouse,
        title="历史数据保留十年 Ten years of history online",
        reason="Audit asked to keep ten years queryable instead of archiving after five.",
        requirements=_requirement(warehouse, "十年"),
    )
    change_request_line_add(
        actor=pm,
        change_request=cr,
        kind="add_task",
        name="冷数据分层 Cold-storage tier",
        duration_min=6 * DAY,
        predecessors=_row(warehouse, critical) if critical else "",
        skill="Data engineering",
    )
    change_request_impact_refresh(actor=pm, change_request=cr)
    made.append(cr)

    statuses = [ChangeRequest.objects.get(pk=c.pk).status for c in made]
    return {
        "change requests": len(made),
        "change requests applied": statuses.count(ChangeRequest.Status.APPLIED),
        "change requests awaiting decision": statuses.count(ChangeRequest.Status.SUBMITTED),
    }
