"""The API root: /api/v1/, OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs.

Every operation needs a signed-in session (with CSRF on unsafe methods) or a personal API token unless it says
``auth=None``; every error is problem details (see :mod:`tripod.api.errors`).
"""

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Router, Swagger

import tripod
from tripod.api.auth import default_auth
from tripod.api.errors import install_error_handlers
from tripod.api.openapi import add_problem_responses
from tripod.clients.api import router as clients_router
from tripod.identity.api import router as identity_router
from tripod.people.api import router as people_router
from tripod.projects.api import router as projects_router


class TripodAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return add_problem_responses(super().get_openapi_schema(*args, **kwargs))


api = TripodAPI(
    title="Tripod API",
    version=tripod.__version__,
    description=(
        "The Tripod API. Authenticate with a personal API token (`Authorization: Bearer <token>`; create one under "
        "Account → API tokens or with `POST /api/v1/auth/token`) or with a signed-in browser session (unsafe "
        "methods then need the `X-CSRFToken` header). Lists take `limit` and `offset` and return `items` and "
        "`count`. Errors are RFC 9457 problem details (`application/problem+json`)."
    ),
    urls_namespace="api",
    auth=default_auth,
    docs=Swagger(settings={"persistAuthorization": False}),
)
install_error_handlers(api)

api.add_router("", identity_router)
api.add_router("/clients", clients_router)
api.add_router("/projects", projects_router)
api.add_router("/people", people_router)

# Last: /api/v1/ itself says where the description is; any other path is a 404 problem, not the web's HTML page.
fallback_router = Router()


@fallback_router.get("", auth=None, include_in_schema=False)
def index(request: HttpRequest) -> dict[str, str]:
    return {
        "title": api.title,
        "version": api.version,
        "openapi": reverse("api:openapi-json"),
        "docs": reverse("api:openapi-view"),
    }


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404(rest)


api.add_router("", fallback_router)
