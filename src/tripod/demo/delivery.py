"""The demo's delivery work: each project's plan, gates, budget, baseline, staffing, progress, timesheets, risks,
issues and status reports, built through the PM's services as a project manager would do it.

Projects start in the initiating phase (see :mod:`tripod.demo.organisation`) and are walked through their gates to
the phase the demo shows, so each has a gate history and the records a project in that phase would have.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from itertools import cycle
from typing import Any

from django.db import transaction
from django.utils import timezone

from tripod.demo.plans import PlanRow, plan_rows
from tripod.people.models import Person
from tripod.projects.models import Project, Task, TimeEntry
from tripod.projects.services.assignments import assignment_create
from tripod.projects.services.baselines import baseline_save
from tripod.projects.services.budget import budget_line_create
from tripod.projects.services.gates import gate_checklist, next_phase, phase_advance
from tripod.projects.services.issues import issue_create
from tripod.projects.services.progress import project_progress_update
from tripod.projects.services.project import project_update
from tripod.projects.services.reports import status_report_draft, status_report_publish, status_report_update
from tripod.projects.services.risks import risk_action_create, risk_create, risk_occurred
from tripod.projects.services.timesheets import timesheet_approve, timesheet_submit, timesheet_week_save
from tripod.projects.services.wbs_paste import tasks_paste

Phase = Project.Phase

# code: (work packages in the plan, days the recorded progress lags behind today)
PLANS: dict[str, tuple[int, int]] = {
    "HX-MB": (26, 12),
    "HX-DW": (12, 0),
    "NW-TMS": (40, 2),
    "KJ-PT": (15, 6),
    "EG-POS": (6, 0),
    "EG-LOY": (8, 0),
}
REPORT_WEEKS = 3
DAY = 8 * 60
LONGEST_DAY = 10 * 60


def _hours(value: float) -> str:
    return f"{value:g}h"


def plan_text(rows: list[PlanRow]) -> str:
    """The plan as the tab-separated rows a spreadsheet would paste (indent by leading tabs)."""
    lines = []
    for row in rows:
        duration = "0" if row.milestone else (f"{row.days:g}d" if row.days else "1d")
        work = _hours(row.work_hours) if row.work_hours else ""
        preds = ";".join(str(p + 1) for p in row.preds)
        lines.append("\t" * row.depth + "\t".join([row.name, duration, work, preds]))
    return "\n".join(lines)


def _advance(pm: Any, project: Project, target: str) -> None:
    order = [choice for choice, _ in Phase.choices]
    while order.index(project.phase) < order.index(target):
        to = next_phase(project.phase)
        assert to is not None
        phase_advance(
            actor=pm,
            project=project,
            to_phase=to,
            decision="passed",
            checklist=gate_checklist(project.phase),
            note="",
        )
        project.refresh_from_db()


def _budget(pm: Any, project: Project) -> None:
    phases = list(Task.objects.filter(project=project, parent__isnull=True).order_by("position"))
    total_work = sum(p.work_min for p in phases) or 1
    contingency = (project.budget * Decimal("0.08")).quantize(Decimal("1"))
    labour = project.budget - contingency
    allotted = Decimal("0")
    for index, phase in enumerate(phases):
        if index == len(phases) - 1:
            amount = labour - allotted
        else:
            amount = (labour * phase.work_min / total_work).quantize(Decimal("1"))
        allotted += amount
        budget_line_create(actor=pm, project=project, task=phase, amount=amount, note=phase.name)
    budget_line_create(actor=pm, project=project, amount=contingency, category="contingency")


def _staff(pm: Any, project: Project, people: list[Person]) -> None:
    if not people:
        return
    who = cycle(people)
    leaves = Task.objects.filter(project=project, kind=Task.Kind.TASK).order_by("position")
    for task in leaves:
        assignment_create(actor=pm, task=task, person=next(who))


PROGRESS_EVERY = dt.timedelta(weeks=4)


def _progress(pm: Any, project: Project, through: dt.date) -> None:
    """Progress recorded every four weeks since the start, as a PM would have done, so the history (and the
    S-curve's earned value drawn from it) rises over the months instead of in one step."""
    assert project.start is not None
    day = project.start + PROGRESS_EVERY
    while True:
        day = min(day, through)
        mark = timezone.now()
        project_progress_update(actor=pm, project=project, through=day)
        # Recorded now, in one go: dated as of the day it describes.
        evening = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))
        Task.history.filter(project_id=project.pk, history_date__gte=mark).update(history_date=evening)
        if day == through:
            return
        day += PROGRESS_EVERY


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _timesheets(projects: list[Project], today: dt.date) -> None:
    """Hours since the projects began: each person books the planned daily work of the tasks they had under way
    (at most ten hours a day); older weeks approved, last week waiting for approval, this week still a draft."""
    this_monday = today - dt.timedelta(days=today.weekday())
    spans: dict[int, list[tuple[dt.date, dt.date, Task, int]]] = defaultdict(list)
    tasks = Task.objects.filter(project__in=projects, kind=Task.Kind.TASK, percent_complete__gt=0).prefetch_related(
        "assignments__person__user"
    )
    for task in tasks:
        if task.actual_start is None:
            continue
        start = timezone.localdate(task.actual_start)
        end = timezone.localdate(task.actual_finish) if task.actual_finish else today
        days = max(1, len(_working_days(start, end)))
        for assignment in task.assignments.all():
            if assignment.person.user_id:
                daily = (assignment.planned_work_min or task.work_min or DAY * days) // days
                spans[assignment.person_id].append((start, end, task, daily))
    if not spans:
        return
    earliest = min(start for person_spans in spans.values() for start, *_rest in person_spans)
    people = Person.objects.select_related("user").in_bulk(list(spans))
    for person_id, person_spans in spans.items():
        user = people[person_id].user
        weeks: dict[dt.date, dict[tuple[Task, dt.date], int]] = defaultdict(dict)
        for day in _working_days(earliest, today - dt.timedelta(days=1)):
            under_way = [(task, daily) for start, end, task, daily in person_spans if start <= day <= end]
            booked = 0
            for task, daily in under_way:
                # The task's planned work per working day, while the person's day lasts (at most ten hours).
                minutes = min(daily, LONGEST_DAY - booked) // 30 * 30
                if minutes < 30:
                    break
                weeks[day - dt.timedelta(days=day.weekday())][(task, day)] = minutes
                booked += minutes
        for monday, hours in sorted(weeks.items(), key=lambda item: item[0]):
            timesheet_week_save(actor=user, week=monday, hours=hours)
            if monday < this_monday:
                timesheet_submit(actor=user, week=monday)
    last_monday = this_monday - dt.timedelta(weeks=1)
    for project in projects:
        submitted = (
            TimeEntry.objects.filter(task__project=project, status=TimeEntry.Status.SUBMITTED, day__lt=last_monday)
            .values_list("person_id", "day")
            .distinct()
        )
        decided = set()
        for person_id, day in submitted:
            key = (person_id, day - dt.timedelta(days=day.weekday()))
            if key not in decided:
                decided.add(key)
                timesheet_approve(actor=project.pm, project=project, person=people[person_id], week=key[1])


RISKS = [
    # title, kind, p, schedule, cost, quality, strategy, cause, action, overdue?
    (
        "核心开发人员流失 Key developer may leave",
        "threat",
        3,
        4,
        3,
        3,
        "mitigate",
        "Two senior engineers carry most of the design knowledge.",
        "Pair a second engineer on each module",
        True,
    ),
    (
        "客户接口延迟交付 Client API delivered late",
        "threat",
        4,
        4,
        2,
        2,
        "escalate",
        "The client's core-banking API team is on another release.",
        "Agree interface freeze date with the client",
        False,
    ),
    (
        "性能不达标 Performance targets missed",
        "threat",
        2,
        3,
        3,
        4,
        "mitigate",
        "Peak load of 3,000 requests a second is untested.",
        "Run a load test on the first build",
        False,
    ),
    (
        "复用现有组件 Reuse the design system",
        "opportunity",
        3,
        2,
        3,
        1,
        "exploit",
        "The client's new design system covers most screens.",
        "Confirm licence terms for the design system",
        False,
    ),
    (
        "监管审批 Regulatory approval takes longer",
        "threat",
        2,
        5,
        2,
        1,
        "accept",
        "The regulator reviews releases quarterly.",
        "Book the review slot early",
        True,
    ),
]


def _risks(pm: Any, project: Project, today: dt.date) -> None:
    members = list(project.members.all()[:3]) or [pm]
    for index, (title, kind, p, s, c, q, strategy, cause, action, overdue) in enumerate(RISKS):
        risk = risk_create(
            actor=pm,
            project=project,
            title=title,
            kind=kind,
            probability=p,
            impact_schedule=s,
            impact_cost=c,
            impact_quality=q,
            strategy=strategy,
            cause=cause,
            owner=members[index % len(members)],
        )
        due = today - dt.timedelta(days=5) if overdue else today + dt.timedelta(days=14 + index)
        risk_action_create(actor=pm, risk=risk, description=action, owner=risk.owner, due=due)
        if index == 1 and project.phase in (Phase.EXECUTING, Phase.MONITORING):
            risk_occurred(actor=pm, risk=risk, description="The interface specification arrived two weeks late.")
    issue_create(
        actor=pm,
        project=project,
        title="测试环境不稳定 Test environment unstable",
        description="The shared test database restarts during nightly batches.",
        priority="medium",
        owner=members[0],
        due=today + dt.timedelta(days=7),
    )


def _reports(pm: Any, project: Project, today: dt.date) -> None:
    last_friday = today - dt.timedelta(days=(today.weekday() - 4) % 7 or 7)
    for week in range(REPORT_WEEKS, 0, -1):
        period_end = last_friday - dt.timedelta(weeks=week - 1)
        report = status_report_draft(actor=pm, project=project, period_end=period_end)
        if week == 1:
            continue  # this week's report is still a draft
        report = status_report_update(
            actor=pm,
            report=report,
            version=report.version,
            narrative=(
                "Build continued on the planned modules. The team closed the open design questions with the "
                "client; integration testing of the first modules starts next week."
            ),
            client_summary="Work is progressing; the next milestone is on track with the agreed plan.",
            shareable=True,  # the client reads it in the portal
        )
        report = status_report_publish(actor=pm, report=report, version=report.version)


@transaction.atomic
def build(org: Any, today: dt.date | None = None) -> dict[str, int]:
    """Give every demo project its delivery records; returns counts for the command's summary."""
    from tripod.demo.organisation import PROJECTS

    today = today or dt.date.today()
    targets = {code: phase for code, _n, _c, _pm, phase, *_ in PROJECTS}
    running = []
    for project in org.projects:
        pm = project.pm
        modules, lag = PLANS[project.code]
        target = targets[project.code]
        project = project_update(
            actor=pm,
            project=project,
            version=project.version,
            objectives=(
                "Replace the client's legacy system with a platform its teams can run themselves; "
                "go live before the agreed date within budget; no loss of data in migration."
            ),
            scope_statement=(
                "In scope: requirements, design, build and test of the modules in the plan, data migration, "
                "go-live and four weeks of hypercare. Out of scope: hardware, licences, end-user training."
            ),
        )
        tasks_paste(actor=pm, project=project, text=plan_text(plan_rows(modules)))
        if project.start and project.start < today:
            # The plan was made when the project began, not on the day the demo was loaded.
            planned = timezone.make_aware(dt.datetime.combine(project.start, dt.time(9, 0)))
            Task.history.filter(project_id=project.pk).update(history_date=planned)
        _advance(pm, project, min(target, Phase.PLANNING, key=_phase_index))
        if _phase_index(target) >= _phase_index(Phase.PLANNING):
            _budget(pm, project)
            staff = list(Person.objects.filter(user__in=project.members.all()).order_by("name"))
            _staff(pm, project, staff)
        if _phase_index(target) >= _phase_index(Phase.EXECUTING):
            baseline_save(actor=pm, project=project, name="Approved plan")
            _advance(pm, project, min(target, Phase.EXECUTING, key=_phase_index))
            through = min(today - dt.timedelta(days=lag + 1), project.target_finish or today)
            if project.start and through >= project.start:
                _progress(pm, project, through)
            running.append(project)
        _advance(pm, project, target)
        if _phase_index(target) >= _phase_index(Phase.PLANNING):
            _risks(pm, project, today)
    _timesheets(running, today)
    for project in running:
        if project.phase in (Phase.EXECUTING, Phase.MONITORING):
            _reports(project.pm, project, today)
    return {
        "tasks": Task.objects.filter(project__in=org.projects).count(),
        "time entries": TimeEntry.objects.count(),
    }


def _phase_index(phase: str) -> int:
    return [choice for choice, _ in Phase.choices].index(phase)
