"""The demo's satisfaction surveys: a year of quarterly NPS for every demo client, a CSAT survey after each
milestone the demo projects completed in that year, one survey still collecting answers, and the answers —
realistic scores and comments in Chinese and English, with a few detractors whose follow-ups the AMs picked up.

Built through the survey services (sent with ``email=False``: the demo contacts do not exist), back-dated with the
services' ``now`` so the trends cover the year. Run after :mod:`tripod.demo.delivery` for the milestone surveys.
"""

# ruff: noqa: RUF001  (Chinese comments are written with Chinese punctuation)
from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from tripod.clients.models import Client, FollowUp, Survey, SurveyInvitation
from tripod.clients.services.interactions import followup_set_done
from tripod.clients.services.surveys import survey_answer, survey_create, survey_send
from tripod.core.models import BusinessEvent
from tripod.projects.models import Task

ANSWER_RATE = 0.75

# How each client feels, as the NPS scores its contacts give (drawn from these, quarter by quarter, oldest first).
NPS_MOODS: dict[str, list[tuple[int, ...]]] = {
    "华信银行 Huaxin Bank": [(9, 10, 8), (10, 9, 9), (8, 9, 10), (10, 10, 9)],
    "Northwind Logistics": [(8, 9, 7), (7, 8, 9), (4, 6, 7), (8, 7, 9)],  # a bad third quarter: two releases slipped
    "康健医疗 Kangjian Health": [(9, 8, 7), (9, 9, 10), (8, 10, 9), (9, 10, 10)],
    "Evergreen Retail": [(7, 8, 6), (8, 7, 7), (9, 8, 7), (7, 9, 8)],
}
CSAT_SCORES = (5, 5, 4, 4, 4, 5, 3, 4, 5, 2)

COMMENTS = {
    "promoter": (
        ("Great team, always responsive.", "团队响应很快，沟通顺畅。"),
        ("The weekly status reports keep our management well informed.", "每周状态报告让管理层对进度一目了然。"),
        ("Delivered on time and the quality is excellent.", "按时交付，质量很好，愿意继续合作。"),
        ("The project manager anticipates problems before they hit us.", "项目经理很专业，总能提前发现问题。"),
    ),
    "passive": (
        ("Good work overall, but the test environment was often unstable.", "整体不错，但测试环境经常不稳定。"),
        ("Solid delivery; the documentation could be better.", "交付扎实，希望文档能更完善。"),
        ("Fine, though changes take a while to be estimated.", "还可以，不过变更评估有点慢。"),
    ),
    "detractor": (
        ("Two releases slipped and we heard about it late.", "两次版本延期，而且通知得太晚。"),
        ("Too many defects found in acceptance testing.", "验收测试发现的缺陷太多了。"),
        ("Hard to reach anyone when production was down.", "生产环境故障时很难联系到人。"),
    ),
}

CJK = re.compile(r"[\u4e00-\u9fff]")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _band(kind: str, score: int) -> str:
    if kind == Survey.Kind.NPS:
        return "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"
    return "promoter" if score >= 4 else "detractor" if score <= 2 else "passive"


def _comment(rng: random.Random, contact_name: str, kind: str, score: int) -> str:
    band = _band(kind, score)
    if band != "detractor" and rng.random() < 0.45:
        return ""  # detractors always say why; the others often do not bother
    english, chinese = rng.choice(COMMENTS[band])
    return chinese if CJK.search(contact_name) else english


def _quarter_starts(today: dt.date) -> list[dt.date]:
    """The first days of the quarters that began in the year up to ``today``, oldest first."""
    starts = []
    for back in range(4, 0, -1):
        month_index = today.year * 12 + (today.month - 1) // 3 * 3 - 3 * (back - 1)
        starts.append(dt.date(month_index // 12, month_index % 12 + 1, 1))
    return [start for start in starts if start <= today]


class _Answers:
    """Answers the invitations of one survey at plausible moments, and counts what it did."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.latest = _at(today, 9)
        self.answered = 0
        self.detractor_responses: list[int] = []

    def give(self, invitations: list[SurveyInvitation], scores: list[int], sent: dt.datetime, kind: str) -> None:
        for invitation, score in zip(invitations, scores, strict=False):
            if score < 0:
                continue  # this contact did not answer
            moment = min(sent + dt.timedelta(days=self.rng.randint(1, 9), hours=self.rng.randint(0, 7)), self.latest)
            if moment <= sent or moment >= invitation.expires_at:
                continue
            comment = _comment(self.rng, invitation.contact.name, kind, score)
            response = survey_answer(token=invitation.token, score=score, comment=comment, now=moment)
            self.answered += 1
            if _band(kind, score) == "detractor":
                self.detractor_responses.append(response.pk)


def _send(actor: Any, client: Client, sent: dt.datetime, **fields: Any) -> list[SurveyInvitation]:
    survey = survey_create(actor=actor, client=client, **fields)
    contacts = [contact for contact in client.contacts.order_by("name") if contact.email]
    return survey_send(actor=actor, survey=survey, contacts=contacts, now=sent, email=False)


def _quarterly(org: Any, today: dt.date, answers: _Answers) -> int:
    created = 0
    for quarter, start in enumerate(_quarter_starts(today)):
        sent_day = start + dt.timedelta(days=6)
        if sent_day > today:
            continue
        for client in org.clients:
            invitations = _send(
                client.owner_am,
                client,
                _at(sent_day),
                kind=Survey.Kind.NPS,
                title=f"NPS {start.year} Q{(start.month - 1) // 3 + 1}",
                trigger=Survey.Trigger.QUARTERLY,
            )
            mood = NPS_MOODS.get(client.name, [(8, 9, 7)] * 4)[quarter % 4]
            scores = [
                mood[i % len(mood)] if answers.rng.random() < ANSWER_RATE else -1 for i in range(len(invitations))
            ]
            if quarter == 2 and client.name == "Northwind Logistics":
                scores = [mood[i % len(mood)] for i in range(len(invitations))]  # everyone spoke up that quarter
            answers.give(invitations, scores, _at(sent_day), Survey.Kind.NPS)
            created += 1
    return created


def _milestones(org: Any, today: dt.date, answers: _Answers) -> int:
    year_ago = _at(today - dt.timedelta(days=365))
    done = (
        Task.objects.filter(
            project__in=org.projects,
            kind=Task.Kind.MILESTONE,
            percent_complete=100,
            actual_finish__gte=year_ago,
            actual_finish__lt=_at(today, 0),
        )
        .select_related("project__client__owner_am")
        .order_by("actual_finish", "pk")
    )
    created = 0
    for n, milestone in enumerate(done):
        project = milestone.project
        sent = timezone.localtime(milestone.actual_finish).replace(hour=10, minute=0) + dt.timedelta(days=1)
        invitations = _send(
            project.client.owner_am,
            project.client,
            sent,
            kind=Survey.Kind.CSAT,
            title=f"{project.code} · {milestone.name}",
            task=milestone,
        )
        scores = [
            CSAT_SCORES[(n * 3 + i) % len(CSAT_SCORES)] if answers.rng.random() < ANSWER_RATE else -1
            for i in range(len(invitations))
        ]
        answers.give(invitations, scores, sent, Survey.Kind.CSAT)
        created += 1
    return created


def _open_survey(org: Any, today: dt.date, answers: _Answers) -> int:
    """Surveys still collecting answers: a release review at Northwind (one detractor answered yesterday) and a
    beta review at Huaxin that nobody has answered yet."""
    client = next(c for c in org.clients if c.name == "Northwind Logistics")
    sent = _at(today - dt.timedelta(days=4))
    survey = survey_create(
        actor=client.owner_am,
        client=client,
        kind=Survey.Kind.CSAT,
        title="Release 4 review",
        question="How satisfied are you with release 4 of the transport platform?",
    )
    contacts = [contact for contact in client.contacts.order_by("name") if contact.email]
    invitations = survey_send(actor=client.owner_am, survey=survey, contacts=contacts, now=sent, email=False)
    tom = next(i for i in invitations if i.contact.name.startswith("Tom"))
    response = survey_answer(
        token=tom.token,
        score=2,
        comment="Route planning got slower after the release and two depots fell back to spreadsheets.",
        now=_at(today - dt.timedelta(days=1), 16),
    )
    answers.answered += 1
    answers.detractor_responses.append(response.pk)
    # Huaxin's beta review went out two days ago; nobody has answered yet (its portal user sees it waiting).
    huaxin = next(c for c in org.clients if "Huaxin" in c.name)
    beta = survey_create(
        actor=huaxin.owner_am,
        client=huaxin,
        kind=Survey.Kind.CSAT,
        title="Mobile banking beta review",
        question="How satisfied are you with the mobile banking beta so far?",
    )
    recipients = [contact for contact in huaxin.contacts.order_by("name") if contact.email]
    survey_send(
        actor=huaxin.owner_am, survey=beta, contacts=recipients, now=_at(today - dt.timedelta(days=2)), email=False
    )
    return 2


def _settle_old_follow_ups(answers: _Answers, today: dt.date) -> int:
    """The AMs called the detractors of past quarters back; the recent ones are still on their lists."""
    ids = [
        event.data.get("followup")
        for event in BusinessEvent.objects.filter(verb="survey.detractor")
        if event.data.get("response") in answers.detractor_responses
    ]
    followups = FollowUp.objects.filter(pk__in=[i for i in ids if i]).select_related("owner")
    for followup in followups:
        if followup.due < today - dt.timedelta(days=14) and followup.owner is not None:
            followup_set_done(actor=followup.owner, followup=followup)
    return len(followups)


@transaction.atomic
def build(org: Any, today: dt.date | None = None) -> dict[str, int]:
    """Give the demo clients a year of surveys and answers; returns counts for the command's summary."""
    today = today or dt.date.today()
    answers = _Answers(random.Random(f"tripod-surveys-{today.isoformat()}"), today)
    surveys = _quarterly(org, today, answers) + _milestones(org, today, answers) + _open_survey(org, today, answers)
    followups = _settle_old_follow_ups(answers, today)
    return {"surveys": surveys, "survey answers": answers.answered, "detractor follow-ups": followups}
