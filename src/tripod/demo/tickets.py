"""The demo's tickets under SLA: a default SLA policy on the demo calendar (and a premium one to choose from), and
twenty tickets across the four clients over the past four months, built through the ticket services
with their times placed in the past: most met their targets, one breached, one waits on the client, one is near
its resolution deadline now, a few are being worked on.

Times are business minutes of the demo calendar (09:00-12:00, 13:00-18:00, Chinese public holidays off).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tripod.clients.models import SlaPolicy, Ticket, TicketComment
from tripod.clients.selectors.tickets import SlaClock
from tripod.clients.services.tickets import (
    sla_policy_create,
    ticket_assign,
    ticket_comment,
    ticket_open,
    ticket_reopen,
    ticket_sla_check,
    ticket_status_change,
    ticket_update,
)

# severity: (first response, resolution) in business minutes
STANDARD = {"critical": (30, 240), "high": (60, 960), "medium": (240, 2400), "low": (480, 4800)}
PREMIUM = {"critical": (15, 120), "high": (30, 480), "medium": (120, 1440), "low": (240, 2880)}


@dataclass(frozen=True)
class DemoTicket:
    """Opened ``days_ago`` calendar days ago at ``hour`` (the weekday before, if that day is a weekend), or ``ago``
    business minutes before now. ``reply`` / ``resolve``: business minutes after opening. ``then``: what became of
    it: closed, reopened (then resolved and closed), "" (resolved), waiting (on the client after the first reply),
    in_progress or new. ``portal``: opened by the client's portal user (Huaxin Bank has one)."""

    client: int
    project: str | None
    kind: str
    severity: str
    subject: str
    description: str
    days_ago: int | None = None
    ago: int | None = None
    hour: int = 10
    reply: int | None = None
    resolve: int | None = None
    then: str = "closed"
    portal: bool = False
    note: str = ""
    client_reply: str = ""
    resolution: str = "Fixed and verified with the client. 已修复并与客户确认。"


TICKETS: list[DemoTicket] = [
    # 华信银行 Huaxin Bank
    DemoTicket(0, "HX-MB", "incident", "high", "手机银行登录超时 Mobile banking login times out",
               "Since this morning about 5 % of logins time out after 30 seconds, mostly on Android.",
               days_ago=120, reply=25, resolve=420, note="Root cause: the session cache evicts under load.",
               resolution="Raised the session cache size and added an alert; login p95 back to 1.2 s."),
    DemoTicket(0, "HX-MB", "complaint", "medium", "发布说明延迟 Release notes arrived late",
               "The release notes for sprint 14 reached our testers two days after the release.",
               days_ago=100, hour=15, reply=100, resolve=1200,
               resolution="Release notes are now part of the release checklist and sent the day before."),
    DemoTicket(0, "HX-DW", "question", "low", "数据字典在哪里 Where is the data dictionary?",
               "Our analysts need the field definitions of the new warehouse.", days_ago=85, reply=200, resolve=900,
               then="", portal=True, resolution="Shared the data dictionary in the project space, version 0.9."),
    DemoTicket(0, "HX-MB", "incident", "critical", "转账页面白屏 Transfer page blank after update",
               "After yesterday's update the transfer page stays blank for iOS 16 users.", days_ago=60, hour=9,
               reply=10, resolve=300, note="Hotfix build needs an emergency App Store review.",
               resolution="Hotfix 3.4.1 released after an expedited App Store review."),
    DemoTicket(0, "HX-MB", "request", "medium", "增加收款人导出 Add a beneficiary export",
               "Branch staff ask for an export of a customer's saved beneficiaries.", days_ago=40, reply=90,
               resolve=1300, portal=True, resolution="Export added to the back-office screen in release 3.6."),
    DemoTicket(0, "HX-DW", "question", "medium", "月末批处理时间 ETL schedule at month end",
               "Can the month-end ETL run finish before 06:00 so the morning reports are complete?", ago=1300,
               reply=60, then="waiting", portal=True),
    DemoTicket(0, "HX-MB", "incident", "medium", "推送通知延迟 Push notifications delayed",
               "Balance notifications arrive 10 to 20 minutes late since the weekend.", ago=300, reply=45,
               then="in_progress", note="Looks like the push provider's queue; checking their status page.",
               client_reply="It happened again this morning. 今天早上又出现了。"),
    # Northwind Logistics
    DemoTicket(1, "NW-TMS", "incident", "high", "Route optimiser returns empty plans",
               "For depots with more than 200 stops the optimiser returns an empty plan.", days_ago=110, reply=45,
               resolve=800, resolution="Raised the solver's time limit and split large depots into zones."),
    DemoTicket(1, "NW-TMS", "complaint", "medium", "Weekly status report missing KPIs",
               "The last two weekly reports had no on-time delivery figures.", days_ago=75, hour=14, reply=180,
               resolve=1200, resolution="The KPI section is generated again; missing weeks re-sent."),
    DemoTicket(1, "NW-TMS", "request", "low", "Driver app dark mode", "Night-shift drivers ask for a dark theme.",
               days_ago=50, reply=400, resolve=4000, then="", resolution="Dark mode shipped in driver app 2.3."),
    DemoTicket(1, "NW-TMS", "question", "medium", "API rate limits for partners",
               "What rate limits apply to the partner tracking API?", days_ago=20, reply=60, resolve=600, then="",
               resolution="Documented: 600 requests per minute per partner key, bursts of 100."),
    DemoTicket(1, "NW-TMS", "incident", "medium", "Tracking page slow at peak",
               "The public tracking page takes 8 seconds to load between 18:00 and 20:00.", ago=900, reply=100,
               then="in_progress"),
    # 康健医疗 Kangjian Health
    DemoTicket(2, "KJ-PT", "incident", "critical", "预约接口报错 Booking API errors",
               "The booking API answers 500 for about a third of requests.", days_ago=95, hour=11, reply=15,
               resolve=200, resolution="Database connection pool exhausted; pool resized and leak fixed."),
    DemoTicket(2, "KJ-PT", "complaint", "high", "Accessibility issues reported by patients",
               "Screen-reader users cannot complete the registration form.", days_ago=70, reply=50, resolve=900,
               resolution="Form labels and focus order fixed; checked with NVDA and VoiceOver."),
    DemoTicket(2, "KJ-PT", "question", "low", "隐私政策文本更新 Privacy policy wording",
               "Legal sent new wording for the consent screen; how soon can it go live?", days_ago=30, reply=240,
               resolve=2000, then="", resolution="New wording live since release 1.9."),
    DemoTicket(2, "KJ-PT", "request", "medium", "增加微信登录 Add WeChat login",
               "Patients ask to sign in with WeChat instead of a password.", ago=2040, reply=150,
               then="in_progress", note="Needs the client's WeChat Open Platform account; AM to chase."),
    # Evergreen Retail
    DemoTicket(3, "EG-LOY", "incident", "high", "Points not credited after purchase",
               "Members report purchases from Saturday without loyalty points.", days_ago=115, reply=40, resolve=900,
               resolution="Replayed the missed purchase events; all points credited."),
    DemoTicket(3, "EG-LOY", "complaint", "medium", "App store rating dropped after release",
               "The rating fell from 4.5 to 3.9 after the last release; customers mention crashes.", days_ago=65,
               reply=220, resolve=1000, then="reopened",
               resolution="Crash on older Android devices fixed in 2.8.1; rating recovering."),
    DemoTicket(3, "EG-POS", "question", "low", "POS data export format",
               "Which format will the POS export use for the analytics feed?", days_ago=25, reply=100, resolve=1000,
               then="", resolution="CSV in UTF-8, one file per store per day; sample shared."),
    DemoTicket(3, "EG-POS", "request", "low", "Sandbox access for the store team",
               "Two store managers need access to the test environment.", ago=60, then="new"),
]  # fmt: skip

REPLY = "Thanks, we are on it and will update you shortly. 已收到。我们正在处理。稍后更新进展。"
REOPENED = "Reopened: crashes persist on Android 9. 安卓 9 上仍有崩溃。重新打开。"
ASK = "Could you confirm which environment and time you saw this? 请确认出现问题的环境和时间。"


def _demo_now(today: dt.date) -> dt.datetime:
    """Now, when the demo is built for today; otherwise that day at 15:00 (tests pass a fixed date)."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(15, 0)))


def _weekday_at(today: dt.date, days_ago: int, hour: int) -> dt.datetime:
    day = today - dt.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _policies(admin: Any, calendar: Any) -> tuple[SlaPolicy, SlaPolicy]:
    def targets(table: dict[str, tuple[int, int]]) -> dict[str, dict[str, int]]:
        return {s: {"first_response_minutes": a, "resolution_minutes": b} for s, (a, b) in table.items()}

    standard = sla_policy_create(
        actor=admin, name="Standard SLA 标准服务", calendar=calendar, targets=targets(STANDARD), is_default=True
    )
    premium = sla_policy_create(
        actor=admin, name="Premium SLA 尊享服务", calendar=calendar, targets=targets(PREMIUM), escalation_percent=75
    )
    return standard, premium


def _play(spec: DemoTicket, ticket: Ticket, staff: Any, portal: Any, clock: SlaClock, now: dt.datetime) -> None:
    """Reply, work, wait, resolve, reopen, close: each step at its place in business time, none after now."""

    def at(minutes: int) -> dt.datetime | None:
        moment = clock.add(ticket.opened_at, minutes)
        return moment if moment <= now else None

    if spec.reply is None or (reply_at := at(spec.reply)) is None:
        return
    ticket_comment(actor=staff, ticket=ticket, body=ASK if spec.then == "waiting" else REPLY, now=reply_at)
    if spec.then == "waiting":
        ticket_status_change(actor=staff, ticket=ticket, to="waiting_on_client", now=reply_at)
        return
    ticket_status_change(actor=staff, ticket=ticket, to="in_progress", now=reply_at)
    if spec.note and (note_at := at(spec.reply + 10)):
        ticket_comment(actor=staff, ticket=ticket, body=spec.note, internal=True, now=note_at)
    if spec.client_reply and portal is not None and (client_at := at(spec.reply + 60)):
        ticket_comment(actor=portal, ticket=ticket, body=spec.client_reply, now=client_at)
    if spec.resolve is None or (resolved_at := at(spec.resolve)) is None:
        return
    ticket_status_change(actor=staff, ticket=ticket, to="resolved", resolution=spec.resolution, now=resolved_at)
    finished = spec.resolve
    if spec.then == "reopened":
        if (reopened_at := at(spec.resolve + 200)) is None:
            return
        ticket = ticket_reopen(actor=staff, ticket=ticket, now=reopened_at)
        ticket_comment(actor=staff, ticket=ticket, body=REOPENED, internal=True, now=reopened_at)
        finished = spec.resolve + 900
        if (again := at(finished)) is None:
            return
        ticket_status_change(actor=staff, ticket=ticket, to="resolved", resolution=spec.resolution, now=again)
    if spec.then in ("closed", "reopened") and (closed_at := at(finished + 480)):
        ticket_status_change(actor=staff, ticket=ticket, to="closed", now=closed_at)


@transaction.atomic
def build(org: Any, today: dt.date | None = None) -> dict[str, int]:
    """SLA policies and tickets for the demo clients; returns counts for the command's summary."""
    today = today or timezone.localdate()
    now = _demo_now(today)
    admin = org.users["admin"]
    _policies(admin, org.calendar)
    clock = SlaClock(org.calendar, anchor=now)
    projects = {project.code: project for project in org.projects}
    portal_user = org.users.get("client")
    for spec in TICKETS:
        client = org.clients[spec.client]
        staff = client.owner_am
        project = projects.get(spec.project) if spec.project else None
        opened = (
            clock.add(now, -spec.ago) if spec.ago is not None else _weekday_at(today, spec.days_ago or 0, spec.hour)
        )
        portal = portal_user if spec.client == 0 else None
        fields = {"subject": spec.subject, "description": spec.description, "severity": spec.severity,
                  "project": project, "now": opened}  # fmt: skip
        if spec.portal and portal is not None:
            ticket = ticket_open(actor=portal, client=client, **fields)
            if ticket.kind != spec.kind:  # the AM triages what the client sent
                ticket = ticket_update(actor=staff, ticket=ticket, version=ticket.version, kind=spec.kind)
        else:
            ticket = ticket_open(actor=staff, client=client, kind=spec.kind, **fields)
        if project is not None and project.pm is not None:
            ticket = ticket_assign(actor=staff, ticket=ticket, assignee=project.pm)
        _play(spec, ticket, staff, portal, clock, now)
    ticket_sla_check(now=now)
    tickets = Ticket.objects.all()
    return {
        "SLA policies": SlaPolicy.objects.count(),
        "tickets": tickets.count(),
        "ticket comments": TicketComment.objects.count(),
        "tickets breached": tickets.filter(Q(response_breached=True) | Q(resolution_breached=True)).count(),
    }
