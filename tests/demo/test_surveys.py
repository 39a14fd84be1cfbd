"""The demo's surveys: a year of quarterly NPS for every client, CSAT after each completed milestone, one survey
still open, answers in Chinese and English, detractors with their follow-ups — built through the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tripod.clients.models import FollowUp, Survey, SurveyInvitation, SurveyResponse
from tripod.clients.selectors.surveys import nps, satisfaction_summary
from tripod.demo import organisation, surveys
from tripod.projects.models import Task
from tripod.projects.services.wbs import task_create

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)


@pytest.fixture
def demo():
    org = organisation.build(today=TODAY)
    # What tripod.demo.delivery leaves behind that the surveys use: milestones completed during the year.
    project = org.projects[2]  # NW-TMS
    for name, days_ago in (("需求确认 Requirements signed off", 200), ("开发完成 Build complete", 40)):
        task_create(
            actor=project.pm,
            project=project,
            name=name,
            kind=Task.Kind.MILESTONE,
            percent_complete=100,
            actual_finish=timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(17))),
        )
    counts = surveys.build(org, today=TODAY)
    return org, counts


def test_every_client_has_a_year_of_quarterly_nps(demo):
    org, counts = demo
    for client in org.clients:
        quarterly = Survey.objects.filter(client=client, kind="nps", trigger="quarterly")
        assert quarterly.count() == 4, client
        assert SurveyResponse.objects.filter(invitation__survey__in=quarterly).exists(), client
    assert counts["surveys"] == Survey.objects.count() == 4 * 4 + 2 + 2
    assert counts["survey answers"] == SurveyResponse.objects.count()


def test_completed_milestones_have_csat_surveys_and_one_survey_is_open(demo):
    milestone_surveys = Survey.objects.filter(trigger="milestone", kind="csat")
    assert milestone_surveys.count() == 2
    assert all(s.task is not None and s.project.code == "NW-TMS" for s in milestone_surveys)
    assert sorted(s.title for s in Survey.objects.all() if s.status == "open") == [
        "Mobile banking beta review",
        "Release 4 review",
    ]


def test_answers_are_realistic_in_both_languages(demo):
    comments = list(SurveyResponse.objects.exclude(comment="").values_list("comment", flat=True))
    assert any(re.search(r"[\u4e00-\u9fff]", c) for c in comments)
    assert any(re.search(r"[A-Za-z]{4}", c) and not re.search(r"[\u4e00-\u9fff]", c) for c in comments)
    invited, answered = SurveyInvitation.objects.count(), SurveyResponse.objects.count()
    assert 0.5 < answered / invited < 0.95
    scores = list(SurveyResponse.objects.filter(invitation__survey__kind="nps").values_list("score", flat=True))
    assert 20 < nps(scores).score < 80
    assert all(r.answered_at.date() <= TODAY for r in SurveyResponse.objects.all())


def test_detractors_have_follow_ups_for_their_account_managers(demo):
    _org, counts = demo
    followups = FollowUp.objects.filter(text__contains="Call")
    assert counts["detractor follow-ups"] == followups.count() >= 2
    assert all(f.owner == f.client.owner_am for f in followups)
    open_ones = followups.filter(done_at__isnull=True)
    assert open_ones.exists() and followups.filter(done_at__isnull=False).exists()
    assert any("Tom Baker" in f.text for f in open_ones)


def test_the_account_manager_sees_their_clients_results(demo):
    org, _counts = demo
    summary = satisfaction_summary(user=org.users["am"])
    assert summary.nps.total > 0 and summary.response_rate is not None
    other = satisfaction_summary(user=org.users["am2"])
    assert summary.nps.total + other.nps.total == SurveyResponse.objects.filter(invitation__survey__kind="nps").count()
