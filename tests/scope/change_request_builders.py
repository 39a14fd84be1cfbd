"""Builders for the change-request tests: the scope world (tests/scope/requirement_builders.py) with its plan on P1
starting on a Monday, so the weeks are known: Design (2d, rows 1) Mon-Tue, Build (3d, row 2) Wed-Fri, Hand-over
(milestone, row 3) Friday evening. Change requests are raised, drafted, submitted and decided through the real
services."""

from __future__ import annotations

import datetime as dt

from tests.projects.wbs_builders import make_plan
from tests.scope.requirement_builders import PLAN, ScopeWorld, build_scope_world
from tripod.projects.models import Project
from tripod.projects.services.assignments import assignment_create
from tripod.scope.models import Approval, ChangeRequest
from tripod.scope.services import (
    change_request_create,
    change_request_decide,
    change_request_line_add,
    change_request_submit,
)

MONDAY = dt.date(2026, 3, 2)
DAY = 480


def build_cr_world() -> ScopeWorld:
    sw = build_scope_world(plan=False)
    Project.objects.filter(pk=sw.project.pk).update(start=MONDAY)
    sw.world.project.refresh_from_db()
    sw.tasks = make_plan(sw.world.project, PLAN)
    return sw


def raise_cr(sw: ScopeWorld, actor: str = "pm_related", **fields) -> ChangeRequest:
    fields.setdefault("title", "Audit trail export")
    fields.setdefault("reason", "The client's auditors asked for it.")
    return change_request_create(actor=sw.users[actor], project=sw.project, **fields)


def add_task_line(sw: ScopeWorld, cr: ChangeRequest, **fields):
    fields.setdefault("kind", "add_task")
    fields.setdefault("name", "Export to the audit format")
    fields.setdefault("duration_min", 5 * DAY)
    fields.setdefault("predecessors", "2")
    fields.setdefault("skill", "Backend")
    return change_request_line_add(actor=sw.users["pm_related"], change_request=cr, **fields)


def assign_build(sw: ScopeWorld) -> None:
    """S works full time on Build (24 h, Wed-Fri of the first week)."""
    assignment_create(actor=sw.users["pm_related"], task=sw.tasks["Build"], person=sw.world.person)


def approve_all(sw: ScopeWorld, cr: ChangeRequest, lm: str = "lm_related") -> None:
    for actor, role in (("pm_related", "pm"), ("am_related", "am"), (lm, "lm")):
        cr.refresh_from_db()
        change_request_decide(
            actor=sw.users[actor], change_request=cr, role=role, decision=Approval.Decision.APPROVE, comment="OK"
        )


def submitted_cr(sw: ScopeWorld, **line) -> ChangeRequest:
    cr = raise_cr(sw)
    add_task_line(sw, cr, person=sw.world.person, **line)
    return change_request_submit(actor=sw.users["pm_related"], change_request=cr)
