"""Status reports: a draft generated from the project's figures, written up by the PM, then published (frozen).

The draft's status (RAG: red, amber, green) is computed, not guessed:

- schedule from the schedule performance index SPI = EV / PV, cost from the cost performance index CPI = EV / AC:
  green when the index is at least ``GREEN_AT`` (0.95), amber when at least ``AMBER_AT`` (0.85), red below that;
  an index that cannot be computed yet (nothing planned or spent) counts as green;
- an open high risk (score >= ``HIGH_RISK_SCORE``, 15 of 25) or a slipped milestone makes the overall status at
  least amber;
- the overall status is the worst of these. The PM may set another overall status, with a reason.

The figures the draft was computed from are kept in ``facts`` as they were, so an old report reads the same later.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.access import can_edit_project
from tripod.projects.models import Baseline, BaselineTask, Project, Rag, StatusReport, Task, TimeEntry

GREEN_AT = Decimal("0.95")
AMBER_AT = Decimal("0.85")
HIGH_RISK_SCORE = 15
RAG_ORDER = (Rag.GREEN, Rag.AMBER, Rag.RED)
PERIOD_DAYS = {StatusReport.Cadence.WEEKLY: 7, StatusReport.Cadence.BIWEEKLY: 14}
REPORT_EDITABLE = {"narrative", "client_summary", "rag", "rag_reason", "shareable"}


def rag_for_index(index: Decimal | None) -> str:
    """The status of a performance index (SPI or CPI): >= 0.95 green, >= 0.85 amber, else red; None is green."""
    if index is None or index >= GREEN_AT:
        return Rag.GREEN
    if index >= AMBER_AT:
        return Rag.AMBER
    return Rag.RED


def rag_worst(*rags: str) -> str:
    return max(rags, key=RAG_ORDER.index, default=Rag.GREEN)


# --- the figures ------------------------------------------------------------------------------------------------------
def _earned_value(*, user: Any, project: Project, status_date: date) -> Any:
    from tripod.projects.selectors.budget import project_earned_value

    return project_earned_value(user=user, project=project, status_date=status_date)


def _open_high_risks(*, user: Any, project: Project) -> list[dict[str, Any]]:
    from tripod.projects.selectors.risks import risk_list

    risks = risk_list(user=user, project=project, open_only=True).filter(score__gte=HIGH_RISK_SCORE)
    return [
        {"number": r.number, "title": r.title, "score": r.score, "kind": r.kind}
        for r in risks.order_by("-score", "number")
    ]


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), timezone.get_default_timezone())


def _iso(value: datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value, timezone.get_default_timezone()).isoformat()


def milestone_facts(project: Project, status_date: date) -> list[dict[str, Any]]:
    """Every milestone with its current and baseline finish; ``slipped`` when it finishes later than in the latest
    baseline, or its finish has passed and it is not done."""
    baseline = Baseline.objects.filter(project=project).order_by("-number").first()
    baseline_finish: dict[int, datetime | None] = {}
    if baseline is not None:
        baseline_finish = dict(
            BaselineTask.objects.filter(baseline=baseline, task__kind=Task.Kind.MILESTONE).values_list(
                "task_id", "finish"
            )
        )
    cutoff = _end_of(status_date)
    facts = []
    for task in Task.objects.filter(project=project, kind=Task.Kind.MILESTONE).order_by("position", "pk"):
        done = task.actual_finish is not None or task.percent_complete >= 100
        planned = baseline_finish.get(task.pk)
        late_vs_baseline = bool(task.finish and planned and task.finish > planned)
        overdue = bool(task.finish and task.finish < cutoff and not done)
        facts.append(
            {
                "id": task.pk,
                "wbs": task.wbs_code,
                "name": task.name,
                "finish": _iso(task.finish),
                "baseline_finish": _iso(planned),
                "done": done,
                "late_vs_baseline": late_vs_baseline,
                "overdue": overdue,
                "slipped": late_vs_baseline or overdue,
            }
        )
    return facts


def planned_work_to_date(project: Project, status_date: date) -> int:
    """Working minutes of work planned by the end of ``status_date``: all of a finished task's work, a share of an
    ongoing task's work in proportion to the time elapsed between its start and finish."""
    cutoff = _end_of(status_date)
    planned = 0.0
    rows = Task.objects.filter(project=project, kind=Task.Kind.TASK).values_list("work_min", "start", "finish")
    for work, start, finish in rows:
        if not work or start is None or finish is None or start >= cutoff:
            continue
        if finish <= cutoff or finish <= start:
            planned += work
        else:
            planned += work * (cutoff - start) / (finish - start)
    return round(planned)


def actual_work_to_date(project: Project, status_date: date) -> int:
    """Approved hours booked on the project up to ``status_date``, in minutes."""
    total = TimeEntry.objects.filter(
        task__project=project, status=TimeEntry.Status.APPROVED, day__lte=status_date
    ).aggregate(n=Sum("minutes"))["n"]
    return int(total or 0)


def _decimal_text(value: Any) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def report_facts(*, actor: Any, project: Project, status_date: date) -> dict[str, Any]:
    """The figures of a status report as of ``status_date`` (JSON-ready, the RAGs computed)."""
    ev = _earned_value(user=actor, project=project, status_date=status_date)
    spi, cpi = getattr(ev, "spi", None), getattr(ev, "cpi", None)
    risks = _open_high_risks(user=actor, project=project)
    milestones = milestone_facts(project, status_date)
    planned, actual = planned_work_to_date(project, status_date), actual_work_to_date(project, status_date)
    schedule_rag, cost_rag = rag_for_index(spi), rag_for_index(cpi)
    signals = [schedule_rag, cost_rag]
    if risks:
        signals.append(Rag.AMBER)
    if any(m["slipped"] for m in milestones):
        signals.append(Rag.AMBER)
    return {
        "status_date": status_date.isoformat(),
        "spi": _decimal_text(spi),
        "cpi": _decimal_text(cpi),
        "pv": _decimal_text(getattr(ev, "pv", None)),
        "ev": _decimal_text(getattr(ev, "ev", None)),
        "ac": _decimal_text(getattr(ev, "ac", None)),
        "eac": _decimal_text(getattr(ev, "eac", None)),
        "bac": _decimal_text(getattr(ev, "bac", None)),
        "schedule_rag": schedule_rag,
        "cost_rag": cost_rag,
        "computed_rag": rag_worst(*signals),
        "high_risks": risks,
        "milestones": milestones,
        "slipped_milestones": [m for m in milestones if m["slipped"]],
        "planned_work_min": planned,
        "actual_work_min": actual,
        "thresholds": {"green": str(GREEN_AT), "amber": str(AMBER_AT), "high_risk_score": HIGH_RISK_SCORE},
    }


# --- writes -----------------------------------------------------------------------------------------------------------
def _check_editor(actor: Any, project: Project) -> None:
    if not can_edit_project(actor, project):
        raise Forbidden()


@transaction.atomic
def status_report_draft(
    *, actor: Any, project: Project, period_end: date, cadence: str = StatusReport.Cadence.WEEKLY
) -> StatusReport:
    """A new draft report for the period ending ``period_end`` (one per period), its figures computed now."""
    _check_editor(actor, project)
    if cadence not in PERIOD_DAYS:
        raise ValidationFailed({"cadence": [gettext("Choose weekly or bi-weekly.")]})
    if not isinstance(period_end, date):
        raise ValidationFailed({"period_end": [gettext("Give the last day of the period.")]})
    if StatusReport.objects.filter(project=project, period_end=period_end).exists():
        raise ValidationFailed(
            {"period_end": [gettext("There is already a status report for the period ending on this day.")]}
        )
    facts = report_facts(actor=actor, project=project, status_date=period_end)
    report = tracked_create(
        StatusReport,
        actor=actor,
        project=project,
        cadence=cadence,
        period_start=period_end - timedelta(days=PERIOD_DAYS[cadence] - 1),
        period_end=period_end,
        status_date=period_end,
        rag=facts["computed_rag"],
        schedule_rag=facts["schedule_rag"],
        cost_rag=facts["cost_rag"],
        facts=facts,
    )
    business_event_record(
        actor=actor, verb="status_report.drafted", target=report, data={"period_end": period_end.isoformat()}
    )
    return report


@transaction.atomic
def status_report_refresh(*, actor: Any, report: StatusReport, version: int | None) -> StatusReport:
    """Recompute a draft's figures (after timesheets were approved, say); the PM's text stays."""
    _check_editor(actor, report.project)
    _check_draft(report)
    facts = report_facts(actor=actor, project=report.project, status_date=report.status_date)
    changes: dict[str, Any] = {"facts": facts, "schedule_rag": facts["schedule_rag"], "cost_rag": facts["cost_rag"]}
    if not report.rag_reason:
        changes["rag"] = facts["computed_rag"]
    report, _changed = versioned_update(report, actor=actor, version=version, changes=changes)
    return report


@transaction.atomic
def status_report_update(*, actor: Any, report: StatusReport, version: int | None, **changes: Any) -> StatusReport:
    """Change a draft's narrative, client summary, shareable flag or overall status (another status than the
    computed one needs a reason)."""
    _check_editor(actor, report.project)
    unknown = set(changes) - REPORT_EDITABLE
    if unknown:
        raise TypeError(f"status_report_update got unknown fields {sorted(unknown)}")
    _check_draft(report)
    for field in ("narrative", "client_summary", "rag_reason"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    rag = changes.get("rag", report.rag)
    reason = changes.get("rag_reason", report.rag_reason)
    computed = (report.facts or {}).get("computed_rag", report.rag)
    if rag not in Rag.values:
        raise ValidationFailed({"rag": [gettext("Choose green, amber or red.")]})
    if rag != computed and not reason:
        raise ValidationFailed(
            {"rag_reason": [gettext("Say why the overall status differs from the one computed from the figures.")]}
        )
    if rag == computed:
        changes["rag_reason"] = ""
    report, _changed = versioned_update(report, actor=actor, version=version, changes=changes)
    return report


@transaction.atomic
def status_report_publish(*, actor: Any, report: StatusReport, version: int | None) -> StatusReport:
    """Publish a draft: from now on it is read-only (the shareable flag may still change)."""
    _check_editor(actor, report.project)
    _check_draft(report)
    if not report.narrative.strip():
        raise ValidationFailed({"narrative": [gettext("Write the narrative before publishing.")]})
    if report.shareable and not report.client_summary.strip():
        raise ValidationFailed(
            {"client_summary": [gettext("A report shared with the client needs a summary for the client.")]}
        )
    report, _changed = versioned_update(
        report,
        actor=actor,
        version=version,
        changes={"published_at": timezone.now(), "published_by": actor if actor.is_authenticated else None},
    )
    business_event_record(actor=actor, verb="status_report.published", target=report, data={"rag": report.rag})
    return report


@transaction.atomic
def status_report_share(*, actor: Any, report: StatusReport, shareable: bool) -> StatusReport:
    """Show (or stop showing) a report to the client's portal users; a shared report needs a client summary."""
    _check_editor(actor, report.project)
    if shareable and not report.client_summary.strip():
        raise ValidationFailed(
            {"client_summary": [gettext("A report shared with the client needs a summary for the client.")]}
        )
    report, changed = versioned_update(report, actor=actor, version=None, changes={"shareable": bool(shareable)})
    if changed:
        business_event_record(
            actor=actor, verb="status_report.shared" if shareable else "status_report.unshared", target=report
        )
    return report


def _check_draft(report: StatusReport) -> None:
    if report.is_published:
        raise ValidationFailed({"__all__": [gettext("This report is published; it can no longer be changed.")]})
