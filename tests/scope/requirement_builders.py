"""Builders for the requirement tests: the authorization world (tests/authz/world.py) with contacts at both
clients, portal users bound to a contact, a small WBS on P1, and requirements walked to any status through the
real services."""

from __future__ import annotations

from dataclasses import dataclass

from tests.authz.world import World, build_world
from tests.projects.wbs_builders import make_plan
from tripod.clients.models import Client, Contact, PortalUser
from tripod.projects.models import Task
from tripod.projects.services.wbs_cells import task_cell_update
from tripod.scope.models import Requirement
from tripod.scope.services import (
    requirement_accept,
    requirement_capture,
    requirement_clarify,
    requirement_confirm,
    requirement_deliver,
    requirement_reject,
    requirement_scope,
    requirement_trace_add,
    requirement_withdraw,
)

S = Requirement.Status
PLAN = "Design\t2d\t16h\nBuild\t3d\t24h\t1\nHand-over\t0\t\t2"


@dataclass
class ScopeWorld:
    world: World
    other_client: Client
    cio: Contact  # at C1
    portal_contact: Contact  # C1's portal user
    other_contact: Contact  # at C2
    tasks: dict[str, Task]

    @property
    def users(self):
        return self.world.users

    @property
    def client(self) -> Client:
        return self.world.client

    @property
    def project(self):
        return self.world.project


def build_scope_world(*, plan: bool = True) -> ScopeWorld:
    world = build_world()
    other = Client.objects.get(name="C2")
    cio = Contact.objects.create(client=world.client, name="赵总 Zhao Gang", title="CIO")
    portal_contact = Contact.objects.create(client=world.client, name="钱丽 Qian Li", title="Head of Digital")
    other_contact = Contact.objects.create(client=other, name="Laura Chen", title="VP Operations")
    PortalUser.objects.filter(user=world.users["client_related"]).update(contact=portal_contact)
    PortalUser.objects.filter(user=world.users["client_unrelated"]).update(contact=other_contact)
    tasks = make_plan(world.project, PLAN) if plan else {}
    return ScopeWorld(world, other, cio, portal_contact, other_contact, tasks)


def capture(sw: ScopeWorld, actor: str = "am_related", **fields) -> Requirement:
    fields.setdefault("title", "Single sign-on")
    fields.setdefault("statement", "Staff sign in with their bank domain account; no second password.")
    fields.setdefault("project", sw.project)
    if sw.users[actor].is_internal:
        fields.setdefault("source_contact", sw.cio)
    return requirement_capture(actor=sw.users[actor], client=sw.client, **fields)


def complete(sw: ScopeWorld, *names: str) -> None:
    """Set the named tasks to 100 % as the PM would in the WBS."""
    for name in names:
        task = Task.objects.get(pk=sw.tasks[name].pk)
        task_cell_update(
            actor=sw.users["pm_related"], task=task, version=task.version, field="percent_complete", text="100"
        )


def walk(sw: ScopeWorld, status: str, **fields) -> Requirement:
    """A requirement of C1 on P1 brought to ``status`` through the services, as the owner AM and the PM would."""
    am, pm = sw.users["am_related"], sw.users["pm_related"]
    requirement = capture(sw, **fields)
    if status == S.CAPTURED:
        return requirement
    if status == S.REJECTED:
        return requirement_reject(actor=am, requirement=requirement, reason="Not feasible on the current core.")
    if status == S.WITHDRAWN:
        return requirement_withdraw(actor=am, requirement=requirement, reason="The client dropped it.")
    requirement = requirement_clarify(actor=am, requirement=requirement)
    if status == S.CLARIFIED:
        return requirement
    requirement_confirm(
        actor=am, requirement=requirement, contact=sw.cio, channel="meeting", wording="Yes, that is what we need."
    )
    requirement = Requirement.objects.get(pk=requirement.pk)
    if status == S.CONFIRMED:
        return requirement
    if status == S.OUT_OF_SCOPE:
        return requirement_scope(actor=am, requirement=requirement, in_scope=False, reason="Not in the SOW.")
    requirement = requirement_scope(actor=am, requirement=requirement, in_scope=True)
    if status == S.IN_SCOPE:
        return requirement
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Build"])
    complete(sw, "Build")
    requirement = requirement_deliver(actor=pm, requirement=requirement)
    if status == S.DELIVERED:
        return requirement
    requirement_accept(actor=am, requirement=requirement, contact=sw.cio, channel="email", wording="Accepted.")
    return Requirement.objects.get(pk=requirement.pk)
