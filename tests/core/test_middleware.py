"""Web-wide middleware: domain errors become friendly pages; times follow the user's time zone."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import make_user
from tripod.core.errors import Forbidden, NotFound
from tripod.core.middleware import DomainErrorMiddleware, UserTimeZoneMiddleware
from tripod.identity.models import Role


@pytest.mark.django_db
@pytest.mark.parametrize(("error", "status"), [(NotFound(), 404), (Forbidden(), 403)])
def test_unhandled_domain_error_is_a_friendly_page(error, status):
    request = RequestFactory().get("/somewhere/")
    request.user = make_user(Role.MEMBER)
    response = DomainErrorMiddleware(lambda r: HttpResponse()).process_exception(request, error)
    assert response is not None
    assert response.status_code == status


def test_other_errors_are_left_to_django():
    request = RequestFactory().get("/")
    assert DomainErrorMiddleware(lambda r: HttpResponse()).process_exception(request, ValueError()) is None


@pytest.mark.django_db
def test_times_follow_the_users_time_zone():
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = make_user(Role.MEMBER, time_zone="Europe/Berlin")
    UserTimeZoneMiddleware(view)(request)
    assert seen["zone"] == "Europe/Berlin"
    request.user = make_user(Role.MEMBER, time_zone="Not/AZone")
    UserTimeZoneMiddleware(view)(request)
    assert seen["zone"] == "Asia/Shanghai"
