"""Keeps every error under /api/ in problem details, including those Django answers before the API runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tripod.identity.middleware import API_PATH_PREFIX
from tripod.identity.problems import PROBLEM_CONTENT_TYPE, problem_response


class ApiMethodNotAllowedMiddleware:
    """A method an API path does not take is a 405 problem (with ``Allow``), not Django's plain-text page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path_info.startswith(API_PATH_PREFIX)
            and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            allow = response.get("Allow", "")
            problem = problem_response(
                405, detail=_("This address does not take %(method)s.") % {"method": request.method}
            )
            if allow:
                problem["Allow"] = allow
            return problem
        return response
