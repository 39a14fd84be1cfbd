"""Opportunity services: create, edit (pinned probability, versions), move between stages, win (with its project and
contract in one transaction), lose (reason and category), effort by skill; who may write; business events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.clients.pipeline_builders import SEES_C1, am, make_line, make_opportunity, pipeline_world
from tests.factories import make_admin, make_user
from tripod.clients.models import Contract, Opportunity, OpportunityEffort
from tripod.clients.services.pipeline import (
    opportunity_effort_set,
    opportunity_lose,
    opportunity_move,
    opportunity_update,
    opportunity_win,
)
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Project

pytestmark = pytest.mark.django_db

Stage = Opportunity.Stage


@pytest.fixture
def world():
    return pipeline_world()


def verbs() -> list[str]:
    return list(BusinessEvent.objects.order_by("pk").values_list("verb", flat=True))


def am_pm(world):
    """An account manager who is also a project manager, on C1's account team: may start projects."""
    user = make_user(Role.AM, Role.PM)
    world.client.account_team.add(user)
    return user


# --- create and edit --------------------------------------------------------------------------------------------------
def test_create_takes_the_stages_default_probability_and_the_actor_as_owner(world):
    line = make_line()
    opportunity = make_opportunity(world, name=" Core upgrade ", stage=Stage.PROPOSAL, business_line=line)
    assert opportunity.name == "Core upgrade"
    assert (opportunity.probability, opportunity.probability_set) == (50, False)
    assert opportunity.owner == am(world)
    assert opportunity.weighted_amount == Decimal("50000.00")
    assert opportunity.business_line == line
    assert verbs() == ["opportunity.created"]


def test_create_with_a_probability_pins_it(world):
    opportunity = make_opportunity(world, probability=35)
    assert (opportunity.probability, opportunity.probability_set) == (35, True)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"stage": "won"}, "stage"),
        ({"stage": "lost"}, "stage"),
        ({"name": "  "}, "name"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"probability": 101}, "probability"),
        ({"currency": "yuan"}, "currency"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(world, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        make_opportunity(world, **fields)
    assert field in exc.value.errors
    assert not Opportunity.objects.exists()


def test_the_owner_must_be_on_the_account_team(world):
    with pytest.raises(ValidationFailed) as exc:
        make_opportunity(world, owner=world.users["pm_related"])
    assert "owner" in exc.value.errors
    assert make_opportunity(world, owner=world.users["team_member"]).owner == world.users["team_member"]


@pytest.mark.parametrize("actor", SEES_C1)
def test_who_may_create_and_edit(world, actor):
    if SEES_C1[actor]:
        opportunity = make_opportunity(world, actor=actor)
        opportunity_update(actor=world.users[actor], opportunity=opportunity, version=1, name="Renamed")
        return
    with pytest.raises(Forbidden):
        make_opportunity(world, actor=actor)
    opportunity = make_opportunity(world)
    with pytest.raises(Forbidden):
        opportunity_update(actor=world.users[actor], opportunity=opportunity, version=1, name="Renamed")
    with pytest.raises(Forbidden):
        opportunity_move(actor=world.users[actor], opportunity=opportunity, stage=Stage.PROPOSAL)
    with pytest.raises(Forbidden):
        opportunity_lose(actor=world.users[actor], opportunity=opportunity, reason="x", reason_category="price")


def test_update_is_version_checked(world):
    opportunity = make_opportunity(world)
    opportunity = opportunity_update(actor=am(world), opportunity=opportunity, version=1, amount=Decimal("5"))
    with pytest.raises(StaleVersion):
        opportunity_update(actor=am(world), opportunity=opportunity, version=1, amount=Decimal("6"))
    assert Opportunity.objects.get().amount == Decimal("5.00")


def test_editing_other_fields_does_not_pin_the_probability(world):
    opportunity = make_opportunity(world)
    opportunity = opportunity_update(
        actor=am(world), opportunity=opportunity, version=1, name="Renamed", probability=opportunity.probability
    )
    assert opportunity.probability_set is False
    opportunity = opportunity_update(actor=am(world), opportunity=opportunity, version=2, probability=40)
    assert (opportunity.probability, opportunity.probability_set) == (40, True)
    opportunity = opportunity_update(actor=am(world), opportunity=opportunity, version=3, probability=None)
    assert (opportunity.probability, opportunity.probability_set) == (10, False)


# --- stages -----------------------------------------------------------------------------------------------------------
def test_a_move_takes_the_new_stages_probability_unless_it_was_set(world):
    free = make_opportunity(world)
    pinned = make_opportunity(world, probability=33)
    free = opportunity_move(actor=am(world), opportunity=free, stage=Stage.NEGOTIATION, version=1)
    pinned = opportunity_move(actor=am(world), opportunity=pinned, stage=Stage.NEGOTIATION)
    assert (free.stage, free.probability, free.version) == (Stage.NEGOTIATION, 75, 2)
    assert (pinned.stage, pinned.probability) == (Stage.NEGOTIATION, 33)
    event = BusinessEvent.objects.filter(verb="opportunity.stage_changed").first()
    assert event.data == {"from": "qualification", "to": "negotiation"}


def test_a_move_with_a_stale_version_changes_nothing(world):
    opportunity = make_opportunity(world)
    opportunity_move(actor=am(world), opportunity=opportunity, stage=Stage.PROPOSAL, version=1)
    with pytest.raises(StaleVersion):
        opportunity_move(actor=am(world), opportunity=opportunity, stage=Stage.NEGOTIATION, version=1)
    assert Opportunity.objects.get().stage == Stage.PROPOSAL


@pytest.mark.parametrize("stage", ["won", "lost", "bogus"])
def test_won_and_lost_are_not_reached_by_a_move(world, stage):
    opportunity = make_opportunity(world)
    with pytest.raises(ValidationFailed) as exc:
        opportunity_move(actor=am(world), opportunity=opportunity, stage=stage)
    assert "stage" in exc.value.errors


def test_a_lost_opportunity_can_be_reopened_and_a_won_one_cannot_move(world):
    lost = make_opportunity(world, stage=Stage.PROPOSAL)
    lost = opportunity_lose(actor=am(world), opportunity=lost, reason="Too dear", reason_category="price")
    reopened = opportunity_move(actor=am(world), opportunity=lost, stage=Stage.PROPOSAL)
    assert (reopened.stage, reopened.probability, reopened.lost_reason, reopened.closed_at) == (
        "proposal",
        50,
        "",
        None,
    )
    won = opportunity_win(actor=am(world), opportunity=make_opportunity(world), reason="Best fit")
    with pytest.raises(ValidationFailed):
        opportunity_move(actor=am(world), opportunity=won, stage=Stage.PROPOSAL)


# --- win --------------------------------------------------------------------------------------------------------------
def test_win_needs_a_reason(world):
    opportunity = make_opportunity(world)
    with pytest.raises(ValidationFailed) as exc:
        opportunity_win(actor=am(world), opportunity=opportunity, reason="  ")
    assert "reason" in exc.value.errors
    assert Opportunity.objects.get().stage == Stage.QUALIFICATION


def test_win_without_extras(world):
    opportunity = make_opportunity(world, stage=Stage.NEGOTIATION)
    won = opportunity_win(
        actor=am(world), opportunity=opportunity, reason="Trusted team", reason_category="relationship"
    )
    assert (won.stage, won.probability, won.won_reason, won.reason_category) == (
        "won",
        100,
        "Trusted team",
        "relationship",
    )
    assert won.closed_at is not None and won.project is None and won.contract is None
    assert verbs()[-1] == "opportunity.won"


def test_win_creates_the_project_and_a_draft_contract_together(world):
    actor = am_pm(world)
    opportunity = make_opportunity(world, amount=Decimal("480000.00"), currency="USD", name="Mobile app")
    won = opportunity_win(
        actor=actor,
        opportunity=opportunity,
        reason="Best demo",
        version=1,
        create_project=True,
        project_code="C1-APP",
        project_name="Mobile app",
        create_contract=True,
        contract_number="CT-2026-001",
    )
    contract = Contract.objects.get()
    project = Project.objects.get(code="C1-APP")
    assert (won.project, won.contract) == (project, contract)
    assert (contract.value, contract.currency, contract.status, contract.title) == (
        Decimal("480000.00"),
        "USD",
        Contract.Status.DRAFT,
        "Mobile app",
    )
    assert (project.client, project.pm, project.contract_reference, project.currency) == (
        world.client,
        actor,
        "CT-2026-001",
        "USD",
    )
    assert {"contract.created", "project.created", "opportunity.won"} <= set(verbs())


def test_if_the_project_cannot_be_created_nothing_is_won_and_no_contract_is_left(world):
    actor = am_pm(world)
    opportunity = make_opportunity(world)
    before = verbs()
    with pytest.raises(ValidationFailed) as exc:
        opportunity_win(
            actor=actor,
            opportunity=opportunity,
            reason="Best demo",
            create_project=True,
            project_code=world.project.code,  # taken: the project cannot be created
            project_name="Again",
            create_contract=True,
            contract_number="CT-9",
        )
    assert "project_code" in exc.value.errors
    assert not Contract.objects.exists()
    assert Opportunity.objects.get().stage == Stage.QUALIFICATION
    assert Project.objects.count() == 2
    assert verbs() == before


def test_a_duplicate_contract_number_is_named_on_its_field(world):
    actor = am_pm(world)
    first = make_opportunity(world)
    opportunity_win(actor=actor, opportunity=first, reason="r", create_contract=True, contract_number="CT-1")
    second = make_opportunity(world)
    with pytest.raises(ValidationFailed) as exc:
        opportunity_win(actor=actor, opportunity=second, reason="r", create_contract=True, contract_number="CT-1")
    assert "contract_number" in exc.value.errors
    assert Opportunity.objects.get(pk=second.pk).is_open


def test_an_am_who_is_not_a_pm_may_not_start_a_project(world):
    opportunity = make_opportunity(world)
    with pytest.raises(ValidationFailed) as exc:
        opportunity_win(
            actor=am(world),
            opportunity=opportunity,
            reason="r",
            create_project=True,
            project_code="X",
            project_name="Y",
        )
    assert "create_project" in exc.value.errors
    assert Opportunity.objects.get().is_open


def test_win_links_an_existing_project_of_the_same_client_only(world):
    opportunity = make_opportunity(world)
    other = Project.objects.exclude(client=world.client).get()
    with pytest.raises(ValidationFailed) as exc:
        opportunity_win(actor=am(world), opportunity=opportunity, reason="r", project=other)
    assert "project" in exc.value.errors
    won = opportunity_win(actor=am(world), opportunity=opportunity, reason="r", project=world.project)
    assert won.project == world.project


def test_an_admin_wins_and_starts_the_project(world):
    opportunity = make_opportunity(world)
    won = opportunity_win(
        actor=make_admin(),
        opportunity=opportunity,
        reason="r",
        create_project=True,
        project_code="ADM-1",
        project_name="By admin",
        project_pm=world.users["pm_related"],
    )
    assert won.project.pm == world.users["pm_related"]


def test_win_twice_is_refused(world):
    opportunity = make_opportunity(world)
    opportunity_win(actor=am(world), opportunity=opportunity, reason="r")
    with pytest.raises(ValidationFailed) as exc:
        opportunity_win(actor=am(world), opportunity=opportunity, reason="r")
    assert "stage" in exc.value.errors
    assert verbs().count("opportunity.won") == 1


def test_win_recorded_after_the_fact_and_not_ahead(world):
    opportunity = make_opportunity(world)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        opportunity_win(actor=am(world), opportunity=opportunity, reason="r", closed_on=today + dt.timedelta(days=1))
    assert "closed_on" in exc.value.errors
    won = opportunity_win(actor=am(world), opportunity=opportunity, reason="r", closed_on=today - dt.timedelta(days=10))
    assert timezone.localtime(won.closed_at).date() == today - dt.timedelta(days=10)


# --- lose -------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "category", "fields"),
    [
        ("", "price", {"reason"}),
        ("Too dear", "", {"reason_category"}),
        ("Too dear", "weather", {"reason_category"}),
        (" ", "", {"reason", "reason_category"}),
    ],
)
def test_lose_needs_a_reason_and_its_category(world, reason, category, fields):
    opportunity = make_opportunity(world)
    with pytest.raises(ValidationFailed) as exc:
        opportunity_lose(actor=am(world), opportunity=opportunity, reason=reason, reason_category=category)
    assert set(exc.value.errors) == fields
    assert Opportunity.objects.get().is_open


def test_lose_keeps_the_stage_it_was_lost_at(world):
    opportunity = make_opportunity(world, stage=Stage.NEGOTIATION)
    lost = opportunity_lose(
        actor=am(world), opportunity=opportunity, reason="Chose a rival", reason_category="competitor", version=1
    )
    assert (lost.stage, lost.lost_stage, lost.probability, lost.reason_category) == (
        "lost",
        "negotiation",
        0,
        "competitor",
    )
    event = BusinessEvent.objects.get(verb="opportunity.lost")
    assert event.data == {"from": "negotiation", "category": "competitor"}
    with pytest.raises(ValidationFailed):
        opportunity_lose(actor=am(world), opportunity=lost, reason="again", reason_category="price")


def test_closed_amounts_are_final(world):
    won = opportunity_win(actor=am(world), opportunity=make_opportunity(world), reason="r")
    with pytest.raises(ValidationFailed) as exc:
        opportunity_update(actor=am(world), opportunity=won, version=won.version, amount=Decimal("1"))
    assert "amount" in exc.value.errors
    opportunity_update(actor=am(world), opportunity=won, version=won.version, name="Renamed after the win")


# --- effort by skill --------------------------------------------------------------------------------------------------
def test_effort_by_skill_is_replaced_keeping_the_rows_that_stay(world):
    opportunity = make_opportunity(world)
    first = opportunity_effort_set(
        actor=am(world), opportunity=opportunity, efforts=[("Python", Decimal("120")), ("iOS", Decimal("80"))]
    )
    python = first[0]
    opportunity_effort_set(
        actor=am(world), opportunity=opportunity, efforts=[("Python", Decimal("160")), ("QA", Decimal("40"))]
    )
    rows = {e.skill: e for e in OpportunityEffort.objects.filter(opportunity=opportunity)}
    assert {k: v.hours for k, v in rows.items()} == {"Python": Decimal("160.0"), "QA": Decimal("40.0")}
    assert rows["Python"].pk == python.pk and rows["Python"].version == 2
    assert verbs().count("opportunity.effort_estimated") == 2


@pytest.mark.parametrize(
    "efforts",
    [
        [("", Decimal("3"))],
        [("Python", Decimal("0"))],
        [("Python", None)],
        [("Python", Decimal("3")), ("python", Decimal("4"))],
    ],
)
def test_effort_rows_are_checked_and_named(world, efforts):
    opportunity = make_opportunity(world)
    with pytest.raises(ValidationFailed) as exc:
        opportunity_effort_set(actor=am(world), opportunity=opportunity, efforts=efforts)
    assert "efforts" in exc.value.errors
    assert "Row" in exc.value.errors["efforts"][-1]
    assert not OpportunityEffort.objects.exists()


def test_effort_is_written_by_the_account_team_only(world):
    opportunity = make_opportunity(world)
    with pytest.raises(Forbidden):
        opportunity_effort_set(actor=world.users["lm_related"], opportunity=opportunity, efforts=[("Python", 1)])
