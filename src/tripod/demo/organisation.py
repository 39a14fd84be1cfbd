"""The demo organisation: a small firm with three teams, four clients and five projects.

Built through the same services the product uses, so the demo obeys every rule a real user's data does.
Later features extend :func:`build` so that every screen shows real content.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from tripod.clients.models import Client
from tripod.clients.services import client_create, contact_create, portal_user_bind
from tripod.core.models import Calendar, CalendarException
from tripod.identity.models import Role, RoleGrant, User
from tripod.people.models import Person, Team
from tripod.people.services import person_create, team_create
from tripod.projects.models import Project
from tripod.projects.services import project_create

DEMO_PASSWORD = "tripod-demo"  # noqa: S105  (documented demo login, refused in production)

# username, display name, e-mail, roles, team key, manager username, title, cost rate per hour (CNY)
STAFF: list[tuple[str, str, str, tuple[str, ...], str | None, str | None, str, str | None]] = [
    ("admin", "Admin", "admin@tripod.example", (Role.ADMIN,), None, None, "Administrator", None),
    ("lm", "王芳 Wang Fang", "wang.fang@tripod.example", (Role.LM,), "platform", None, "Head of Engineering", "520"),
    ("lm2", "Sarah Mitchell", "sarah.mitchell@tripod.example", (Role.LM,), "mobile", "lm", "Mobile Lead", "480"),
    ("pm", "李明 Li Ming", "li.ming@tripod.example", (Role.PM,), "platform", "lm", "Senior Project Manager", "450"),
    ("pm2", "James Carter", "james.carter@tripod.example", (Role.PM,), "mobile", "lm2", "Project Manager", "420"),
    ("am", "陈静 Chen Jing", "chen.jing@tripod.example", (Role.AM,), None, None, "Account Director", None),
    ("am2", "Olivia Brown", "olivia.brown@tripod.example", (Role.AM,), None, None, "Account Manager", None),
    ("dev", "张伟 Zhang Wei", "zhang.wei@tripod.example", (Role.MEMBER,), "platform", "lm", "Backend Engineer", "360"),
    (
        "liu.yang",
        "刘洋 Liu Yang",
        "liu.yang@tripod.example",
        (Role.MEMBER,),
        "platform",
        "lm",
        "Frontend Engineer",
        "340",
    ),
    ("emma", "Emma Wilson", "emma.wilson@tripod.example", (Role.MEMBER,), "platform", "lm", "QA Engineer", "300"),
    (
        "zhao.lei",
        "赵磊 Zhao Lei",
        "zhao.lei@tripod.example",
        (Role.MEMBER,),
        "platform",
        "lm",
        "DevOps Engineer",
        "380",
    ),
    ("noah", "Noah Kim", "noah.kim@tripod.example", (Role.MEMBER,), "data", "lm", "Data Engineer", "370"),
    ("sun.li", "孙丽 Sun Li", "sun.li@tripod.example", (Role.MEMBER,), "data", "lm", "Data Analyst", "320"),
    ("zhou.jie", "周杰 Zhou Jie", "zhou.jie@tripod.example", (Role.MEMBER,), "data", "lm", "ML Engineer", "400"),
    ("ava", "Ava Martinez", "ava.martinez@tripod.example", (Role.MEMBER,), "data", "lm", "BI Developer", "330"),
    ("wu.hao", "吴昊 Wu Hao", "wu.hao@tripod.example", (Role.MEMBER,), "mobile", "lm2", "iOS Engineer", "350"),
    (
        "lucas",
        "Lucas Schmidt",
        "lucas.schmidt@tripod.example",
        (Role.MEMBER,),
        "mobile",
        "lm2",
        "Android Engineer",
        "350",
    ),
    ("huang.min", "黄敏 Huang Min", "huang.min@tripod.example", (Role.MEMBER,), "mobile", "lm2", "UX Designer", "310"),
    ("mia", "Mia Johnson", "mia.johnson@tripod.example", (Role.MEMBER,), "mobile", "lm2", "Mobile QA Engineer", "290"),
]

TEAMS = {"platform": "Platform Engineering 平台工程", "data": "Data & AI 数据智能", "mobile": "Mobile Apps 移动应用"}
TEAM_LEADS = {"platform": "lm", "data": "zhou.jie", "mobile": "lm2"}

# name, industry, tier, owner AM, contacts (name, title, email, decision role)
CLIENTS: list[tuple[str, str, str, str, list[tuple[str, str, str, str]]]] = [
    (
        "华信银行 Huaxin Bank",
        "Banking",
        Client.Tier.STRATEGIC,
        "am",
        [
            ("赵总 Zhao Gang", "CIO", "zhao.gang@huaxin.example", "decision_maker"),
            ("钱丽 Qian Li", "Head of Digital Channels", "qian.li@huaxin.example", "champion"),
            ("Peter Lin", "Procurement Manager", "peter.lin@huaxin.example", "gatekeeper"),
        ],
    ),
    (
        "Northwind Logistics",
        "Logistics",
        Client.Tier.KEY,
        "am2",
        [
            ("Laura Chen", "VP Operations", "laura.chen@northwind.example", "decision_maker"),
            ("Tom Baker", "IT Manager", "tom.baker@northwind.example", "influencer"),
        ],
    ),
    (
        "康健医疗 Kangjian Health",
        "Healthcare",
        Client.Tier.KEY,
        "am",
        [
            ("孙医生 Dr. Sun Qiang", "Medical Director", "sun.qiang@kangjian.example", "decision_maker"),
            ("林小雨 Lin Xiaoyu", "Product Owner", "lin.xiaoyu@kangjian.example", "user"),
        ],
    ),
    (
        "Evergreen Retail",
        "Retail",
        Client.Tier.STANDARD,
        "am2",
        [
            ("Rachel Green", "Head of E-commerce", "rachel.green@evergreen.example", "decision_maker"),
            ("何磊 He Lei", "Store Systems Lead", "he.lei@evergreen.example", "influencer"),
        ],
    ),
]

# code, name, client index, PM, phase shown in the demo, start offset (days), length (days), budget, members.
# Projects are created in the initiating phase; tripod.demo.delivery walks them through their gates.
PROJECTS: list[tuple[str, str, int, str, str, int, int, str, tuple[str, ...]]] = [
    (
        "HX-MB",
        "手机银行重构 Mobile Banking Rebuild",
        0,
        "pm2",
        Project.Phase.EXECUTING,
        -90,
        240,
        "920000",
        ("wu.hao", "lucas", "huang.min", "mia", "dev"),
    ),
    (
        "HX-DW",
        "Data Warehouse Modernisation 数据仓库升级",
        0,
        "pm",
        Project.Phase.PLANNING,
        -20,
        180,
        "650000",
        ("noah", "sun.li", "zhou.jie", "ava"),
    ),
    (
        "NW-TMS",
        "Transport Management Platform",
        1,
        "pm",
        Project.Phase.EXECUTING,
        -120,
        300,
        "950000",
        ("dev", "liu.yang", "emma", "zhao.lei"),
    ),
    (
        "KJ-PT",
        "患者服务门户 Patient Portal",
        2,
        "pm2",
        Project.Phase.MONITORING,
        -200,
        260,
        "540000",
        ("liu.yang", "huang.min", "emma"),
    ),
    (
        "EG-POS",
        "Store Analytics & POS Integration",
        3,
        "pm",
        Project.Phase.INITIATING,
        10,
        150,
        "240000",
        ("zhao.lei", "ava"),
    ),
    (
        "EG-LOY",
        "会员积分应用 Loyalty App",
        3,
        "pm2",
        Project.Phase.CLOSING,
        -260,
        220,
        "380000",
        ("wu.hao", "mia"),
    ),
]

# Public holidays of the People's Republic of China used by the standard calendar (2026 and 2027).
HOLIDAYS: list[tuple[str, str, str]] = [
    ("元旦 New Year's Day", "2026-01-01", "2026-01-03"),
    ("春节 Spring Festival", "2026-02-15", "2026-02-23"),
    ("清明节 Qingming", "2026-04-04", "2026-04-06"),
    ("劳动节 Labour Day", "2026-05-01", "2026-05-05"),
    ("端午节 Dragon Boat", "2026-06-19", "2026-06-21"),
    ("中秋节 Mid-Autumn", "2026-09-25", "2026-09-27"),
    ("国庆节 National Day", "2026-10-01", "2026-10-07"),
    ("元旦 New Year's Day", "2027-01-01", "2027-01-03"),
    ("春节 Spring Festival", "2027-02-06", "2027-02-14"),
    ("清明节 Qingming", "2027-04-05", "2027-04-05"),
    ("劳动节 Labour Day", "2027-05-01", "2027-05-05"),
]


@dataclass
class DemoOrganisation:
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    calendar: Calendar | None = None


def _demo_password_hash() -> str:
    # One slow password hash for all demo logins, not one per login (each takes about half a second).
    return _hash_with(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash_with(hashers: tuple[str, ...]) -> str:
    # Keyed by the hashers in force: a hash made under other settings might not be checkable under these.
    return make_password(DEMO_PASSWORD)


def _user(username: str, display_name: str, email: str, roles: tuple[str, ...]) -> User:
    user = User.objects.create_user(
        username=username,
        email=email,
        password=None,
        display_name=display_name,
        is_staff=Role.ADMIN in roles,
        is_superuser=Role.ADMIN in roles,
    )
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in roles])
    return user


def _standard_calendar() -> Calendar:
    day = [["09:00", "12:00"], ["13:00", "18:00"]]
    calendar = Calendar.objects.create(
        name="Standard 标准日历", working_hours={str(d): day for d in range(5)}, minutes_per_day=480
    )
    CalendarException.objects.bulk_create(
        CalendarException(
            calendar=calendar, name=name, start_date=dt.date.fromisoformat(a), end_date=dt.date.fromisoformat(b)
        )
        for name, a, b in HOLIDAYS
    )
    return calendar


@transaction.atomic
def build(today: dt.date | None = None) -> DemoOrganisation:
    """Create the demo organisation in an empty database."""
    today = today or dt.date.today()
    org = DemoOrganisation()
    org.calendar = _standard_calendar()
    for username, display_name, email, roles, *_ in STAFF:
        org.users[username] = _user(username, display_name, email, roles)
    admin = org.users["admin"]
    admin.refresh_from_db()

    for key, name in TEAMS.items():
        org.teams[key] = team_create(actor=admin, name=name)
    for username, display_name, _email, _roles, team, manager, title, rate in STAFF:
        if username == "admin":
            continue
        org.people[username] = person_create(
            actor=admin,
            name=display_name,
            user=org.users[username],
            team=org.teams[team] if team else None,
            manager=org.people[manager] if manager else None,
            title=title,
            hire_date=today - dt.timedelta(days=200 + 97 * len(org.people)),
            calendar=org.calendar,
            cost_rate=Decimal(rate) if rate else None,
        )
    for key, lead in TEAM_LEADS.items():
        Team.objects.filter(pk=org.teams[key].pk).update(lead=org.users[lead])

    for name, industry, tier, owner, contacts in CLIENTS:
        client = client_create(actor=admin, name=name, industry=industry, tier=tier, owner_am=org.users[owner])
        for contact_name, title, email, decision_role in contacts:
            contact_create(
                actor=admin,
                client=client,
                name=contact_name,
                title=title,
                email=email,
                role_in_decision_chain=decision_role,
            )
        org.clients.append(client)

    portal = _user("client", "钱丽 Qian Li (Huaxin Bank)", "portal@huaxin.example", (Role.CLIENT,))
    portal_user_bind(
        actor=admin,
        user=portal,
        client=org.clients[0],
        contact=org.clients[0].contacts.get(email="qian.li@huaxin.example"),
    )
    org.users["client"] = portal

    for code, name, client_index, pm, _phase, start, length, budget, members in PROJECTS:
        begin = today + dt.timedelta(days=start)
        org.projects.append(
            project_create(
                actor=admin,
                code=code,
                name=name,
                client=org.clients[client_index],
                pm=org.users[pm],
                calendar=org.calendar,
                start=begin,
                target_finish=begin + dt.timedelta(days=length),
                budget=Decimal(budget),
                members=tuple(org.users[m] for m in members),
            )
        )
    return org


def is_empty() -> bool:
    return not User.objects.exists()


def summary(org: DemoOrganisation) -> dict[str, Any]:
    return {
        "users": len(org.users),
        "teams": len(org.teams),
        "people": len(org.people),
        "clients": len(org.clients),
        "projects": len(org.projects),
    }
