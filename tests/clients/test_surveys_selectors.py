"""Survey reads: who sees which surveys and answers (every role), results annotated per survey, the scoped
NPS / CSAT summary with its response rate, and the monthly / quarterly trends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.authz.world import ACTORS, build_world
from tests.clients.survey_builders import add_contacts, answer, send_survey
from tripod.clients.models import Client
from tripod.clients.selectors.surveys import (
    csat_trend,
    detractor_list,
    nps_trend,
    satisfaction_summary,
    survey_get,
    survey_list,
    survey_responses,
    survey_result,
)
from tripod.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def surveys(world):
    """C1: an NPS survey linked to P1 and a CSAT survey not linked to any project; C2: one NPS survey."""
    am = world.users["am_related"]
    contacts = add_contacts(am, world.client, 10)
    linked, invitations = send_survey(am, world.client, contacts, title="Linked", project=world.project)
    answer(invitations, [10, 9, 9, 10, 9, 8, 7, 7, 6, 0])  # NPS 30
    unlinked, csat_invitations = send_survey(am, world.client, contacts[:4], kind="csat", title="Unlinked")
    answer(csat_invitations, [5, 4, 2])  # mean 3.67, 2 of 3 satisfied; one not answered
    c2 = Client.objects.get(name="C2")
    other_am = world.users["am_unrelated"]
    other, other_invitations = send_survey(other_am, c2, add_contacts(other_am, c2, 2), title="Other")
    answer(other_invitations, [0, 0])
    return {"linked": linked, "unlinked": unlinked, "other": other}


SEES = {
    "admin": {"Linked", "Unlinked", "Other"},
    "am_related": {"Linked", "Unlinked"},
    "am_unrelated": {"Other"},
    "pm_related": {"Linked"},  # the PM of the linked project, read-only
}


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_who_sees_which_surveys_and_answers(world, surveys, actor):
    user = world.users[actor]
    expected = SEES.get(actor, set())
    assert {s.title for s in survey_list(user=user)} == expected
    answers = {r.invitation.survey.title for r in survey_responses(user=user)}
    assert answers == expected
    for title, survey in surveys.items():
        if title.capitalize() in expected:
            assert survey_get(user=user, pk=survey.pk) == survey
        else:
            with pytest.raises(NotFound):
                survey_get(user=user, pk=survey.pk)


def test_an_account_team_member_sees_the_clients_surveys(world, surveys):
    lm = world.users["lm_unrelated"]
    world.client.account_team.add(lm)  # staff on the account team, whatever their role
    assert {s.title for s in survey_list(user=lm)} == {"Linked", "Unlinked"}


def test_each_survey_carries_its_results(world, surveys):
    am = world.users["am_related"]
    rows = {s.title: s for s in survey_list(user=am)}
    linked, unlinked = rows["Linked"], rows["Unlinked"]
    assert (linked.invited, linked.answered) == (10, 10)
    assert survey_result(linked).score == Decimal("30.0")
    assert (unlinked.invited, unlinked.answered) == (4, 3)
    result = survey_result(unlinked)
    assert (result.mean, result.satisfied_pct) == (Decimal("3.67"), Decimal("66.7"))
    assert survey_result(survey_get(user=am, pk=linked.pk)).promoters == 5
    assert [s.title for s in survey_list(user=am, kind="csat")] == ["Unlinked"]
    assert [s.title for s in survey_list(user=am, search="link")] == ["Unlinked", "Linked"]


def test_the_summary_is_over_what_the_user_may_see(world, surveys):
    summary = satisfaction_summary(user=world.users["am_related"])
    assert summary.nps.score == Decimal("30.0")  # C2's two detractors are not the AM's to see
    assert summary.csat.mean == Decimal("3.67")
    assert (summary.invited, summary.answered, summary.response_rate) == (14, 13, Decimal("92.9"))
    everything = satisfaction_summary(user=world.users["admin"])
    assert (everything.nps.promoters, everything.nps.detractors, everything.nps.total) == (5, 4, 12)
    assert everything.nps.score == Decimal("8.3")  # (5 - 4) / 12
    pm = satisfaction_summary(user=world.users["pm_related"], client=world.client)
    assert (pm.nps.total, pm.csat.count, pm.invited) == (10, 0, 10)
    nothing = satisfaction_summary(user=world.users["lm_related"])
    assert (nothing.nps.score, nothing.csat.mean, nothing.response_rate) == (None, None, None)


def test_detractors_are_listed_within_scope(world, surveys):
    scores = sorted(r.score for r in detractor_list(user=world.users["am_related"]))
    assert scores == [0, 2, 6]  # NPS 6 and 0, CSAT 2; not C2's
    assert len(detractor_list(user=world.users["admin"])) == 5
    assert not detractor_list(user=world.users["am_related"], since=timezone.localdate() + timedelta(days=1))
    assert not detractor_list(user=world.users["member_related"])


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=10)))


def test_trends_by_month_and_quarter(world):
    am = world.users["am_related"]
    contacts = add_contacts(am, world.client, 4)
    today = date(2026, 11, 18)
    sent = _at(date(2026, 9, 1))
    # September: NPS 10 and 5 (0); November: NPS 9 and 9 (100); CSAT in October: 4 and 1.
    _s, nps_sept = send_survey(am, world.client, contacts[:2], title="Sept", now=sent)
    answer(nps_sept, [10, 5], now=_at(date(2026, 9, 10)))
    _s, nps_nov = send_survey(am, world.client, contacts[2:], title="Nov", now=_at(date(2026, 11, 2)))
    answer(nps_nov, [9, 9], now=_at(date(2026, 11, 3)))
    _s, csat_oct = send_survey(am, world.client, contacts[:2], kind="csat", title="Oct", now=_at(date(2026, 10, 1)))
    answer(csat_oct, [4, 1], now=_at(date(2026, 10, 2)))

    points = nps_trend(user=am, today=today, months=3)
    assert [(p.start, p.count, p.value) for p in points] == [
        (date(2026, 9, 1), 2, Decimal("0.0")),
        (date(2026, 10, 1), 0, None),
        (date(2026, 11, 1), 2, Decimal("100.0")),
    ]
    quarters = nps_trend(user=am, today=today, months=6, period="quarter")
    assert [(p.label, p.count, p.value) for p in quarters] == [
        ("2026 Q2", 0, None),
        ("2026 Q3", 2, Decimal("0.0")),
        ("2026 Q4", 2, Decimal("100.0")),
    ]
    csat_points = csat_trend(user=am, client=world.client, today=today, months=3)
    assert [(p.count, p.value, p.share) for p in csat_points] == [
        (0, None, None),
        (2, Decimal("2.50"), Decimal("50.0")),
        (0, None, None),
    ]
    outsider = nps_trend(user=world.users["am_unrelated"], today=today, months=3)
    assert [p.value for p in outsider] == [None, None, None]
    assert len(nps_trend(user=am, today=today)) == 12
