"""Reads of the pipeline: scope for every role, the pipeline by stage (count, amount, weighted amount per currency),
the funnel and the win rate on small hand-worked datasets, account plans' quarter arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.clients.pipeline_builders import SEES_C1, am, make_line, make_opportunity, pipeline_world
from tests.factories import make_admin
from tripod.clients.models import Client, Opportunity
from tripod.clients.selectors.pipeline import (
    Money,
    opportunity_funnel,
    opportunity_get,
    opportunity_list,
    opportunity_owners,
    pipeline_by_stage,
    pipeline_clients,
    quarter_bounds,
    shift_quarter,
    win_rate,
)
from tripod.clients.services.pipeline import opportunity_lose, opportunity_move, opportunity_win
from tripod.core.errors import NotFound

pytestmark = pytest.mark.django_db

Stage = Opportunity.Stage
D = dt.date


@pytest.fixture
def world():
    return pipeline_world()


def lose(world, opportunity, on=None):
    return opportunity_lose(actor=am(world), opportunity=opportunity, reason="r", reason_category="price", closed_on=on)


def win(world, opportunity, on=None):
    return opportunity_win(actor=am(world), opportunity=opportunity, reason="r", closed_on=on)


@pytest.mark.parametrize("actor", SEES_C1)
def test_opportunities_are_seen_by_admins_and_the_account_team_only(world, actor):
    opportunity = make_opportunity(world)
    user = world.users[actor]
    sees = SEES_C1[actor]
    assert list(opportunity_list(user=user)) == ([opportunity] if sees else [])
    assert sum(s.count for s in pipeline_by_stage(user=user)) == (1 if sees else 0)
    assert opportunity_funnel(user=user)[0].count == (1 if sees else 0)
    if sees:
        assert opportunity_get(user=user, pk=opportunity.pk) == opportunity
    else:
        with pytest.raises(NotFound):
            opportunity_get(user=user, pk=opportunity.pk)


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    make_opportunity(world)
    assert not opportunity_list(user=AnonymousUser()).exists()
    assert not pipeline_clients(user=AnonymousUser()).exists()


def test_pipeline_clients(world):
    assert list(pipeline_clients(user=am(world))) == [world.client]
    assert list(pipeline_clients(user=world.users["team_member"])) == [world.client]
    assert list(pipeline_clients(user=world.users["pm_related"])) == []
    assert pipeline_clients(user=make_admin()).count() == 2


def test_owners_to_filter_by_are_those_of_visible_opportunities(world):
    make_opportunity(world, actor="team_member")
    make_opportunity(world, actor="am_unrelated", client=Client.objects.get(name="C2"))
    assert set(opportunity_owners(user=am(world))) == {am(world), world.users["team_member"]}
    assert set(opportunity_owners(user=world.users["pm_related"])) == {world.users["pm_related"]}


def test_pipeline_by_stage_counts_and_weights_per_currency(world):
    # proposal (50 %): 100,000 + 40,000 CNY -> weighted 50,000 + 20,000 = 70,000; one pinned at 30 % in USD:
    # 10,000 USD -> 3,000 USD. negotiation (75 %): 200,000 CNY -> 150,000.
    make_opportunity(world, stage=Stage.PROPOSAL, amount=Decimal("100000"))
    make_opportunity(world, stage=Stage.PROPOSAL, amount=Decimal("40000"))
    make_opportunity(world, stage=Stage.PROPOSAL, amount=Decimal("10000"), currency="USD", probability=30)
    make_opportunity(world, stage=Stage.NEGOTIATION, amount=Decimal("200000"))
    summary = {s.stage: s for s in pipeline_by_stage(user=am(world))}
    assert [s for s in summary] == ["qualification", "needs_analysis", "proposal", "negotiation", "won", "lost"]
    assert summary["proposal"].count == 3
    assert summary["proposal"].totals == [
        (Money(Decimal("140000"), "CNY"), Money(Decimal("70000.00"), "CNY")),
        (Money(Decimal("10000"), "USD"), Money(Decimal("3000.00"), "USD")),
    ]
    assert summary["negotiation"].totals == [(Money(Decimal("200000"), "CNY"), Money(Decimal("150000.00"), "CNY"))]
    assert summary["qualification"].count == 0 and summary["qualification"].totals == []


def test_filters_by_owner_client_line_and_stage(world):
    line = make_line()
    mine = make_opportunity(world, business_line=line, stage=Stage.PROPOSAL)
    theirs = make_opportunity(world, actor="team_member")
    c2 = Client.objects.get(name="C2")
    other = make_opportunity(world, actor="am_unrelated", client=c2)
    admin = make_admin()
    assert list(opportunity_list(user=admin, business_line_id=line.pk)) == [mine]
    assert list(opportunity_list(user=admin, owner_id=world.users["team_member"].pk)) == [theirs]
    assert list(opportunity_list(user=admin, client_id=c2.pk)) == [other]
    assert list(opportunity_list(user=admin, stage=Stage.PROPOSAL)) == [mine]
    assert sum(s.count for s in pipeline_by_stage(user=admin, client_id=world.client.pk)) == 2


def test_the_board_keeps_only_recent_wins_and_losses(world):
    today = timezone.localdate()
    old = lose(world, make_opportunity(world), on=today - dt.timedelta(days=100))
    recent = win(world, make_opportunity(world), on=today - dt.timedelta(days=5))
    still_open = make_opportunity(world)
    shown = set(opportunity_list(user=am(world), closed_since=today - dt.timedelta(days=90)))
    assert shown == {recent, still_open}
    assert old not in shown


def test_funnel_on_a_hand_worked_dataset(world):
    # 2 still in qualification, 1 in needs analysis, 1 in proposal, 1 in negotiation, 2 won,
    # 1 lost at proposal, 1 lost at qualification. Reached (counting a lost one up to its stage):
    #   qualification: all 9
    #   needs analysis: 9 - 2 open in qualification - 1 lost at qualification = 6
    #   proposal: 6 - 1 in needs analysis = 5
    #   negotiation: 5 - 1 in proposal - 1 lost at proposal = 3
    #   won: 2
    for _ in range(2):
        make_opportunity(world)
    make_opportunity(world, stage=Stage.NEEDS_ANALYSIS)
    make_opportunity(world, stage=Stage.PROPOSAL)
    make_opportunity(world, stage=Stage.NEGOTIATION)
    for _ in range(2):
        win(world, make_opportunity(world, stage=Stage.NEGOTIATION))
    lose(world, make_opportunity(world, stage=Stage.PROPOSAL))
    lose(world, make_opportunity(world))
    steps = opportunity_funnel(user=am(world))
    assert [(s.stage, s.count) for s in steps] == [
        ("qualification", 9),
        ("needs_analysis", 6),
        ("proposal", 5),
        ("negotiation", 3),
        ("won", 2),
    ]
    # conversion: 6/9, 5/6, 3/5, 2/3
    assert [s.conversion for s in steps] == [
        None,
        Decimal(6) / 9,
        Decimal(5) / 6,
        Decimal(3) / 5,
        Decimal(2) / 3,
    ]


def test_funnel_period_is_by_creation_day(world):
    make_opportunity(world)
    today = timezone.localdate()
    assert opportunity_funnel(user=am(world), start=today, end=today)[0].count == 1
    assert opportunity_funnel(user=am(world), end=today - dt.timedelta(days=1))[0].count == 0


def test_a_reopened_opportunity_counts_where_it_now_is(world):
    lost = lose(world, make_opportunity(world, stage=Stage.NEGOTIATION))
    opportunity_move(actor=am(world), opportunity=lost, stage=Stage.NEEDS_ANALYSIS)
    assert [s.count for s in opportunity_funnel(user=am(world))] == [1, 1, 0, 0, 0]


def test_win_rate_on_a_hand_worked_dataset(world):
    # Q1 2026: won on 10 Jan, 28 Feb, 31 Mar; lost on 1 Jan and 15 Mar -> 3 won / (3 + 2) = 0.6.
    # Outside Q1 (not counted): won 31 Dec 2025, lost 1 Apr 2026. Still open: not counted.
    for day in (D(2026, 1, 10), D(2026, 2, 28), D(2026, 3, 31), D(2025, 12, 31)):
        win(world, make_opportunity(world), on=day)
    for day in (D(2026, 1, 1), D(2026, 3, 15), D(2026, 4, 1)):
        lose(world, make_opportunity(world), on=day)
    make_opportunity(world)
    rate = win_rate(user=am(world), start=D(2026, 1, 1), end=D(2026, 3, 31))
    assert (rate.won, rate.lost, rate.closed) == (3, 2, 5)
    assert rate.rate == Decimal("0.6")
    # Nothing closed in the period: no rate.
    assert win_rate(user=am(world), start=D(2026, 6, 1), end=D(2026, 6, 30)).rate is None
    # Scoped: C1's pipeline is nothing to the PM.
    assert win_rate(user=world.users["pm_related"], start=D(2026, 1, 1), end=D(2026, 3, 31)).closed == 0


def test_quarters():
    assert quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert quarter_bounds(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))
    assert shift_quarter(2026, 1, -1) == (2025, 4)
    assert shift_quarter(2026, 4, 1) == (2027, 1)
    assert shift_quarter(2026, 2, 0) == (2026, 2)
