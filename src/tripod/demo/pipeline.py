"""The demo's pipeline: opportunities at every stage for the four demo clients (with their effort by skill), the
won ones linked to the projects the organisation already runs and to their contracts, lost ones with their reasons;
a contract per client with billing milestones paid, invoiced and overdue, or still to come; renewals due soon; and
each client's account plan for this quarter (and a reviewed one for the last quarter of the biggest account).

Everything goes through the AM's services, as each client's account manager would record it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tripod.clients.models import Client, Contract, Opportunity
from tripod.clients.selectors.pipeline import current_quarter, shift_quarter
from tripod.clients.services.pipeline import (
    account_plan_save,
    billing_milestone_add,
    billing_milestone_invoice,
    billing_milestone_pay,
    contract_update,
    opportunity_create,
    opportunity_effort_set,
    opportunity_lose,
    opportunity_move,
    opportunity_update,
    opportunity_win,
)

Stage = Opportunity.Stage
ORDER = list(Opportunity.OPEN_STAGES)

# client index, name, amount, currency, stage (won/lost: the stage reached before), expected close (days from
# today), business line (start of its name), effort by skill (skill, hours)
OPEN: list[tuple[int, str, str, str, str, int, str, list[tuple[str, int]]]] = [
    (
        0,
        "Open Banking API Platform 开放银行平台",
        "1600000",
        "CNY",
        Stage.NEGOTIATION,
        25,
        "Digital channels",
        [("Backend (Java)", 1400), ("API security", 320), ("DevOps", 260), ("QA", 420), ("Project management", 300)],
    ),
    (
        0,
        "Wealth Management App 财富管理应用",
        "680000",
        "CNY",
        Stage.PROPOSAL,
        50,
        "Digital channels",
        [("iOS", 520), ("Android", 520), ("UX design", 240), ("Backend (Java)", 400), ("QA", 300)],
    ),
    (
        0,
        "Credit Risk Scoring Models 信用风险模型",
        "450000",
        "CNY",
        Stage.NEEDS_ANALYSIS,
        80,
        "Data & analytics",
        [("Machine learning", 640), ("Data engineering", 360), ("BI", 120)],
    ),
    (
        1,
        "Cold-chain Monitoring",
        "380000",
        "CNY",
        Stage.NEGOTIATION,
        15,
        "Logistics IT",
        [("IoT integration", 300), ("Backend (Python)", 420), ("Frontend", 200), ("QA", 150)],
    ),
    (
        1,
        "Fleet Telematics Dashboard",
        "85000",
        "USD",
        Stage.QUALIFICATION,
        110,
        "Logistics IT",
        [("Data engineering", 200), ("BI", 160)],
    ),
    (
        1,
        "Warehouse Robotics Integration",
        "540000",
        "CNY",
        Stage.PROPOSAL,
        45,
        "Logistics IT",
        [("Backend (Python)", 600), ("DevOps", 180), ("QA", 200)],
    ),
    (
        2,
        "Telemedicine Module 远程问诊",
        "420000",
        "CNY",
        Stage.NEEDS_ANALYSIS,
        70,
        "Healthcare IT",
        [("Frontend", 320), ("Backend (Python)", 360), ("UX design", 160), ("QA", 180)],
    ),
    (
        2,
        "HIS Integration Phase 2 医院信息系统集成二期",
        "760000",
        "CNY",
        Stage.PROPOSAL,
        40,
        "Healthcare IT",
        [("Backend (Java)", 700), ("Integration", 320), ("QA", 260)],
    ),
    (
        3,
        "E-commerce Replatforming",
        "900000",
        "CNY",
        Stage.QUALIFICATION,
        120,
        "Retail technology",
        [("Frontend", 800), ("Backend (Java)", 700), ("DevOps", 240)],
    ),
    (
        3,
        "Loyalty App Phase 2 会员应用二期",
        "300000",
        "CNY",
        Stage.PROPOSAL,
        30,
        "Retail technology",
        [("iOS", 240), ("Android", 240), ("QA", 120)],
    ),
]

# client index, name, amount, stage lost at, reason category, reason, closed (days ago)
LOST: list[tuple[int, str, str, str, str, str, int]] = [
    (
        0,
        "Branch Kiosk Refresh 网点自助终端",
        "360000",
        Stage.PROPOSAL,
        "price",
        "The hardware vendor bundled the software for free; our price for the software alone was 40 % higher.",
        60,
    ),
    (
        1,
        "Driver Mobile App",
        "260000",
        Stage.NEGOTIATION,
        "competitor",
        "Chose a local agency that already builds their customer app; we were second on price and first on quality.",
        20,
    ),
    (
        2,
        "Appointment Chatbot 预约机器人",
        "120000",
        Stage.QUALIFICATION,
        "no_budget",
        "The innovation budget was frozen for the year after the merger.",
        45,
    ),
]

# project code, opportunity name, amount, won (days ago), reason category, reason, contract number, contract start
# and end (days from today), renewal status, scope, billing milestones: (name, share %, due (days from today),
# invoiced (days from today or None), paid share of the milestone % (0-100), paid (days from today))
WON: list[tuple[Any, ...]] = [
    (
        "HX-MB",
        "Mobile Banking Rebuild 手机银行重构",
        "1280000",
        110,
        "relationship",
        "Two years of good delivery on the old app and a champion in Digital Channels.",
        "HX-2026-001",
        -95,
        75,
        Contract.RenewalStatus.IN_NEGOTIATION,
        "Rebuild of the retail mobile banking app (iOS, Android), its backend for frontends and the release pipeline.",
        [
            ("Contract signature 合同签署", 25, -90, -90, 100, -70),
            ("Design sign-off 设计确认", 25, -40, -40, 100, -28),
            ("UAT complete 用户验收", 30, -5, -10, 0, None),
            ("Go-live 上线", 20, 60, None, 0, None),
        ],
    ),
    (
        "HX-DW",
        "Data Warehouse Modernisation 数据仓库升级",
        "880000",
        30,
        "solution_fit",
        "Our reference architecture matched their cloud strategy; the PoC loaded a year of data in two days.",
        "HX-2026-014",
        -20,
        200,
        Contract.RenewalStatus.NOT_DUE,
        "Migration of the enterprise data warehouse to the cloud lakehouse, with the regulatory reports.",
        [
            ("Mobilisation 启动", 30, -15, -15, 100, -3),
            ("Migration wave 1 第一批迁移", 40, 90, None, 0, None),
            ("Reports accepted 报表验收", 30, 180, None, 0, None),
        ],
    ),
    (
        "NW-TMS",
        "Transport Management Platform",
        "1350000",
        135,
        "solution_fit",
        "Routing engine demo on their own data won the operations team over.",
        "NW-2025-031",
        -120,
        245,
        Contract.RenewalStatus.NOT_DUE,
        "Transport management platform: planning, dispatch, carrier portal and the integration with their ERP.",
        [
            ("Kick-off", 20, -110, -110, 100, -95),
            ("Planning module live", 30, -50, -50, 40, -30),
            ("Dispatch module live", 30, 10, None, 0, None),
            ("Carrier portal live", 20, 120, None, 0, None),
        ],
    ),
    (
        "KJ-PT",
        "患者服务门户 Patient Portal",
        "720000",
        215,
        "relationship",
        "Dr. Sun sponsored us after the discovery workshop; the hospital wanted a partner with healthcare references.",
        "KJ-2025-008",
        -200,
        60,
        Contract.RenewalStatus.UPCOMING,
        "Patient portal: appointments, reports, payments and the link to the hospital information system.",
        [
            ("Signature 签约", 30, -195, -195, 100, -180),
            ("Beta launch 测试版上线", 40, -90, -90, 100, -60),
            ("Final acceptance 终验", 30, -25, -25, 0, None),
        ],
    ),
    (
        "EG-LOY",
        "会员积分应用 Loyalty App",
        "460000",
        270,
        "price",
        "Fixed price below the competition thanks to our loyalty accelerator.",
        "EG-2025-004",
        -260,
        20,
        Contract.RenewalStatus.IN_NEGOTIATION,
        "Loyalty app and points engine for the Evergreen stores.",
        [
            ("Signature", 40, -255, -255, 100, -240),
            ("App store release", 40, -120, -120, 100, -100),
            ("Hypercare end", 20, 15, None, 0, None),
        ],
    ),
    (
        "EG-POS",
        "Store Analytics & POS Integration",
        "310000",
        12,
        "relationship",
        "Follow-on of the loyalty app; their Head of E-commerce asked us directly.",
        "EG-2026-019",
        10,
        160,
        Contract.RenewalStatus.NOT_DUE,
        "Store analytics dashboards and the integration of the new POS terminals.",
        [],
    ),
]

# The business line of the won and lost opportunities, by project code or name.
CLOSED_LINES = {
    "HX-MB": "Digital channels",
    "HX-DW": "Data & analytics",
    "NW-TMS": "Logistics IT",
    "KJ-PT": "Healthcare IT",
    "EG-LOY": "Retail technology",
    "EG-POS": "Data & analytics",
    "Branch Kiosk Refresh 网点自助终端": "Digital channels",
    "Driver Mobile App": "Logistics IT",
    "Appointment Chatbot 预约机器人": "Healthcare IT",
}

# client index: (goals, target revenue, actions: (text, owner is the AM?, due (days from today), done))
PLANS: dict[int, tuple[str, str, list[tuple[str, bool, int, bool]]]] = {
    0: (
        "Sign the Open Banking platform before the year closes; get Wealth Management to a shortlist; renew the "
        "mobile banking contract for the run phase.",
        "2200000",
        [
            ("Executive dinner with the CIO and the CFO", True, 12, False),
            ("Open Banking commercial proposal, final round", True, 5, True),
            ("Reference visit for Wealth Management at another bank", False, 30, False),
        ],
    ),
    1: (
        "Close Cold-chain Monitoring; qualify the telematics dashboard with the new CEO; collect the overdue "
        "planning-module payment.",
        "600000",
        [
            ("Call procurement about the overdue invoice", True, 3, False),
            ("Cold-chain pilot results to the VP Operations", False, 10, False),
        ],
    ),
    2: (
        "Renew the Patient Portal contract with a support and hosting scope; win HIS Integration Phase 2.",
        "900000",
        [
            ("Renewal proposal for the Patient Portal", True, 14, False),
            ("Security review with the IT Security Officer", False, 20, False),
        ],
    ),
    3: (
        "Start the Store Analytics project well; turn the Loyalty App renewal into Phase 2.",
        "450000",
        [("Phase 2 scope workshop", True, 8, True), ("Sign the Store Analytics contract", True, 6, False)],
    ),
}


def _line(client: Client, prefix: str) -> Any:
    """The client's business line whose name starts with ``prefix`` (None when the lines are not set up)."""
    return next((line for line in client.business_lines.all() if line.name.startswith(prefix)), None)


def _walk(actor: Any, opportunity: Opportunity, to: str) -> Opportunity:
    """Move an opportunity stage by stage, as it progressed, up to ``to``."""
    for stage in ORDER[1 : ORDER.index(to) + 1]:
        opportunity = opportunity_move(actor=actor, opportunity=opportunity, stage=stage)
    return opportunity


def _past(today: dt.date, days_ago: int) -> dt.date:
    # A close date can never be ahead of the real calendar, even when the demo is built for another day.
    return min(today - dt.timedelta(days=days_ago), timezone.localdate())


def _team(client: Client) -> list[Any]:
    return [user for user in client.account_team.all() if user.pk != client.owner_am_id]


def _open(clients: list[Client], today: dt.date) -> list[Opportunity]:
    made = []
    for index, name, amount, currency, stage, close_in, line, efforts in OPEN:
        client = clients[index]
        actor = client.owner_am
        probability = 60 if name.startswith("HIS Integration") else None  # the AM's own judgement, pinned
        opportunity = opportunity_create(
            actor=actor,
            client=client,
            name=name,
            amount=Decimal(amount),
            currency=currency,
            expected_close=today + dt.timedelta(days=close_in),
            business_line=_line(client, line),
        )
        opportunity = _walk(actor, opportunity, stage)
        if probability is not None:
            opportunity = opportunity_update(
                actor=actor, opportunity=opportunity, version=opportunity.version, probability=probability
            )
        opportunity_effort_set(
            actor=actor, opportunity=opportunity, efforts=[(skill, Decimal(hours)) for skill, hours in efforts]
        )
        made.append(opportunity)
    return made


def _lost(clients: list[Client], today: dt.date) -> list[Opportunity]:
    made = []
    for index, name, amount, stage, category, reason, days_ago in LOST:
        client = clients[index]
        actor = client.owner_am
        opportunity = opportunity_create(
            actor=actor,
            client=client,
            name=name,
            amount=Decimal(amount),
            expected_close=today - dt.timedelta(days=days_ago),
            business_line=_line(client, CLOSED_LINES[name]),
        )
        opportunity = _walk(actor, opportunity, stage)
        made.append(
            opportunity_lose(
                actor=actor,
                opportunity=opportunity,
                reason=reason,
                reason_category=category,
                closed_on=_past(today, days_ago),
            )
        )
    return made


def _won(clients: list[Client], projects: dict[str, Any], today: dt.date) -> tuple[list[Opportunity], list[Any]]:
    won, milestones = [], []
    for code, name, amount, days_ago, category, reason, number, start, end, renewal, scope, plan in WON:
        project = projects[code]
        client = next(c for c in clients if c.pk == project.client_id)
        actor = client.owner_am
        opportunity = opportunity_create(
            actor=actor,
            client=client,
            name=name,
            amount=Decimal(amount),
            expected_close=today - dt.timedelta(days=days_ago),
            business_line=_line(client, CLOSED_LINES[code]),
        )
        opportunity = _walk(actor, opportunity, Stage.NEGOTIATION)
        opportunity = opportunity_win(
            actor=actor,
            opportunity=opportunity,
            reason=reason,
            reason_category=category,
            closed_on=_past(today, days_ago),
            project=project,
            create_contract=True,
            contract_number=number,
        )
        contract = opportunity.contract
        signed = start <= 0
        contract = contract_update(
            actor=actor,
            contract=contract,
            version=contract.version,
            status=Contract.Status.ACTIVE if signed else Contract.Status.DRAFT,
            start=today + dt.timedelta(days=start),
            end=today + dt.timedelta(days=end),
            renewal_status=renewal,
            scope_statement=scope,
        )
        milestones += _billing(actor, contract, plan, today)
        won.append(opportunity)
    return won, milestones


def _billing(actor: Any, contract: Contract, plan: list[tuple[Any, ...]], today: dt.date) -> list[Any]:
    made = []
    for name, share, due, invoiced, paid_share, paid in plan:
        amount = (contract.value * share / 100).quantize(Decimal("0.01"))
        milestone = billing_milestone_add(
            actor=actor, contract=contract, name=name, amount=amount, due=today + dt.timedelta(days=due)
        )
        if invoiced is not None:
            milestone = billing_milestone_invoice(
                actor=actor,
                milestone=milestone,
                invoiced_at=today + dt.timedelta(days=invoiced),
                invoice_number=f"INV-{contract.number}-{len(made) + 1:02d}",
            )
        if paid_share:
            milestone = billing_milestone_pay(
                actor=actor,
                milestone=milestone,
                amount=(amount * paid_share / 100).quantize(Decimal("0.01")),
                paid_at=today + dt.timedelta(days=paid),
            )
        made.append(milestone)
    return made


def _plans(clients: list[Client], today: dt.date) -> list[Any]:
    year, quarter = current_quarter(today)
    made = []
    for index, (goals, target, actions) in PLANS.items():
        client = clients[index]
        actor = client.owner_am
        helpers = _team(client)
        rows = [
            {
                "text": text,
                "owner": actor if by_am or not helpers else helpers[0],
                "due": today + dt.timedelta(days=due),
                "done": done,
            }
            for text, by_am, due, done in actions
        ]
        made.append(
            account_plan_save(
                actor=actor,
                client=client,
                year=year,
                quarter=quarter,
                goals=goals,
                target_revenue=Decimal(target),
                actions=rows,
            )
        )
    # The biggest account's previous quarter, reviewed.
    client = clients[0]
    last_year, last_quarter = shift_quarter(year, quarter, -1)
    made.append(
        account_plan_save(
            actor=client.owner_am,
            client=client,
            year=last_year,
            quarter=last_quarter,
            goals="Win the data warehouse modernisation; keep the mobile banking rebuild on its milestones.",
            target_revenue=Decimal("1000000"),
            review_notes=(
                "Data warehouse won (880k), below the 1M target: the kiosk refresh was lost on price. Mobile banking "
                "design sign-off paid on time. Next quarter: Open Banking and the mobile banking renewal."
            ),
            actions=[
                {"text": "Data warehouse proof of concept", "owner": client.owner_am, "due": None, "done": True},
                {"text": "Kiosk refresh price review", "owner": client.owner_am, "due": None, "done": True},
            ],
        )
    )
    return made


@transaction.atomic
def build(org: Any, today: dt.date | None = None) -> dict[str, int]:
    """Give the demo clients their pipeline; returns counts for the command's summary."""
    today = today or dt.date.today()
    clients = list(
        Client.objects.filter(pk__in=[c.pk for c in org.clients])
        .select_related("owner_am")
        .prefetch_related("business_lines", "account_team")
    )
    clients.sort(key=lambda c: [x.pk for x in org.clients].index(c.pk))
    projects = {project.code: project for project in org.projects}
    opportunities = _open(clients, today) + _lost(clients, today)
    won, milestones = _won(clients, projects, today)
    plans = _plans(clients, today)
    return {
        "opportunities": len(opportunities) + len(won),
        "contracts": len(won),
        "billing milestones": len(milestones),
        "account plans": len(plans),
    }
