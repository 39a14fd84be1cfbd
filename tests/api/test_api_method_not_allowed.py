from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_wrong_method_on_an_api_path_is_a_405_problem(client):
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 405
    assert "DELETE" in body["detail"]
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_web_pages_keep_their_own_405(client):
    response = client.put("/accounts/logout/")
    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/problem+json")
