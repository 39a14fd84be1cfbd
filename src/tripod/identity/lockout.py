"""How django-axes names the account a sign-in attempt is for (``AXES_USERNAME_CALLABLE``).

One can sign in as ``li.na``, ``LI.NA`` or ``li.na@example.com``; counted as typed, each spelling would get its own
allowance of failures and the lockout could be sidestepped. So every attempt is counted against the account's
canonical name (its username, lower-cased), whatever the way in: the web sign-in, the API token exchange, the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tripod.identity.models import User


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str | None:
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        typed = data.get(field)
    if not typed:
        return typed
    value = str(typed).strip()
    lookup = {"email__iexact": value} if "@" in value else {"username__iexact": value}
    username = User.objects.filter(**lookup).values_list("username", flat=True).first()
    return (username or value).lower()
