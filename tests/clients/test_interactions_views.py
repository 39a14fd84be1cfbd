"""Interaction and follow-up pages: timeline (scope, filters, pagination), record / view / edit / delete, follow-ups
(from an interaction or directly, done, edit), "my follow-ups" with overdue flagged, access by role, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clients.accounts_builders import add_contact, ago, build_account_world, follow, login, queries, record
from tripod.clients.models import Client, FollowUp, Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw():
    return build_account_world()


def status(client, url, method="get", data=None) -> int:
    return getattr(client, method)(url, data or {}).status_code


# actor: (timeline, detail of the P1 interaction, detail of the general one, record page, my follow-ups)
PAGES = {
    "admin": (200, 200, 200, 200, 200),
    "am_related": (200, 200, 200, 200, 200),
    "am_team": (200, 200, 200, 200, 200),
    "pm_related": (200, 200, 404, 403, 200),
    "pm_unrelated": (200, 404, 404, 403, 200),  # runs P1B of C1: sees the client, not these interactions
    "lm_related": (200, 404, 404, 403, 200),
    "member_related": (200, 404, 404, 403, 200),
    "am_unrelated": (404, 404, 404, 404, 200),
    "client_related": (403, 403, 403, 403, 403),
    "client_unrelated": (403, 403, 403, 403, 403),
    "anonymous": (302, 302, 302, 302, 302),
}


@pytest.mark.parametrize(("actor", "expected"), PAGES.items())
def test_page_access(client, aw, actor, expected):
    about_p1 = record(aw, "About P1", project=aw.project)
    general = record(aw, "General")
    login(client, aw, actor)
    c = aw.client.pk
    got = (
        status(client, reverse("clients:timeline", args=[c])),
        status(client, reverse("clients:interaction_detail", args=[c, about_p1.pk])),
        status(client, reverse("clients:interaction_detail", args=[c, general.pk])),
        status(client, reverse("clients:interaction_create", args=[c])),
        status(client, reverse("clients:followups")),
    )
    assert got == expected


@pytest.mark.parametrize(
    ("actor", "may"),
    [("admin", True), ("am_related", True), ("am_team", True), ("pm_related", False), ("client_related", False)],
)
def test_writes_by_role(client, aw, actor, may):
    interaction = record(aw, "About P1", project=aw.project)
    followup = follow(aw, interaction=interaction)
    login(client, aw, actor)
    c = aw.client.pk
    edit = reverse("clients:interaction_edit", args=[c, interaction.pk])
    assert status(client, edit) == (200 if may else 403)
    client.post(reverse("clients:followup_done", args=[followup.pk]))
    followup.refresh_from_db()
    assert (followup.done_at is not None) == may
    client.post(reverse("clients:interaction_delete", args=[c, interaction.pk]))
    assert Interaction.objects.filter(pk=interaction.pk).exists() != may


def test_timeline_lists_newest_first_with_filters_and_pages(client, aw):
    eve, bob = add_contact(aw, "Eve"), add_contact(aw, "Bob")
    for i in range(30):
        record(aw, f"Call {i:02}", kind="call", contacts=[eve], at=ago(days=40 + i))
    record(aw, "Product demo", kind="demo", contacts=[bob], at=ago(days=1), summary="They liked the dashboards")
    record(aw, "Site visit", kind="visit", contacts=[eve, bob], at=timezone.now() + timedelta(days=2))
    login(client, aw, "am_team")
    url = reverse("clients:timeline", args=[aw.client.pk])
    html = client.get(url).content.decode()
    assert html.index("Site visit") < html.index("Product demo") < html.index("Call 00")
    assert "Call 29" not in html  # on page 2
    assert "planned" in html
    assert "Call 29" in client.get(url, {"page": 2}).content.decode()
    html = client.get(url, {"kind": "demo"}).content.decode()
    assert "Product demo" in html and "Call 00" not in html
    html = client.get(url, {"contact": bob.pk}).content.decode()
    assert "Product demo" in html and "Site visit" in html and "Call 00" not in html
    html = client.get(url, {"q": "dashboards"}).content.decode()
    assert "Product demo" in html and "Site visit" not in html
    partial = client.get(url, {"kind": "call"}, headers={"HX-Request": "true", "HX-Target": "timeline"})
    assert "<html" not in partial.content.decode() and "Call 00" in partial.content.decode()


def test_the_pm_timeline_shows_only_their_projects_interactions(client, aw):
    record(aw, "About P1", project=aw.project)
    record(aw, "About P1B", project=aw.other_project)
    record(aw, "Private lunch")
    html = login(client, aw, "pm_related").get(reverse("clients:timeline", args=[aw.client.pk])).content.decode()
    assert "About P1" in html and "About P1B" not in html and "Private lunch" not in html
    assert reverse("clients:interaction_create", args=[aw.client.pk]) not in html


def test_record_edit_and_delete_through_the_pages(client, aw):
    eve = add_contact(aw, "Eve", title="CIO")
    login(client, aw, "am_related")
    c = aw.client.pk
    form = client.get(reverse("clients:interaction_create", args=[c])).content.decode()
    assert 'type="datetime-local"' in form and "Eve · CIO" in form and "P1" in form
    response = client.post(
        reverse("clients:interaction_create", args=[c]),
        {
            "kind": "call",
            "direction": "outbound",
            "at": "2026-03-02T10:30",
            "subject": "Budget call",
            "summary": "Budget confirmed",
            "contacts": [eve.pk],
            "project": aw.project.pk,
        },
    )
    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:interaction_detail", args=[c, interaction.pk])
    assert list(interaction.contacts.all()) == [eve] and interaction.project == aw.project
    assert timezone.localtime(interaction.at).strftime("%Y-%m-%d %H:%M") == "2026-03-02 10:30"
    html = client.get(response["Location"]).content.decode()
    assert "Budget confirmed" in html and "Eve" in html and "P1" in html
    edit = reverse("clients:interaction_edit", args=[c, interaction.pk])
    assert 'value="2026-03-02T10:30"' in client.get(edit).content.decode()
    response = client.post(
        edit, {"kind": "meeting", "direction": "outbound", "at": "2026-03-02T11:00", "subject": "Budget meeting",
               "version": 1}
    )  # fmt: skip
    interaction.refresh_from_db()
    assert response.status_code == 302 and interaction.subject == "Budget meeting"
    assert not interaction.contacts.exists()  # unticked
    response = client.post(edit, {"kind": "call", "direction": "outbound", "at": "2026-03-02T11:00", "subject": "x",
                                  "version": 1})  # fmt: skip
    assert "Someone else changed this record" in response.content.decode()
    response = client.post(reverse("clients:interaction_delete", args=[c, interaction.pk]))
    assert response.status_code == 302 and not Interaction.objects.exists()


def test_bad_input_is_shown_on_the_field(client, aw):
    login(client, aw, "am_related")
    response = client.post(
        reverse("clients:interaction_create", args=[aw.client.pk]),
        {"kind": "call", "direction": "outbound", "at": "", "subject": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_at_error"' in html and 'id="id_subject_error"' in html
    assert not Interaction.objects.exists()


def test_opportunities_of_the_client_are_offered_and_shown(client, aw):
    opportunity_model = Interaction._meta.get_field("opportunity").related_model
    renewal = opportunity_model.objects.create(client=aw.client, name="Renewal 2027")
    interaction = record(aw, "Renewal chat", opportunity=renewal, project=aw.project)
    login(client, aw, "am_related")
    assert "Renewal 2027" in client.get(reverse("clients:interaction_create", args=[aw.client.pk])).content.decode()
    url = reverse("clients:interaction_detail", args=[aw.client.pk, interaction.pk])
    assert "Renewal 2027" in client.get(url).content.decode()
    client.logout()
    # The PM reads the interaction about their project, not the opportunity on it.
    assert "Renewal 2027" not in login(client, aw, "pm_related").get(url).content.decode()


def test_follow_up_from_an_interaction_and_directly(client, aw):
    interaction = record(aw, "Workshop")
    login(client, aw, "am_team")
    detail = reverse("clients:interaction_detail", args=[aw.client.pk, interaction.pk])
    html = client.get(detail).content.decode()
    assert f"?interaction={interaction.pk}" in html
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    create = reverse("clients:followup_create", args=[aw.client.pk])
    response = client.post(
        f"{create}?interaction={interaction.pk}", {"text": "Send minutes", "due": due, "owner": aw.user("am_team").pk}
    )
    assert response.status_code == 302 and response["Location"] == detail
    followup = FollowUp.objects.get()
    assert (followup.interaction, followup.owner) == (interaction, aw.user("am_team"))
    form = client.get(create).content.decode()
    assert f'<option value="{aw.user("am_related").pk}" selected' in form  # the owning AM by default
    response = client.post(create, {"text": "Quarterly check-in", "due": due, "owner": aw.user("am_related").pk})
    assert response.status_code == 302 and FollowUp.objects.filter(interaction=None).count() == 1
    response = client.post(create, {"text": "", "due": "", "owner": aw.user("am_related").pk})
    assert 'id="id_text_error"' in response.content.decode() and 'id="id_due_error"' in response.content.decode()


def test_follow_up_of_an_invisible_interaction_is_404(client, aw):
    interaction = record(aw, "Workshop")
    login(client, aw, "am_related")
    url = reverse("clients:followup_create", args=[aw.client.pk])
    c2 = Client.objects.get(name="C2")
    c2_interaction = Interaction.objects.create(client=c2, kind="call", at=ago(1), subject="Other")
    assert client.get(f"{url}?interaction={c2_interaction.pk}").status_code == 404
    assert client.get(f"{url}?interaction={interaction.pk}").status_code == 200


def test_my_follow_ups_flags_overdue_and_filters(client, aw):
    today = timezone.localdate()
    follow(aw, "Late one", due=today - timedelta(days=1))
    follow(aw, "Fresh one", due=today + timedelta(days=1))
    follow(aw, "Team follow-up", owner=aw.user("am_team"))
    done = follow(aw, "Finished one")
    login(client, aw, "am_related")
    client.post(reverse("clients:followup_done", args=[done.pk]), {"next": reverse("clients:followups")})
    url = reverse("clients:followups")
    html = client.get(url).content.decode()
    assert "Late one" in html and "Fresh one" in html and "Team follow-up" not in html and "Finished one" not in html
    assert html.count('class="badge text-bg-danger tp-overdue"') == 1
    assert html.index("Late one") < html.index("Fresh one")
    html = client.get(url, {"whose": "all"}).content.decode()
    assert "Team follow-up" in html
    html = client.get(url, {"state": "overdue"}).content.decode()
    assert "Late one" in html and "Fresh one" not in html
    html = client.get(url, {"state": "done"}).content.decode()
    assert "Finished one" in html and "Late one" not in html
    html = client.get(url, {"state": "all", "q": "one"}).content.decode()
    assert "Finished one" in html and "Late one" in html


def test_follow_up_edit_page(client, aw):
    followup = follow(aw, "Call back")
    url = reverse("clients:followup_edit", args=[followup.pk])
    login(client, aw, "am_related")
    due = (timezone.localdate() + timedelta(days=9)).isoformat()
    data = {"text": "Call back Monday", "due": due, "owner": aw.user("am_team").pk, "version": 1}
    response = client.post(f"{url}?next=/clients/followups/", data)
    assert response.status_code == 302 and response["Location"] == "/clients/followups/"
    followup.refresh_from_db()
    assert (followup.text, followup.owner) == ("Call back Monday", aw.user("am_team"))
    response = client.post(f"{url}?next=https://evil.example/", {**data, "text": "x", "version": 2})
    assert response["Location"] == reverse("clients:followups")  # no open redirect
    client.logout()
    assert login(client, aw, "pm_related").get(url).status_code == 404


def test_am_cockpit_shows_open_and_overdue_follow_ups(client, aw):
    follow(aw, "Late one", due=timezone.localdate() - timedelta(days=1))
    follow(aw, "Fresh one")
    html = login(client, aw, "am_related").get(reverse("core:cockpit", args=["am"])).content.decode()
    assert "My open follow-ups" in html


def test_query_counts_are_flat(client, aw):
    eve = add_contact(aw, "Eve")
    first = record(aw, "First", contacts=[eve], project=aw.project)
    login(client, aw, "am_team")
    urls = [
        reverse("clients:timeline", args=[aw.client.pk]),
        reverse("clients:interaction_detail", args=[aw.client.pk, first.pk]),
        reverse("clients:followups") + "?whose=all",
        reverse("clients:interaction_create", args=[aw.client.pk]),
        reverse("clients:interaction_edit", args=[aw.client.pk, first.pk]),
    ]

    def grow(n, tag):
        for i in range(n):
            contact = add_contact(aw, f"{tag} {i}")
            interaction = record(aw, f"{tag} call {i}", contacts=[contact, eve], project=aw.project)
            follow(aw, f"{tag} follow {i}", interaction=first)
            follow(aw, f"{tag} later {i}", interaction=interaction, due=timezone.localdate() - timedelta(days=i))

    grow(2, "few")
    [queries(client, url) for url in urls]
    few = [queries(client, url) for url in urls]
    grow(25, "many")
    assert [queries(client, url) for url in urls] == few
