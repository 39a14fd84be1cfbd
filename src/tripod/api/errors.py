"""Every API error as RFC 9457 problem details (``application/problem+json``); never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from tripod.core.errors import DomainError, Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.services import validation_errors
from tripod.identity.problems import problem_response, unauthenticated_response

logger = logging.getLogger("tripod.api")

ALL_FIELDS = "__all__"


class FieldError(Schema):
    field: str
    message: str
    code: str | None = None


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


# Pydantic's messages are English only; the common ones are said again in the user's language.
_PYDANTIC_MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "string_type": _("Enter text."),
    "string_too_short": _("This value is too short."),
    "string_too_long": _("This value is too long."),
    "int_type": _("Enter a whole number."),
    "int_parsing": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
    "datetime_parsing": _("Enter a valid date and time (ISO 8601)."),
    "datetime_from_date_parsing": _("Enter a valid date and time (ISO 8601)."),
    "greater_than": _("This value is too small."),
    "greater_than_equal": _("This value is too small."),
    "less_than": _("This value is too large."),
    "less_than_equal": _("This value is too large."),
    "enum": _("Choose one of the allowed values."),
    "literal_error": _("Choose one of the allowed values."),
    "json_invalid": _("The request body is not valid JSON."),
    "model_attributes_type": _("The request body must be a JSON object."),
    "dict_type": _("The request body must be a JSON object."),
    "extra_forbidden": _("This field is not allowed."),
}

# Where ninja's error locations start: the parameter source, then (for a body) the name of the handler argument.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str | None]:
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in _SOURCES else None
    if source == "body" and len(parts) > 1:
        parts.pop(0)  # the handler's payload argument
    return ".".join(str(p) for p in parts) or ALL_FIELDS, source


def field_errors(errors: dict[str, list[Any]]) -> list[dict[str, Any]]:
    return [{"field": field, "message": str(message)} for field, messages in errors.items() for message in messages]


def on_validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return problem_response(422, kind="validation-failed", detail=exc.message, errors=field_errors(exc.errors))


def on_ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        field, source = _field_name(error.get("loc", ()))
        code = error.get("type")
        message = _PYDANTIC_MESSAGES.get(code) or error.get("msg", "")
        item: dict[str, Any] = {"field": field, "message": str(message), "code": code}
        if source:
            item["in"] = source
        errors.append(item)
    return problem_response(422, kind="validation-failed", detail=ValidationFailed.default_message, errors=errors)


def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problem_response(
        422,
        kind="validation-failed",
        detail=ValidationFailed.default_message,
        errors=field_errors(validation_errors(exc)),
    )


def on_stale_version(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    current = getattr(exc.current, "version", None)
    return problem_response(
        412, kind="stale-version", detail=exc.message, current_version=current, submitted_version=exc.submitted
    )


_DOMAIN_KINDS = {NotFound: "not-found", Forbidden: "forbidden"}


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    kind = next((k for cls, k in _DOMAIN_KINDS.items() if isinstance(exc, cls)), "domain-error")
    return problem_response(exc.status, kind=kind, detail=exc.message)


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(404, kind="not-found", detail=NotFound.default_message)


def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(403, kind="forbidden", detail=Forbidden.default_message)


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return unauthenticated_response()


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    headers = {}
    if isinstance(exc, Throttled) and exc.wait:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    return problem_response(exc.status_code, detail=exc.message, headers=headers)


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(
        500,
        kind="server-error",
        detail=_("Something went wrong on our side. It has been logged; please try again later."),
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers; the most specific class of an exception wins (ninja walks the MRO)."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, on_unexpected),
        (DomainError, on_domain_error),
        (ValidationFailed, on_validation_failed),
        (StaleVersion, on_stale_version),
        (NinjaValidationError, on_ninja_validation_error),
        (DjangoValidationError, on_django_validation_error),
        (Http404, on_not_found),
        (PermissionDenied, on_permission_denied),
        (HttpError, on_http_error),
        (AuthenticationError, on_authentication_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
