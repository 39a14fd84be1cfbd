"""Domain errors. Services raise them; the web and API layers turn them into pages and problem details."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a service raises on purpose. ``status`` is the HTTP status it maps to."""

    status = 400
    default_message: Any = _("The request could not be processed.")

    def __init__(self, message: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    """Bad input. ``errors`` maps each field name to its messages (``__all__`` for the record as a whole)."""

    status = 422
    default_message = _("Some fields are not valid.")

    def __init__(self, errors: dict[str, list[Any]], message: Any = None) -> None:
        self.errors = errors
        super().__init__(message)


class NotFound(DomainError):
    """The record does not exist or the user may not see it (the two are not told apart)."""

    status = 404
    default_message = _("Not found.")

    def __init__(self, what: Any = None) -> None:
        super().__init__(_("%(what)s not found.") % {"what": what} if what else None)


class Forbidden(DomainError):
    """The user may not use this function."""

    status = 403
    default_message = _("You do not have permission to do this.")


class StaleVersion(DomainError):
    """The record changed since the user read it; nothing was written."""

    status = 412
    default_message = _("This record was changed by someone else since you opened it. Nothing was saved.")

    def __init__(self, *, current: Any, submitted: int | None) -> None:
        self.current = current
        self.submitted = submitted
        super().__init__()
