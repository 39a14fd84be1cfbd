"""The demo's account work: business lines, each client's account team and decision chain (who reports to whom,
influence, attitude), months of interactions with their contacts and projects, and follow-ups (done, open and
overdue), built through the AM's services as an account manager would record them.

Huaxin Bank's recent content downloads (three within two weeks) and a new decision maker at Kangjian Health give
the buying-signal rules something to find; some contacts have not been touched for months, so the decision chain
shows who needs attention.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from tripod.clients.models import Client, Contact
from tripod.clients.services import (
    business_line_create,
    client_update,
    contact_create,
    contact_update,
    followup_create,
    followup_set_done,
    interaction_create,
)

LINES: list[tuple[str, str]] = [
    ("Digital channels 数字渠道", "Mobile and web channels, customer portals"),
    ("Data & analytics 数据分析", "Warehouses, BI, machine learning"),
    ("Core systems 核心系统", "Core banking, ERP and other systems of record"),
    ("Logistics IT 物流信息化", "Transport, warehouse and fleet systems"),
    ("Retail technology 零售科技", "Point of sale, loyalty and store systems"),
    ("Healthcare IT 医疗信息化", "Patient services, hospital information systems"),
    ("Cloud & DevOps 云与运维", "Cloud migration, platforms and operations"),
]

# client index: (business lines, account team usernames)
ACCOUNTS: dict[int, tuple[tuple[int, ...], tuple[str, ...]]] = {
    0: ((0, 1, 2, 6), ("am2",)),
    1: ((3, 6), ("am",)),
    2: ((5, 0), ()),
    3: ((4, 1), ("am",)),
}

# Contacts by key: (client index, name, title, email, role, influence, attitude, reports to (key) or None).
# Contacts made by the organisation module are found by e-mail and updated; the rest are added.
PEOPLE: dict[str, tuple[int, str, str, str, str, int, str, str | None]] = {
    "hx_wang": (0, "王建国 Wang Jianguo", "President", "wang.jianguo@huaxin.example", "economic_buyer", 5, "neutral",
                None),
    "hx_zhao": (0, "赵总 Zhao Gang", "CIO", "zhao.gang@huaxin.example", "decision_maker", 5, "supporter", "hx_wang"),
    "hx_liu": (0, "刘涛 Liu Tao", "Head of Risk & Compliance", "liu.tao@huaxin.example", "blocker", 4, "sceptic",
               "hx_wang"),
    "hx_zhou": (0, "周敏 Zhou Min", "CFO", "zhou.min@huaxin.example", "influencer", 4, "neutral", "hx_wang"),
    "hx_qian": (0, "钱丽 Qian Li", "Head of Digital Channels", "qian.li@huaxin.example", "champion", 4, "supporter",
                "hx_zhao"),
    "hx_sun": (0, "孙宇 Sun Yu", "Chief Architect", "sun.yu@huaxin.example", "influencer", 3, "sceptic", "hx_zhao"),
    "hx_chen": (0, "陈晨 Chen Chen", "Mobile Product Manager", "chen.chen@huaxin.example", "user", 2, "supporter",
                "hx_qian"),
    "hx_peter": (0, "Peter Lin", "Procurement Manager", "peter.lin@huaxin.example", "gatekeeper", 3, "neutral",
                 "hx_zhou"),
    "nw_grant": (1, "Michael Grant", "CEO", "michael.grant@northwind.example", "economic_buyer", 5, "neutral", None),
    "nw_laura": (1, "Laura Chen", "VP Operations", "laura.chen@northwind.example", "decision_maker", 4, "supporter",
                 "nw_grant"),
    "nw_tom": (1, "Tom Baker", "IT Manager", "tom.baker@northwind.example", "influencer", 3, "supporter", "nw_laura"),
    "nw_hannah": (1, "Hannah Fischer", "Warehouse Supervisor", "hannah.fischer@northwind.example", "user", 2,
                  "neutral", "nw_laura"),
    "nw_greg": (1, "Greg Olsen", "Head of Procurement", "greg.olsen@northwind.example", "gatekeeper", 3, "sceptic",
                "nw_grant"),
    "kj_zheng": (2, "郑华 Dean Zheng Hua", "Hospital Dean", "zheng.hua@kangjian.example", "economic_buyer", 5,
                 "supporter", None),
    "kj_sun": (2, "孙医生 Dr. Sun Qiang", "Medical Director", "sun.qiang@kangjian.example", "decision_maker", 4,
               "supporter", "kj_zheng"),
    "kj_lin": (2, "林小雨 Lin Xiaoyu", "Product Owner", "lin.xiaoyu@kangjian.example", "champion", 3, "supporter",
               "kj_sun"),
    "kj_ma": (2, "马丽 Ma Li", "IT Security Officer", "ma.li@kangjian.example", "blocker", 3, "opponent", "kj_zheng"),
    "kj_gao": (2, "高峰 Gao Feng", "Former IT Director", "gao.feng@kangjian.example", "influencer", 3, "neutral",
               "kj_zheng"),
    "eg_stone": (3, "David Stone", "COO", "david.stone@evergreen.example", "economic_buyer", 5, "neutral", None),
    "eg_rachel": (3, "Rachel Green", "Head of E-commerce", "rachel.green@evergreen.example", "decision_maker", 4,
                  "supporter", "eg_stone"),
    "eg_he": (3, "何磊 He Lei", "Store Systems Lead", "he.lei@evergreen.example", "influencer", 3, "sceptic",
              "eg_rachel"),
    "eg_nina": (3, "Nina Patel", "Marketing Manager", "nina.patel@evergreen.example", "champion", 3, "supporter",
                "eg_rachel"),
}  # fmt: skip
INACTIVE = ("kj_gao",)  # left the hospital; his reports now show under the dean

# Interactions: (client index, days ago (negative: planned), hour, kind, subject, summary, contact keys, project
# code or None). The recording AM is the client's owner.
INTERACTIONS: list[tuple[int, int, int, str, str, str, tuple[str, ...], str | None]] = [
    (0, 150, 10, "meeting", "Mobile banking rebuild kick-off 项目启动会",
     "Agreed goals, governance and the monthly steering committee. Zhao Gang chairs.", ("hx_zhao", "hx_qian"),
     "HX-MB"),
    (0, 128, 15, "visit", "Site visit to the Shanghai data centre",
     "Walked the hosting set-up with Sun Yu; he doubts the container platform is ready for production.",
     ("hx_sun",), "HX-MB"),
    (0, 110, 11, "call", "Compliance questions on biometric login",
     "Liu Tao wants a written risk assessment before any biometric feature goes live.", ("hx_liu",), "HX-MB"),
    (0, 96, 9, "email", "Steering committee pack sent", "Status, risks and the release plan for the quarter.",
     ("hx_zhao", "hx_wang"), "HX-MB"),
    (0, 75, 14, "demo", "Demo of the new onboarding flow 新开户流程演示",
     "Qian Li and Chen Chen loved the three-step onboarding; asked for dark mode.", ("hx_qian", "hx_chen"),
     "HX-MB"),
    (0, 60, 16, "meeting", "Data warehouse discovery workshop",
     "Mapped the 14 source systems; Zhou Min wants cost per report visible.", ("hx_zhao", "hx_zhou"), "HX-DW"),
    (0, 41, 10, "event", "Fintech Summit Shanghai 金融科技峰会",
     "Met Wang Jianguo at our booth; he asked about AI for credit risk.", ("hx_wang",), None),
    (0, 12, 20, "content_download", "Downloaded: Open banking API guide", "", ("hx_qian",), None),
    (0, 8, 21, "content_download", "Downloaded: Real-time risk scoring white paper", "", ("hx_sun",), None),
    (0, 3, 9, "content_download", "Downloaded: Case study — cloud-native core banking", "", ("hx_zhao",), None),
    (0, 2, 17, "call", "Release 2 scope check with Qian Li", "Confirmed the scope of release 2; dark mode deferred.",
     ("hx_qian",), "HX-MB"),
    (0, -6, 10, "meeting", "Quarterly business review 季度业务回顾",
     "Planned: results of the quarter, renewal of the support contract, AI credit-risk pilot.",
     ("hx_wang", "hx_zhao", "hx_zhou"), None),
    (1, 140, 9, "meeting", "TMS programme kick-off", "Laura Chen set the target: 15% fewer empty truck miles.",
     ("nw_laura", "nw_tom"), "NW-TMS"),
    (1, 105, 13, "visit", "Warehouse visit in Rotterdam",
     "Shadowed the night shift with Hannah Fischer; scanning is the bottleneck.", ("nw_hannah",), "NW-TMS"),
    (1, 70, 11, "call", "Procurement terms for phase 2", "Greg Olsen pushes for fixed price on phase 2.",
     ("nw_greg",), None),
    (1, 44, 15, "demo", "Route optimiser demo", "Tom Baker wants the optimiser's API for their own dashboards.",
     ("nw_tom", "nw_laura"), "NW-TMS"),
    (1, 20, 10, "email", "Monthly status report sent", "Sent the October status report and the risk log extract.",
     ("nw_laura",), "NW-TMS"),
    (1, 5, 16, "call", "Escalation: late carrier integration",
     "Laura Chen is worried about the carrier API delay; agreed a recovery plan within a week.", ("nw_laura",),
     "NW-TMS"),
    (2, 160, 10, "meeting", "Patient portal requirements workshop 需求研讨会",
     "Dr. Sun wants appointment booking and lab results first.", ("kj_sun", "kj_lin"), "KJ-PT"),
    (2, 130, 14, "call", "Security review of the patient portal", "Ma Li requires a penetration test before go-live.",
     ("kj_ma",), "KJ-PT"),
    (2, 95, 9, "meeting", "Handover from Gao Feng", "Gao Feng is leaving; open items handed to Lin Xiaoyu.",
     ("kj_gao", "kj_lin"), "KJ-PT"),
    (2, 30, 15, "demo", "Lab results demo for doctors", "Positive reception; doctors want push notifications.",
     ("kj_sun", "kj_lin"), "KJ-PT"),
    (2, 10, 11, "meeting", "Introduction to Dean Zheng 拜访郑院长",
     "Dean Zheng now signs off IT spending himself; interested in a second phase for the outpatient app.",
     ("kj_zheng", "kj_sun"), None),
    (3, 120, 10, "meeting", "Loyalty app retrospective", "Rachel Green happy with the app; store staff less so.",
     ("eg_rachel", "eg_he"), "EG-LOY"),
    (3, 80, 15, "event", "Retail Tech Expo", "Met Nina Patel; she wants loyalty data in the marketing tools.",
     ("eg_nina",), None),
    (3, 35, 11, "call", "Store analytics scoping", "He Lei doubts the POS vendor will open its API in time.",
     ("eg_he",), "EG-POS"),
    (3, 14, 9, "email", "Proposal for store analytics sent", "Sent the proposal and the phased plan to David Stone.",
     ("eg_stone", "eg_rachel"), "EG-POS"),
    (3, -3, 14, "call", "Proposal walkthrough with David Stone", "Planned: answer questions on the proposal.",
     ("eg_stone",), "EG-POS"),
]  # fmt: skip

# Follow-ups: (client index, interaction subject or None, text, due in days from today (negative: overdue),
# owner username or None for the owning AM, done)
FOLLOWUPS: list[tuple[int, str | None, str, int, str | None, bool]] = [
    (0, "Compliance questions on biometric login", "Send the biometric login risk assessment to Liu Tao", -95, None,
     True),
    (0, "Demo of the new onboarding flow 新开户流程演示", "Estimate dark mode for release 3", -4, "am2", False),
    (0, "Fintech Summit Shanghai 金融科技峰会", "Send Wang Jianguo the AI credit-risk references", -20, None, True),
    (0, "Downloaded: Case study — cloud-native core banking", "Offer Zhao Gang a core banking briefing", 3, None,
     False),
    (0, None, "Prepare the QBR deck with the PMs", 4, "am2", False),
    (1, "Procurement terms for phase 2", "Send the phase 2 fixed-price option to Greg Olsen", -2, None, False),
    (1, "Escalation: late carrier integration", "Confirm the recovery plan in writing to Laura Chen", 2, None, False),
    (1, "Route optimiser demo", "Share the optimiser API documentation with Tom Baker", -30, "am", True),
    (2, "Lab results demo for doctors", "Quote push notifications for the portal", 6, None, False),
    (2, "Introduction to Dean Zheng 拜访郑院长", "Draft the outpatient app phase 2 outline for Dean Zheng", -1, None,
     False),
    (3, "Retail Tech Expo", "Introduce Nina Patel to our data team", -60, None, True),
    (3, "Store analytics scoping", "Ask the POS vendor for their API roadmap", 1, "am", False),
]  # fmt: skip


def _moment(today: dt.date, days_ago: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, 0)))


def _people(org: Any) -> dict[str, Contact]:
    """Update the organisation's contacts and add the rest, managers before their reports."""
    people: dict[str, Contact] = {}
    existing = {c.email: c for c in Contact.objects.filter(client__in=org.clients)}
    pending = dict(PEOPLE)
    while pending:
        for key, (index, name, title, email, role, influence, attitude, boss) in list(pending.items()):
            if boss is not None and boss not in people:
                continue
            client = org.clients[index]
            actor = client.owner_am
            fields = {
                "title": title,
                "role_in_decision_chain": role,
                "influence": influence,
                "attitude": attitude,
                "reports_to": people[boss] if boss else None,
            }
            if email in existing:
                contact = existing[email]
                people[key] = contact_update(actor=actor, contact=contact, version=contact.version, **fields)
            else:
                people[key] = contact_create(actor=actor, client=client, name=name, email=email, **fields)
            del pending[key]
    return people


@transaction.atomic
def build(org: Any, today: dt.date | None = None) -> dict[str, int]:
    """Give every demo client its account records; returns counts for the command's summary."""
    today = today or dt.date.today()
    admin = org.users["admin"]
    lines = [business_line_create(actor=admin, name=name, description=text) for name, text in LINES]
    clients = {}
    for index, (line_indexes, team) in ACCOUNTS.items():
        client = Client.objects.get(pk=org.clients[index].pk)
        clients[index] = client_update(
            actor=admin,
            client=client,
            version=client.version,
            business_lines=[lines[i] for i in line_indexes],
            account_team=[org.users[username] for username in team],
        )
    people = _people(org)
    for key in INACTIVE:
        contact = people[key]
        people[key] = contact_update(
            actor=contact.client.owner_am, contact=contact, version=contact.version, active=False
        )
    projects = {project.code: project for project in org.projects}
    interactions = {}
    for index, days_ago, hour, kind, subject, summary, keys, code in INTERACTIONS:
        client = clients[index]
        interactions[subject] = interaction_create(
            actor=client.owner_am,
            client=client,
            kind=kind,
            at=_moment(today, days_ago, hour),
            subject=subject,
            summary=summary,
            contacts=[people[key] for key in keys],
            project=projects[code] if code else None,
        )
    followups = 0
    for index, subject, text, due_in, owner, done in FOLLOWUPS:
        client = clients[index]
        followup = followup_create(
            actor=client.owner_am,
            client=client,
            text=text,
            due=today + dt.timedelta(days=due_in),
            owner=org.users[owner] if owner else None,
            interaction=interactions[subject] if subject else None,
        )
        if done:
            followup_set_done(actor=client.owner_am, followup=followup)
        followups += 1
    return {
        "business lines": len(lines),
        "contacts": Contact.objects.filter(client__in=org.clients).count(),
        "interactions": len(interactions),
        "follow-ups": followups,
    }
