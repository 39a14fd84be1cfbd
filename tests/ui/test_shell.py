"""The shell: home redirects, cockpits by role, navigation, language switch, error pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tripod.core import views as core_views
from tripod.identity.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "role"),
    [("admin", "admin"), ("pm", "pm"), ("am", "am"), ("lm", "lm"), ("dev", "member")],
)
def test_home_redirects_to_the_users_cockpit(org: Any, login: Any, username: str, role: str) -> None:
    response = login(getattr(org, username)).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:cockpit", kwargs={"role": role})


def test_home_sends_a_client_user_to_the_portal(org: Any, login: Any) -> None:
    response = login(org.portal).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:overview")


def test_home_prefers_the_most_senior_cockpit(org: Any, login: Any) -> None:
    from tripod.identity.models import RoleGrant

    RoleGrant.objects.create(user=org.lm, role=Role.PM)
    response = login(org.lm).get("/")
    assert response["Location"] == reverse("core:cockpit", kwargs={"role": "pm"})


def test_user_without_role_sees_a_page_saying_so(login: Any) -> None:
    from tests.ui.conftest import make_user

    response = login(make_user("nobody")).get("/")
    assert response.status_code == 200
    assert "No role has been given" in response.content.decode()


HEADINGS = {
    "admin": "Administrator cockpit",
    "pm": "Project manager cockpit",
    "am": "Account manager cockpit",
    "lm": "Line manager cockpit",
    "member": "Team member cockpit",
    "client": "Client cockpit",
}
USERS = {"admin": "admin", "pm": "pm", "am": "am", "lm": "lm", "member": "dev", "client": "portal"}
OTHER = {"admin": "pm", "pm": "am", "am": "lm", "lm": "dev", "member": "portal", "client": "admin"}


@pytest.mark.parametrize("role", list(HEADINGS))
def test_each_cockpit_opens_for_its_role(org: Any, login: Any, role: str) -> None:
    response = login(getattr(org, USERS[role])).get(reverse("core:cockpit", kwargs={"role": role}))
    assert response.status_code == 200
    html = response.content.decode()
    assert HEADINGS[role] in html
    assert "tp-tile" in html


@pytest.mark.parametrize("role", list(HEADINGS))
def test_each_cockpit_is_forbidden_to_another_role(org: Any, login: Any, role: str) -> None:
    response = login(getattr(org, OTHER[role])).get(reverse("core:cockpit", kwargs={"role": role}))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_unknown_cockpit_is_404(org: Any, login: Any) -> None:
    assert login(org.admin).get("/cockpit/ceo/").status_code == 404


def _tile_values(html: str) -> dict[str, str]:
    import re

    pairs = re.findall(r'tp-tile-label">([^<]+)</span>.*?tp-tile-value">\s*([^<\s]+)', html, flags=re.DOTALL)
    return dict(pairs)


def test_pm_cockpit_counts_come_from_the_pms_projects(org: Any, login: Any) -> None:
    html = login(org.pm).get(reverse("core:cockpit", kwargs={"role": "pm"})).content.decode()
    tiles = _tile_values(html)
    assert tiles["My projects"] == "2"
    assert tiles["Members"] == "1"
    assert "ERP rollout" in html and "Data platform" in html
    assert "Shop revamp" not in html


def test_am_cockpit_counts_the_ams_clients(org: Any, login: Any) -> None:
    html = login(org.am).get(reverse("core:cockpit", kwargs={"role": "am"})).content.decode()
    tiles = _tile_values(html)
    assert tiles["My clients"] == "1"
    assert tiles["Projects of my clients"] == "2"
    assert "Acme 科技" in html and "Globex" not in html


def test_lm_cockpit_counts_the_line(org: Any, login: Any) -> None:
    html = login(org.lm).get(reverse("core:cockpit", kwargs={"role": "lm"})).content.decode()
    tiles = _tile_values(html)
    assert tiles["People in my line"] == "1"
    assert "Dev Zhang" in html and "Olga Outsider" not in html


def test_admin_cockpit_counts_everything(org: Any, login: Any) -> None:
    html = login(org.admin).get(reverse("core:cockpit", kwargs={"role": "admin"})).content.decode()
    tiles = _tile_values(html)
    assert tiles["Users"] == "8"
    assert tiles["Clients"] == "2"
    assert tiles["Projects"] == "3"
    assert tiles["People"] == "3"


def test_client_cockpit_shows_only_their_projects_and_no_people(org: Any, login: Any) -> None:
    html = login(org.portal).get(reverse("core:cockpit", kwargs={"role": "client"})).content.decode()
    assert _tile_values(html)["Our projects"] == "2"
    assert "Shop revamp" not in html
    assert "王芳" not in html  # no PM names for the portal


def test_cockpit_table_refreshes_over_htmx(org: Any, login: Any) -> None:
    response = login(org.pm).get(
        reverse("core:cockpit", kwargs={"role": "pm"}) + "?sort=-code",
        headers={"HX-Request": "true", "HX-Target": "my-projects"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.index("ACM-2") < html.index("ACM-1")


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("pm", ["Projects"], ["Clients", "People", "Admin"]),
        ("am", ["Projects", "Clients"], ["Teams", "Admin"]),
        ("lm", ["Projects", "People", "Teams"], ["Clients", "Admin"]),
        ("admin", ["Projects", "Clients", "People", "Teams", "Admin"], []),
        ("portal", ["Projects"], ["Clients", "People", "Teams", "Admin"]),
    ],
)
def test_navigation_by_role(org: Any, login: Any, username: str, visible: list[str], hidden: list[str]) -> None:
    import re

    html = login(getattr(org, username)).get(reverse("projects:list")).content.decode()
    nav = html[html.index('id="tp-nav"') : html.index("tp-user-toggle")]
    labels = set(re.findall(r"</i>([^<]+)</a>", nav))
    for label in visible:
        assert label in labels
    for label in hidden:
        assert label not in labels


def test_user_menu_shows_name_and_roles(org: Any, login: Any) -> None:
    html = login(org.pm).get(reverse("projects:list")).content.decode()
    assert "王芳" in html
    assert "Project manager" in html


def test_language_switch_to_chinese(org: Any, login: Any) -> None:
    client = login(org.pm)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("projects:list")})
    assert response.status_code == 302
    html = client.get(reverse("projects:list")).content.decode()
    assert '<html lang="zh-hans">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("projects:list")).content.decode()


def test_pages_carry_the_csrf_token_for_htmx_and_no_inline_code(org: Any, login: Any) -> None:
    import re

    html = login(org.admin).get(reverse("clients:list")).content.decode()
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "style=" not in html
    assert "<style" not in html
    assert "cdn" not in html.lower()


def test_messages_become_toasts(org: Any, login: Any) -> None:
    client = login(org.admin)
    response = client.post(
        reverse("clients:create"), {"name": "Initech", "tier": "standard", "status": "active"}, follow=True
    )
    html = response.content.decode()
    assert "data-tp-toast" in html and "Client Initech created." in html


def test_server_error_page_renders_without_request_context() -> None:
    request = RequestFactory().get("/boom")
    response = core_views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'href="/"' in html


def test_server_error_never_raises_even_if_templates_fail(monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("template engine down")

    monkeypatch.setattr(core_views.loader, "render_to_string", broken)
    response = core_views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"500" in response.content


def test_404_page_is_friendly(org: Any, login: Any) -> None:
    response = login(org.pm).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Back to the home page" in html


def test_navigation_skips_urls_that_are_not_wired(org: Any, login: Any, monkeypatch: Any) -> None:
    from tripod.core import navigation

    monkeypatch.setattr(
        navigation,
        "NAVIGATION",
        [*navigation.NAVIGATION, navigation.NavEntry("Later", "later:list", "x", navigation.ALL_ROLES)],
    )
    response = login(org.pm).get(reverse("projects:list"))
    assert response.status_code == 200
    assert "Later" not in response.content.decode()


def test_search_box_and_activity_panel_are_wired(org: Any, login: Any) -> None:
    html = login(org.am).get(reverse("clients:detail", args=[org.acme.pk])).content.decode()
    assert f'hx-get="{reverse("collab:search")}"' in html
    assert 'hx-target="#search-results"' in html
    assert f'hx-get="{reverse("collab:panel", args=["clients.client", org.acme.pk])}"' in html
    assert "col-lg-8" in html


@pytest.mark.urls("tests.ui.urls_without_collab")
def test_pages_render_while_collaboration_is_not_wired(org: Any, login: Any) -> None:
    html = login(org.am).get(reverse("clients:detail", args=[org.acme.pk])).content.decode()
    assert "search-results" not in html and "col-lg-8" not in html
    assert "赵总" in html


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/clients/client/",
        "/admin/clients/contact/",
        "/admin/projects/project/",
        "/admin/people/person/",
        "/admin/people/team/",
    ],
)
def test_admin_pages_open_for_an_admin(org: Any, client: Any, url: str) -> None:
    org.admin.is_staff = True
    org.admin.is_superuser = True
    org.admin.save()
    client.force_login(org.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(url).status_code == 200


def test_admin_history_of_a_client(org: Any, client: Any) -> None:
    org.admin.is_staff = True
    org.admin.is_superuser = True
    org.admin.save()
    client.force_login(org.admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(f"/admin/clients/client/{org.acme.pk}/history/")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/", "/cockpit/pm/", "/clients/", "/projects/1/", "/people/teams/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_edit_without_a_version_is_refused(org: Any, login: Any) -> None:
    response = login(org.am).post(
        reverse("clients:edit", args=[org.acme.pk]), {"name": "Acme 科技", "tier": "standard", "status": "lost"}
    )
    assert response.status_code == 200
    assert "Version: This field is required." in response.content.decode()
    org.acme.refresh_from_db()
    assert org.acme.status == "active"
