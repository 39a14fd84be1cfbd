"""A small world with one subject of each kind and, for each role, a user related to it and one who is not.

Subjects: client C1, its project P1, and person S (on P1, managed by lm_related, in team T1).
Relations: pm_related runs P1; am_related owns C1; lm_related manages S; member_related works on P1 with S;
client_related is C1's portal user; self is S's own login. Every *_unrelated user has the same role on the
other client C2 / project P2 / line, so a cell can only pass by the relation, never by the role alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tripod.clients.models import Client, PortalUser
from tripod.identity.models import Role, RoleGrant, User
from tripod.people.models import Person, Team
from tripod.projects.models import Project, ProjectMember

ACTORS = (
    "anonymous",
    "admin",
    "pm_related",
    "pm_unrelated",
    "am_related",
    "am_unrelated",
    "lm_related",
    "lm_unrelated",
    "member_related",
    "member_unrelated",
    "client_related",
    "client_unrelated",
    "self",
)

ACTOR_ROLES = {
    "admin": Role.ADMIN,
    "pm_related": Role.PM,
    "pm_unrelated": Role.PM,
    "am_related": Role.AM,
    "am_unrelated": Role.AM,
    "lm_related": Role.LM,
    "lm_unrelated": Role.LM,
    "member_related": Role.MEMBER,
    "member_unrelated": Role.MEMBER,
    "client_related": Role.CLIENT,
    "client_unrelated": Role.CLIENT,
    "self": Role.MEMBER,
}

PASSWORD = "authz-world-pass-1"


@dataclass
class World:
    users: dict[str, User]
    client: Client
    project: Project
    person: Person


def build_world() -> World:
    users: dict[str, User] = {}
    for actor, role in ACTOR_ROLES.items():
        user = User.objects.create_user(
            username=actor,
            email=f"{actor}@authz.example",
            password=PASSWORD,
            is_superuser=actor == "admin",
            is_staff=actor == "admin",
        )
        RoleGrant.objects.create(user=user, role=role)
        users[actor] = user

    c1 = Client.objects.create(name="C1", owner_am=users["am_related"])
    c2 = Client.objects.create(name="C2", owner_am=users["am_unrelated"])
    PortalUser.objects.create(user=users["client_related"], client=c1)
    PortalUser.objects.create(user=users["client_unrelated"], client=c2)

    t1 = Team.objects.create(name="T1")
    t2 = Team.objects.create(name="T2")
    lm_rel = Person.objects.create(name="LM related", user=users["lm_related"])
    lm_unrel = Person.objects.create(name="LM unrelated", user=users["lm_unrelated"])
    subject = Person.objects.create(
        name="Subject S", user=users["self"], team=t1, manager=lm_rel, cost_rate=Decimal("321.00")
    )
    Person.objects.create(name="Member related", user=users["member_related"], team=t2)
    Person.objects.create(name="Member unrelated", user=users["member_unrelated"], team=t2, manager=lm_unrel)

    p1 = Project.objects.create(
        code="P1", name="Project one", client=c1, pm=users["pm_related"], budget=Decimal("1000")
    )
    p2 = Project.objects.create(code="P2", name="Project two", client=c2, pm=users["pm_unrelated"])
    for member in ("self", "member_related"):
        ProjectMember.objects.create(project=p1, user=users[member])
    ProjectMember.objects.create(project=p2, user=users["member_unrelated"])
    return World(users=users, client=c1, project=p1, person=subject)
