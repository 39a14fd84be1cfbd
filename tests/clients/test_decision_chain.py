"""The decision chain: the tree by reports-to (inactive people skipped, old loops cut), the org chart laid out
from it (managers centred over their reports, one row per level, flags and links), and its page (access, content,
query count)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clients.accounts_builders import add_contact, ago, build_account_world, build_chain, queries, record
from tripod.clients.models import Contact
from tripod.clients.selectors import decision_chain
from tripod.clients.services import contact_update
from tripod.clients.views.decision_chain import BOX_H, BOX_W, GAP_Y, decision_chain_picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw():
    return build_account_world()


def shape(nodes) -> list:
    return [(n.contact.name, shape(n.children)) for n in nodes]


def test_the_chain_is_a_tree_by_reports_to(aw):
    build_chain(aw)
    chain = decision_chain(user=aw.user("am_related"), client=aw.client)
    assert shape(chain.roots) == [
        (
            "Chen CEO",
            [("Carl CFO", []), ("Ivy CIO", [("Ian IT", [("Dora Dev", [])])])],  # same influence: by name
        ),
        ("Paula Procurement", []),  # reports to nobody we know
    ]
    assert chain.size == 6
    assert [n.depth for n in chain.walk()] == [0, 1, 1, 2, 3, 0]


def test_reports_of_an_inactive_contact_hang_under_the_next_one_up(aw):
    people = build_chain(aw)
    cio = people["cio"]
    contact_update(actor=aw.user("am_related"), contact=cio, version=cio.version, active=False)
    chain = decision_chain(user=aw.user("am_related"), client=aw.client)
    assert shape(chain.roots)[0] == ("Chen CEO", [("Carl CFO", []), ("Ian IT", [("Dora Dev", [])])])
    assert "Ivy CIO" not in {n.contact.name for n in chain.walk()}


def test_a_loop_from_old_data_is_cut_not_lost(aw):
    people = build_chain(aw)
    Contact.objects.filter(pk=people["ceo"].pk).update(reports_to=people["dev"])  # bypasses the service on purpose
    chain = decision_chain(user=aw.user("am_related"), client=aw.client)
    assert chain.size == 6
    assert len({n.contact.pk for n in chain.walk()}) == 6


@pytest.mark.parametrize("actor", ["pm_related", "lm_related", "client_related", "am_unrelated"])
def test_no_chain_for_those_who_may_not_see_contacts(aw, actor):
    build_chain(aw)
    assert decision_chain(user=aw.user(actor), client=aw.client).roots == []


def test_the_picture_centres_managers_over_their_reports(aw):
    people = build_chain(aw)
    record(aw, contacts=[people["ceo"]], at=ago(days=3))
    record(aw, contacts=[people["dev"]], at=ago(days=200))
    chain = decision_chain(user=aw.user("am_related"), client=aw.client)
    picture = decision_chain_picture(chain, user=aw.user("am_related"))
    boxes = {box.contact.name: box for box in picture.boxes}
    assert len(boxes) == 6 and len(picture.links) == 4
    # Leaves side by side: CFO, developer, procurement; the CIO line is one column.
    assert boxes["Carl CFO"].x < boxes["Dora Dev"].x < boxes["Paula Procurement"].x
    assert boxes["Ivy CIO"].x == boxes["Ian IT"].x == boxes["Dora Dev"].x
    assert boxes["Chen CEO"].x == (boxes["Carl CFO"].x + boxes["Ivy CIO"].x) // 2
    assert boxes["Dora Dev"].y - boxes["Chen CEO"].y == 3 * (BOX_H + GAP_Y)
    assert picture.width >= boxes["Paula Procurement"].x + BOX_W
    assert picture.height >= boxes["Dora Dev"].y + BOX_H
    # Influence as five dots, the stale flag for no touch in 90 days, links to edit pages for the owning AM.
    assert [filled for _x, filled in boxes["Chen CEO"].dots] == [True] * 5
    assert [filled for _x, filled in boxes["Dora Dev"].dots] == [True, False, False, False, False]
    assert not boxes["Chen CEO"].stale and boxes["Dora Dev"].stale and boxes["Carl CFO"].stale
    assert boxes["Chen CEO"].url == reverse("clients:contact_edit", args=[aw.client.pk, people["ceo"].pk])
    team_view = decision_chain_picture(chain, user=aw.user("am_team"))
    assert all(box.url is None for box in team_view.boxes)  # the account team reads, the owner edits
    assert "Chen CEO, Paula Procurement" in picture.description


def test_no_picture_without_contacts(aw):
    assert decision_chain_picture(decision_chain(user=aw.user("admin"), client=aw.client)) is None


PAGE = {
    "admin": 200,
    "am_related": 200,
    "am_team": 200,
    "pm_related": 403,  # sees the client, not its people
    "lm_related": 403,
    "member_related": 403,
    "client_related": 403,
    "am_unrelated": 404,
    "pm_unrelated": 403,  # runs P1B of C1: sees the client, not its people
    "client_unrelated": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("actor", "status"), PAGE.items())
def test_decision_chain_page_access(client, aw, actor, status):
    build_chain(aw)
    if actor != "anonymous":
        client.force_login(aw.user(actor))
    response = client.get(reverse("clients:decision_chain", args=[aw.client.pk]))
    assert response.status_code == status


def test_decision_chain_page_draws_the_chart_and_the_outline(client, aw):
    people = build_chain(aw)
    contact_update(actor=aw.user("admin"), contact=people["buyer"], version=1, active=False)
    touch = record(aw, contacts=[people["cio"]], at=ago(days=1))
    client.force_login(aw.user("am_related"))
    html = client.get(reverse("clients:decision_chain", args=[aw.client.pk])).content.decode()
    assert '<svg class="tp-chain-svg"' in html
    assert html.count('class="tp-chain-box') == 5
    assert "tp-role-economic_buyer" in html and "tp-role-blocker" in html
    assert "Opponent" in html and "Supporter" in html
    assert f"Last touch {timezone.localtime(touch.at).date():%Y-%m-%d}" in html
    assert html.count("No touch yet") == 4 * 2  # in the chart and in the outline
    assert "Inactive contacts" in html and "Paula Procurement" in html
    assert reverse("clients:contact_edit", args=[aw.client.pk, people["ceo"].pk]) in html


def test_decision_chain_page_query_count_is_flat(client, aw):
    people = build_chain(aw)
    client.force_login(aw.user("am_team"))
    url = reverse("clients:decision_chain", args=[aw.client.pk])
    queries(client, url)
    few = queries(client, url)
    for i in range(25):
        contact = add_contact(aw, f"Extra {i:02}", reports_to=people["itm"] if i % 2 else people["cfo"])
        record(aw, f"Touch {i}", contacts=[contact], at=ago(days=i))
    assert queries(client, url) == few
