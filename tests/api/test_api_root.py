"""The API root: OpenAPI document, docs page under our CSP, and problem details for every error."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client as HttpClient
from openapi_spec_validator import validate

import tripod
from tests.api.conftest import Org, assert_problem, http_as
from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed


class TestOpenApi:
    def test_is_valid_openapi_3_1(self) -> None:
        response = HttpClient().get("/api/v1/openapi.json")
        assert response.status_code == 200
        spec = response.json()
        validate(spec)
        assert spec["openapi"].startswith("3.1")
        assert spec["info"]["title"] == "Tripod API"
        assert spec["info"]["version"] == tripod.__version__

    def test_describes_the_endpoints_auth_and_problems(self) -> None:
        spec = HttpClient().get("/api/v1/openapi.json").json()
        for path in (
            "/api/v1/auth/token",
            "/api/v1/me",
            "/api/v1/clients",
            "/api/v1/clients/{client_id}",
            "/api/v1/projects",
            "/api/v1/projects/{project_id}",
            "/api/v1/people",
            "/api/v1/people/{person_id}",
        ):
            assert path in spec["paths"], path
        schemes = spec["components"]["securitySchemes"]
        assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
        assert schemes["SessionAuth"]["in"] == "cookie"
        assert "security" not in spec["paths"]["/api/v1/auth/token"]["post"], "token exchange is anonymous"
        me = spec["paths"]["/api/v1/me"]["get"]
        assert me["responses"]["401"]["content"]["application/problem+json"]["schema"]["$ref"].endswith("/Problem")
        assert "404" in spec["paths"]["/api/v1/clients/{client_id}"]["get"]["responses"]
        assert {"type", "title", "status", "detail"} <= set(spec["components"]["schemas"]["Problem"]["required"])

    def test_index_points_to_the_description(self) -> None:
        body = HttpClient().get("/api/v1/").json()
        assert body["openapi"] == "/api/v1/openapi.json"
        assert body["docs"] == "/api/v1/docs"


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if found.get(name) and (tag != "a"):
                self.urls.append(found[name] or "")
        if tag == "script":
            self._in_script = found
        if tag == "style" or "style" in found:
            self.inline_scripts.append(f"<{tag} style>")

    def handle_data(self, data: str) -> None:
        script = self._in_script
        if script is not None and not script.get("src") and script.get("type") != "application/json" and data.strip():
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def test_docs_page_uses_only_self_hosted_assets() -> None:
    """SECURE_CSP allows scripts and styles from 'self' only: no CDN, no inline code."""
    response = HttpClient().get("/api/v1/docs")
    assert response.status_code == 200
    assets = _Assets()
    assets.feed(response.content.decode())
    assert assets.urls, "the page loads Swagger UI from somewhere"
    for url in assets.urls:
        assert url.startswith("/") and not url.startswith("//"), f"{url} is not self-hosted"
        static_path = re.sub(r"^/static/", "", url)
        assert finders.find(static_path), f"{url} is not a static file we serve"
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets.urls)
    assert assets.inline_scripts == [], "inline code is blocked by the CSP"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp


@pytest.mark.django_db
class TestProblems:
    def test_unknown_path_is_404_problem(self) -> None:
        body = assert_problem(HttpClient().get("/api/v1/no/such/thing"), 404)
        assert body["type"] == "urn:tripod:problem:not-found"

    def test_invisible_record_is_404_problem(self, org: Org) -> None:
        assert_problem(http_as(org.outsider).get(f"/api/v1/clients/{org.acme.pk}"), 404)

    def test_bad_query_parameter_is_422_naming_it(self, org: Org) -> None:
        response = http_as(org.am).get("/api/v1/clients?limit=0&status=nonsense")
        body = assert_problem(response, 422)
        assert body["type"] == "urn:tripod:problem:validation-failed"
        fields = {error["field"]: error for error in body["errors"]}
        assert set(fields) == {"limit", "status"}
        assert fields["limit"]["in"] == "query"
        assert fields["status"]["message"] == "Choose one of the allowed values."

    def test_bad_path_parameter_is_422(self, org: Org) -> None:
        body = assert_problem(http_as(org.am).get("/api/v1/clients/abc"), 422)
        assert body["errors"][0]["field"] == "client_id"

    def test_malformed_json_is_400_problem(self) -> None:
        assert_problem(HttpClient().post("/api/v1/auth/token", "{oops", content_type="application/json"), 400)

    @pytest.mark.parametrize(
        ("error", "status", "kind"),
        [
            (NotFound("Client"), 404, "not-found"),
            (Forbidden(), 403, "forbidden"),
            (StaleVersion(current=None, submitted=3), 412, "stale-version"),
            (ValidationFailed({"name": ["Too long."], "__all__": ["Bad."]}), 422, "validation-failed"),
        ],
    )
    def test_domain_errors(self, org: Org, monkeypatch, error: Exception, status: int, kind: str) -> None:
        def fail(**kwargs):
            raise error

        monkeypatch.setattr("tripod.clients.api.client_get", fail)
        body = assert_problem(http_as(org.am).get(f"/api/v1/clients/{org.acme.pk}"), status)
        assert body["type"] == f"urn:tripod:problem:{kind}"
        if isinstance(error, ValidationFailed):
            assert body["errors"] == [
                {"field": "name", "message": "Too long."},
                {"field": "__all__", "message": "Bad."},
            ]

    def test_unexpected_error_is_500_problem_without_traceback(self, org: Org, monkeypatch, caplog) -> None:
        def crash(**kwargs):
            raise RuntimeError("secret internals")

        monkeypatch.setattr("tripod.clients.api.client_get", crash)
        response = http_as(org.am).get(f"/api/v1/clients/{org.acme.pk}")
        body = assert_problem(response, 500)
        assert "secret internals" not in response.content.decode()
        assert body["type"] == "urn:tripod:problem:server-error"
        assert any("secret internals" in str(record.exc_info) for record in caplog.records), "it is logged"

    def test_problem_detail_is_translated(self, org: Org) -> None:
        response = HttpClient().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert_problem(response, 401)
        assert response["Content-Language"] == "zh-hans"
