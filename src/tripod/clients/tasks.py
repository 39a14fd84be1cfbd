"""Background tasks of the account side: thin wrappers that call services, with their periodic schedules.

`tripod crontask` (started by `make run`) enqueues each on the task queue when it is due and the worker runs it.
Every run is safe to repeat: a breach, a survey or a signal is recorded once whatever the number of runs.
"""

from __future__ import annotations

from crontask import cron
from django.tasks import task
from django.utils import timezone

from tripod.clients.services.signals import signals_evaluate
from tripod.clients.services.surveys import surveys_due
from tripod.clients.services.tickets import ticket_sla_check


@cron("*/5 * * * *")
@task()
def check_ticket_slas() -> dict[str, int]:
    """Escalate and breach the SLA targets of open tickets as of now; returns how many were checked and marked."""
    return ticket_sla_check(now=timezone.now())


@cron("30 6 * * *")
@task()
def send_due_surveys() -> dict[str, int]:
    """Quarterly NPS, project-close and milestone CSAT surveys due today."""
    return surveys_due(today=timezone.localdate())


@cron("0 * * * *")
@task()
def evaluate_signals() -> dict[str, int]:
    """Evaluate the signal rules as of now; returns how many rules ran and signals were raised and extended."""
    return signals_evaluate(now=timezone.now())
