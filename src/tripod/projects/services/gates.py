"""Phase gates: the PM (or an admin) moves a project through its life cycle against a checklist.

Going forward the project may only move to the next phase; the gate checklist of the phase being left must be
fully ticked for a plain pass, otherwise the decision is "passed with conditions" (the note says which) or "held"
(the project stays where it is, and the gate is recorded all the same). Going back to an earlier phase needs a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.access import can_edit_project
from tripod.projects.models import PhaseGate, Project

Phase = Project.Phase
Decision = PhaseGate.Decision

PHASE_ORDER: tuple[str, ...] = (
    Phase.INITIATING,
    Phase.PLANNING,
    Phase.EXECUTING,
    Phase.MONITORING,
    Phase.CLOSING,
    Phase.CLOSED,
)

# What must be true before leaving each phase. Stored in English in the gate record and translated on display,
# so a gate reads the same in every language and old records stay readable when the list changes.
GATE_CHECKLISTS: dict[str, tuple[str, ...]] = {
    Phase.INITIATING: (
        gettext_noop("Charter approved"),
        gettext_noop("Objectives and scope stated"),
        gettext_noop("Client sponsor identified"),
        gettext_noop("Project manager and team named"),
    ),
    Phase.PLANNING: (
        gettext_noop("WBS complete"),
        gettext_noop("Baseline saved"),
        gettext_noop("Budget approved"),
        gettext_noop("Risks identified"),
    ),
    Phase.EXECUTING: (
        gettext_noop("Work under way as planned"),
        gettext_noop("Timesheets submitted and approved"),
        gettext_noop("Status reports issued"),
    ),
    Phase.MONITORING: (
        gettext_noop("All deliverables accepted"),
        gettext_noop("Change requests closed"),
        gettext_noop("Open risks and issues resolved or handed over"),
    ),
    Phase.CLOSING: (
        gettext_noop("Client acceptance signed"),
        gettext_noop("Final hours approved"),
        gettext_noop("Lessons learned recorded"),
        gettext_noop("Project documents archived"),
    ),
    Phase.CLOSED: (),
}


def next_phase(phase: str) -> str | None:
    """The phase after ``phase`` in the life cycle, or None for a closed project."""
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def gate_checklist(phase: str) -> tuple[str, ...]:
    """The checklist (English msgids) of the gate that leaves ``phase``."""
    return GATE_CHECKLISTS.get(phase, ())


@transaction.atomic
def phase_advance(
    *,
    actor: Any,
    project: Project,
    to_phase: str,
    decision: str,
    checklist: Iterable[str] = (),
    note: str = "",
    version: int | None = None,
) -> PhaseGate:
    """Record a gate and, unless it is held, move ``project`` to ``to_phase``.

    ``checklist`` is the items of the gate checklist that are done (the others are recorded as not done)."""
    if not can_edit_project(actor, project):
        raise Forbidden()
    note = (note or "").strip()
    if to_phase not in PHASE_ORDER:
        raise ValidationFailed({"to_phase": [gettext("Choose one of the project phases.")]})
    if to_phase == project.phase:
        raise ValidationFailed({"to_phase": [gettext("The project is already in this phase.")]})
    if decision not in Decision.values:
        raise ValidationFailed({"decision": [gettext("Choose passed, passed with conditions or held.")]})
    backwards = PHASE_ORDER.index(to_phase) < PHASE_ORDER.index(project.phase)
    if backwards:
        if not note:
            raise ValidationFailed({"note": [gettext("Say why the project goes back to an earlier phase.")]})
        items: list[dict[str, Any]] = []
        decision = Decision.PASSED
    else:
        if to_phase != next_phase(project.phase):
            raise ValidationFailed(
                {"to_phase": [gettext("A project moves forward one phase at a time, through each gate.")]}
            )
        items = _checklist_items(project.phase, checklist)
        if decision == Decision.PASSED and not all(item["done"] for item in items):
            raise ValidationFailed(
                {
                    "decision": [
                        gettext(
                            "Some checklist items are not done: pass the gate with conditions, or hold the project."
                        )
                    ]
                }
            )
        if decision in (Decision.PASSED_WITH_CONDITIONS, Decision.HELD) and not note:
            raise ValidationFailed({"note": [gettext("Write down the conditions or the reason for holding.")]})
    from_phase = project.phase
    gate = tracked_create(
        PhaseGate,
        actor=actor,
        project=project,
        from_phase=from_phase,
        to_phase=to_phase,
        decision=decision,
        checklist=items,
        note=note,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if decision == Decision.HELD:
        business_event_record(
            actor=actor, verb="project.gate_held", target=project, data={"from": from_phase, "to": to_phase}
        )
        return gate
    updated, _changed = versioned_update(project, actor=actor, version=version, changes={"phase": to_phase})
    project.phase, project.version = updated.phase, updated.version
    business_event_record(
        actor=actor,
        verb="project.phase_changed",
        target=project,
        data={"from": from_phase, "to": to_phase, "decision": decision, "gate": gate.pk},
    )
    return gate


def _checklist_items(phase: str, done: Iterable[str]) -> list[dict[str, Any]]:
    expected = gate_checklist(phase)
    ticked = {str(item) for item in done or ()}
    unknown = ticked - set(expected)
    if unknown:
        raise ValidationFailed(
            {"checklist": [gettext("%(item)s is not on this gate's checklist.") % {"item": sorted(unknown)[0]}]}
        )
    return [{"item": item, "done": item in ticked} for item in expected]
