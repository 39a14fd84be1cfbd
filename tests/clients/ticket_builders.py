"""Builders for the ticket tests: a 09:00-12:00 / 13:00-18:00 Monday-Friday calendar in Shanghai time, an SLA
policy on it made through the service, and tickets opened through the service at a given local time.

The week used by the tests: Monday 2 March 2026 to Sunday 8 March 2026 (then Monday 9 March...).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tripod.clients.models import SlaPolicy, Ticket
from tripod.clients.services.tickets import sla_policy_create, ticket_open
from tripod.core.calendars import calendar_create, calendar_exception_add
from tripod.core.models import Calendar

ZONE = ZoneInfo("Asia/Shanghai")
DAY = [["09:00", "12:00"], ["13:00", "18:00"]]
# severity: (first response, resolution) in business minutes
TARGETS = {
    "critical": (30, 240),
    "high": (60, 480),
    "medium": (240, 960),
    "low": (480, 2400),
}


def local(day: int, hour: int, minute: int = 0, *, month: int = 3) -> dt.datetime:
    """An instant in March 2026, Shanghai time (2 March is a Monday)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


def make_calendar(admin, *, holidays: tuple[dt.date, ...] = (), name: str = "Office hours") -> Calendar:
    calendar = calendar_create(actor=admin, name=name, working_hours={str(d): DAY for d in range(5)})
    for day in holidays:
        calendar_exception_add(actor=admin, calendar=calendar, start_date=day, end_date=day, name="Holiday")
    return calendar


def targets_arg(targets: dict[str, tuple[int, int]] = TARGETS) -> dict[str, dict[str, int]]:
    return {
        severity: {"first_response_minutes": first, "resolution_minutes": resolution}
        for severity, (first, resolution) in targets.items()
    }


def make_policy(admin, calendar: Calendar | None = None, *, name: str = "Standard SLA", default: bool = True,
                escalation_percent: int = 80) -> SlaPolicy:  # fmt: skip
    return sla_policy_create(
        actor=admin,
        name=name,
        calendar=calendar or make_calendar(admin),
        targets=targets_arg(),
        escalation_percent=escalation_percent,
        is_default=default,
    )


def open_ticket(actor, client, *, at: dt.datetime, severity: str = "medium", **fields) -> Ticket:
    fields.setdefault("subject", "The export fails")
    return ticket_open(actor=actor, client=client, severity=severity, now=at, **fields)
