"""Survey services: create and send (private links, e-mail in the contact's language), who may, the public answer
(single use, expiry, score range per kind), a detractor's follow-up, and the periodic job."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.authz.world import build_world
from tests.clients.survey_builders import add_contacts, close_project, milestone, send_survey
from tests.factories import make_user
from tripod.clients.models import Client, FollowUp, PortalUser, Survey, SurveyInvitation, SurveyResponse
from tripod.clients.services import contact_create
from tripod.clients.services.surveys import (
    OPEN_DAYS,
    SurveyAlreadyAnswered,
    survey_answer,
    survey_answer_portal,
    survey_close,
    survey_create,
    survey_send,
    surveys_due,
)
from tripod.clients.tasks import send_due_surveys
from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.core.timeline import _event_labels
from tripod.identity.models import Role
from tripod.projects.models import Project, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def am(world):
    return world.users["am_related"]


@pytest.fixture
def contacts(world, am):
    return add_contacts(am, world.client, 3)


def verbs():
    return list(BusinessEvent.objects.filter(verb__startswith="survey.").order_by("pk").values_list("verb", flat=True))


# --- create and send --------------------------------------------------------------------------------------------------
def test_send_mails_one_private_link_per_contact_and_stores_only_its_hash(
    world, am, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey, invitations = send_survey(am, world.client, contacts)
    assert len(invitations) == 3 and len(mailoutbox) == 3
    by_address = {mail.to[0]: mail.body for mail in mailoutbox}
    for invitation in invitations:
        token = invitation.token
        assert len(token) >= 40
        assert f"/clients/s/{token}/" in by_address[invitation.contact.email]
        assert not SurveyInvitation.objects.filter(token_hash=token).exists()  # the raw token is not stored
        assert SurveyInvitation.objects.get(pk=invitation.pk).token_hash == SurveyInvitation.hash_token(token)
    assert len({i.token for i in invitations}) == 3
    assert survey.sent_at is not None
    assert survey.closes_at == survey.sent_at + timedelta(days=OPEN_DAYS)
    assert {i.expires_at for i in SurveyInvitation.objects.all()} == {survey.closes_at}
    assert verbs() == ["survey.created", "survey.sent"]
    assert BusinessEvent.objects.get(verb="survey.sent").data == {"invited": 3}
    assert "Quarterly check" in mailoutbox[0].subject


def test_the_mail_is_written_in_the_contacts_language_when_known(
    world, am, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    PortalUser.objects.filter(user=world.users["client_related"]).update(contact=contacts[0])
    world.users["client_related"].language = "zh-hans"
    world.users["client_related"].save()
    with django_capture_on_commit_callbacks(execute=True):
        send_survey(am, world.client, contacts)
    languages = dict(SurveyInvitation.objects.values_list("contact__name", "language"))
    assert languages == {"Contact 1": "zh-hans", "Contact 2": "", "Contact 3": ""}
    bodies = {mail.to[0]: mail.body for mail in mailoutbox}
    # The closing date is formatted in the contact's language (Chinese dates read 2026年11月18日).
    assert re.search(r"\d+年\d+月\d+日", bodies[contacts[0].email])
    assert not re.search(r"\d+年", bodies[contacts[1].email])


def test_send_refuses_bad_recipients_naming_contacts(world, am, contacts):
    survey = survey_create(actor=am, client=world.client, kind="nps", title="Q")
    other = add_contacts(world.users["am_unrelated"], Client.objects.get(name="C2"), 1)[0]
    no_mail = contact_create(actor=am, client=world.client, name="No Mail")
    for chosen in ([], [other], [contacts[0], no_mail]):
        with pytest.raises(ValidationFailed) as exc:
            survey_send(actor=am, survey=survey, contacts=chosen)
        assert list(exc.value.errors) == ["contacts"]
    assert not SurveyInvitation.objects.exists()
    survey_send(actor=am, survey=survey, contacts=contacts[:1])
    with pytest.raises(ValidationFailed) as exc:
        survey_send(actor=am, survey=survey, contacts=contacts[:1])
    assert "contacts" in exc.value.errors
    # Re-sending to a mixed list invites only the new ones, and the first sending time stays.
    first_sent = Survey.objects.get().sent_at
    assert [i.contact for i in survey_send(actor=am, survey=survey, contacts=contacts)] == contacts[1:]
    assert Survey.objects.get().sent_at == first_sent


def test_a_closed_survey_cannot_be_sent(world, am, contacts):
    survey, _ = send_survey(am, world.client, contacts[:1])
    survey_close(actor=am, survey=survey)
    with pytest.raises(ValidationFailed) as exc:
        survey_send(actor=am, survey=survey, contacts=contacts[1:])
    assert "closes_at" in exc.value.errors
    with pytest.raises(ValidationFailed):
        survey_close(actor=am, survey=Survey.objects.get())
    assert verbs().count("survey.closed") == 1


def test_create_validates_and_names_the_field(world, am):
    other_project = Project.objects.get(code="P2")
    task = Task.objects.create(project=world.project, name="Build", kind="task")
    cases = [
        ({"kind": "csat", "title": "  "}, "title"),
        ({"kind": "ces", "title": "X"}, "kind"),
        ({"kind": "csat", "title": "X", "project": other_project}, "project"),
        ({"kind": "csat", "title": "X", "task": task}, "task"),
        ({"kind": "csat", "title": "X", "trigger": "milestone"}, "task"),
        ({"kind": "csat", "title": "X", "trigger": "project_close"}, "project"),
        ({"kind": "csat", "title": "X", "closes_at": timezone.now() - timedelta(hours=1)}, "closes_at"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            survey_create(actor=am, client=world.client, **fields)
        assert field in exc.value.errors, fields
    assert not Survey.objects.exists()


def test_a_milestone_survey_takes_its_project_from_the_milestone(world, am):
    go_live = milestone(world.project)
    survey = survey_create(actor=am, client=world.client, kind="csat", title="Go-live", task=go_live)
    assert (survey.trigger, survey.project, survey.task) == ("milestone", world.project, go_live)
    assert survey.question == "" and "satisfied" in survey.question_text
    assert survey.status == "draft"


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("admin", True),
        ("am_related", True),
        ("team_member", True),
        ("am_unrelated", False),
        ("pm_related", False),
        ("pm_unrelated", False),
        ("lm_related", False),
        ("member_related", False),
        ("self", False),
        ("client_related", False),
        ("client_unrelated", False),
    ],
)
def test_who_creates_sends_and_closes(world, am, contacts, actor, allowed):
    if actor == "team_member":
        user = make_user(Role.AM)
        world.client.account_team.add(user)
    else:
        user = world.users[actor]
    if allowed:
        survey = survey_create(actor=user, client=world.client, kind="nps", title="Q")
        survey_send(actor=user, survey=survey, contacts=contacts)
        survey_close(actor=user, survey=survey)
        return
    with pytest.raises(Forbidden):
        survey_create(actor=user, client=world.client, kind="nps", title="Q")
    survey = survey_create(actor=am, client=world.client, kind="nps", title="Q")
    with pytest.raises(Forbidden):
        survey_send(actor=user, survey=survey, contacts=contacts)
    with pytest.raises(Forbidden):
        survey_close(actor=user, survey=survey)
    assert not SurveyInvitation.objects.exists()


# --- the public answer ------------------------------------------------------------------------------------------------
def test_an_answer_is_recorded_once(world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts)
    response = survey_answer(token=invitations[0].token, score=9, comment="  Great team  ")
    assert (response.score, response.comment) == (9, "Great team")
    assert SurveyInvitation.objects.get(pk=invitations[0].pk).answered_at == response.answered_at
    with pytest.raises(SurveyAlreadyAnswered):
        survey_answer(token=invitations[0].token, score=2, comment="changed my mind")
    assert list(SurveyResponse.objects.values_list("score", flat=True)) == [9]
    event = BusinessEvent.objects.get(verb="survey.answered")
    assert event.data["score"] == 9 and event.actor is None


def test_unknown_expired_and_closed_links_are_all_not_found(world, am, contacts):
    sent = timezone.now() - timedelta(days=40)
    _survey, old = send_survey(am, world.client, contacts[:1], title="Old", now=sent)  # closed after 30 days
    survey, fresh = send_survey(am, world.client, contacts[1:], title="New")
    messages = set()
    for token in ("no-such-token", "", "x" * 500, old[0].token):
        with pytest.raises(NotFound) as exc:
            survey_answer(token=token, score=8)
        messages.add(str(exc.value))
    assert len(messages) == 1  # the same words whichever way the link is bad
    survey_answer(token=fresh[0].token, score=8, now=survey.closes_at - timedelta(minutes=1))
    with pytest.raises(NotFound):
        survey_answer(token=fresh[1].token, score=8, now=survey.closes_at)
    survey_close(actor=am, survey=survey)
    with pytest.raises(NotFound):
        survey_answer(token=fresh[1].token, score=8)
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "score", "ok"),
    [
        ("nps", 0, True),
        ("nps", 10, True),
        ("nps", 11, False),
        ("nps", -1, False),
        ("nps", "7", False),
        ("nps", 7.5, False),
        ("nps", True, False),
        ("nps", None, False),
        ("csat", 1, True),
        ("csat", 5, True),
        ("csat", 0, False),
        ("csat", 6, False),
    ],
)
def test_the_score_range_depends_on_the_kind_and_errors_name_the_score(world, am, contacts, kind, score, ok):
    _survey, invitations = send_survey(am, world.client, contacts[:1], kind=kind)
    if ok:
        assert survey_answer(token=invitations[0].token, score=score).score == score
        return
    with pytest.raises(ValidationFailed) as exc:
        survey_answer(token=invitations[0].token, score=score)
    assert list(exc.value.errors) == ["score"]
    assert "score" in exc.value.errors["score"][0]
    assert ("0 to 10" if kind == "nps" else "1 to 5") in exc.value.errors["score"][0]
    assert not SurveyResponse.objects.exists()
    assert SurveyInvitation.objects.get().answered_at is None  # nothing half-written: the link still works


def test_a_too_long_comment_names_the_comment(world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts[:1])
    with pytest.raises(ValidationFailed) as exc:
        survey_answer(token=invitations[0].token, score=9, comment="x" * 2001)
    assert list(exc.value.errors) == ["comment"]


# --- detractors -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "score"), [("nps", 0), ("nps", 6), ("csat", 1), ("csat", 2)])
def test_a_detractor_puts_a_follow_up_on_the_owning_ams_list(world, am, contacts, kind, score):
    _survey, invitations = send_survey(am, world.client, contacts, kind=kind, title="Release 2")
    answered = timezone.now()
    response = survey_answer(token=invitations[1].token, score=score, comment="Too many defects", now=answered)
    followup = FollowUp.objects.get()
    assert (followup.client, followup.owner) == (world.client, am)
    assert followup.due == timezone.localdate(answered) + timedelta(days=2)
    assert "Contact 2" in followup.text and "Release 2" in followup.text and "Too many defects" in followup.text
    event = BusinessEvent.objects.get(verb="survey.detractor")
    assert event.data == {"score": score, "contact": contacts[1].pk, "response": response.pk, "followup": followup.pk}


@pytest.mark.parametrize(("kind", "score"), [("nps", 7), ("nps", 9), ("csat", 3), ("csat", 5)])
def test_other_answers_raise_no_follow_up(world, am, contacts, kind, score):
    _survey, invitations = send_survey(am, world.client, contacts, kind=kind)
    survey_answer(token=invitations[0].token, score=score)
    assert not FollowUp.objects.exists()
    assert "survey.detractor" not in verbs()


def test_a_long_detractor_comment_still_fits_the_follow_up(world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts)
    survey_answer(token=invitations[0].token, score=1, comment="Late again. " * 150)
    assert len(FollowUp.objects.get().text) <= 300


# --- the answer in the client portal ----------------------------------------------------------------------------------
@pytest.fixture
def portal_pair(world, am, contacts):
    """C1's portal user bound to the first contact, and a survey sent to the first two contacts."""
    PortalUser.objects.filter(user=world.users["client_related"]).update(contact=contacts[0])
    _survey, invitations = send_survey(am, world.client, contacts[:2], kind="csat", title="Release 3")
    return world.users["client_related"], invitations


def test_a_portal_user_answers_their_own_invitation_once(world, portal_pair):
    portal, invitations = portal_pair
    response = survey_answer_portal(actor=portal, invitation=invitations[0], score=4, comment="  Good  ")
    assert (response.score, response.comment, response.created_by) == (4, "Good", portal)
    assert SurveyInvitation.objects.get(pk=invitations[0].pk).answered_at == response.answered_at
    event = BusinessEvent.objects.get(verb="survey.answered")
    assert event.actor == portal and event.data["via"] == "portal" and event.data["score"] == 4
    with pytest.raises(SurveyAlreadyAnswered):
        survey_answer_portal(actor=portal, invitation=invitations[0], score=1)
    assert list(SurveyResponse.objects.values_list("score", flat=True)) == [4]


@pytest.mark.parametrize("actor", ["client_unrelated", "am_related", "admin", "pm_related", "anonymous"])
def test_only_the_invited_contacts_portal_user_answers_in_the_portal(world, portal_pair, actor):
    from django.contrib.auth.models import AnonymousUser

    _portal, invitations = portal_pair
    user = AnonymousUser() if actor == "anonymous" else world.users[actor]
    with pytest.raises(Forbidden):
        survey_answer_portal(actor=user, invitation=invitations[0], score=5)
    assert not SurveyResponse.objects.exists()


def test_a_portal_user_cannot_answer_for_another_contact_of_their_client(world, portal_pair):
    portal, invitations = portal_pair
    with pytest.raises(Forbidden):
        survey_answer_portal(actor=portal, invitation=invitations[1], score=5)
    PortalUser.objects.filter(user=portal).update(contact=None)
    with pytest.raises(Forbidden):
        survey_answer_portal(actor=portal, invitation=invitations[0], score=5)
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_takes_no_portal_answer(world, am, portal_pair):
    portal, invitations = portal_pair
    survey_close(actor=am, survey=invitations[0].survey)
    with pytest.raises(NotFound):
        survey_answer_portal(actor=portal, invitation=invitations[0], score=5)
    assert not SurveyResponse.objects.exists()


def test_portal_answers_follow_the_same_rules_and_a_detractor_gets_the_follow_up(world, am, portal_pair):
    portal, invitations = portal_pair
    with pytest.raises(ValidationFailed) as exc:
        survey_answer_portal(actor=portal, invitation=invitations[0], score=6)
    assert list(exc.value.errors) == ["score"] and "1 to 5" in exc.value.errors["score"][0]
    with pytest.raises(ValidationFailed) as exc:
        survey_answer_portal(actor=portal, invitation=invitations[0], score=3, comment="x" * 2001)
    assert list(exc.value.errors) == ["comment"]
    response = survey_answer_portal(actor=portal, invitation=invitations[0], score=2, comment="Slow answers")
    followup = FollowUp.objects.get()
    assert (followup.client, followup.owner) == (world.client, am)
    assert "Contact 1" in followup.text and "Slow answers" in followup.text
    event = BusinessEvent.objects.get(verb="survey.detractor")
    assert event.data["response"] == response.pk


# --- the periodic job -------------------------------------------------------------------------------------------------
def test_quarterly_nps_goes_to_active_clients_without_a_recent_one(
    world, am, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    admin = world.users["admin"]
    c2 = Client.objects.get(name="C2")  # active, but no contact to write to
    prospect = Client.objects.create(name="Prospect", status=Client.Status.PROSPECT)
    add_contacts(admin, prospect, 1)
    contact_create(actor=am, client=world.client, name="No Mail")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        counts = surveys_due(today=today)
    assert counts == {"quarterly": 1, "project_close": 0, "milestone": 0}
    survey = Survey.objects.get()
    assert (survey.client, survey.kind, survey.trigger, survey.created_by) == (world.client, "nps", "quarterly", None)
    assert survey.title.startswith("NPS ") and survey.sent_at is not None
    assert survey.invitations.count() == 3 and len(mailoutbox) == 3
    assert surveys_due(today=today) == {"quarterly": 0, "project_close": 0, "milestone": 0}
    assert not Survey.objects.filter(client__in=[c2, prospect]).exists()


def test_quarterly_nps_waits_90_days_after_the_last_one(world, am, contacts):
    today = timezone.localdate()
    send_survey(am, world.client, contacts[:1], now=timezone.now() - timedelta(days=80))
    assert surveys_due(today=today)["quarterly"] == 0
    Survey.objects.update(sent_at=timezone.now() - timedelta(days=100))
    assert surveys_due(today=today)["quarterly"] == 1
    # A CSAT survey is no NPS: it does not hold the quarterly one back.
    Survey.objects.all().delete()
    send_survey(am, world.client, contacts[:1], kind="csat")
    assert surveys_due(today=today)["quarterly"] == 1


def test_a_project_reaching_closed_gets_one_csat_survey(world, am, contacts):
    world.client.status = Client.Status.DORMANT  # no quarterly survey in the way
    world.client.save()
    today = timezone.localdate()
    assert surveys_due(today=today)["project_close"] == 0
    close_project(world.project)
    assert surveys_due(today=today)["project_close"] == 1
    survey = Survey.objects.get()
    assert (survey.kind, survey.trigger, survey.project) == ("csat", "project_close", world.project)
    assert "Project one" in survey.title and survey.invitations.count() == 3
    assert surveys_due(today=today)["project_close"] == 0


def test_a_completed_milestone_gets_a_csat_survey_once(world, am, contacts):
    world.client.status = Client.Status.DORMANT
    world.client.save()
    now = timezone.now()
    done = milestone(world.project, "Design signed off", finished=now - timedelta(days=1))
    milestone(world.project, "Go-live")  # not reached yet
    milestone(world.project, "Kick-off", finished=now - timedelta(days=60))  # before the last runs
    today = timezone.localdate()
    assert surveys_due(today=today) == {"quarterly": 0, "project_close": 0, "milestone": 1}
    survey = Survey.objects.get()
    assert (survey.kind, survey.trigger, survey.task, survey.project) == ("csat", "milestone", done, world.project)
    assert "Design signed off" in survey.title and "P1" in survey.title
    assert surveys_due(today=today)["milestone"] == 0


def test_the_daily_task_runs_the_job(world, am, contacts):
    assert send_due_surveys.call() == {"quarterly": 1, "project_close": 0, "milestone": 0}
    assert send_due_surveys.call() == {"quarterly": 0, "project_close": 0, "milestone": 0}


def test_survey_events_read_on_the_timeline():
    for verb in ("survey.created", "survey.sent", "survey.closed", "survey.answered", "survey.detractor"):
        assert verb in _event_labels
    assert _event_labels["survey.sent"].describe({"invited": 3}) == "3 contacts invited"
