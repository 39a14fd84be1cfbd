"""Forms of the sign-in pages and the API token page. Templates render them with the shared
``components/form_fields.html`` (Bootstrap classes, inline errors); ``field_columns`` sets each field's width."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tripod.identity.services import NAME_MAX_LENGTH

LOGIN_MAX_LENGTH = 254  # an e-mail address may be longer than a username
FULL_WIDTH = "col-12"


class LoginForm(AuthenticationForm):
    field_columns = {"username": FULL_WIDTH, "password": FULL_WIDTH}
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or e-mail address, or the password, is not correct."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Username or e-mail")
        username.max_length = LOGIN_MAX_LENGTH
        username.widget.attrs.update({"maxlength": LOGIN_MAX_LENGTH, "autocomplete": "username"})


class TripodPasswordChangeForm(PasswordChangeForm):
    field_columns = {"old_password": FULL_WIDTH, "new_password1": FULL_WIDTH, "new_password2": FULL_WIDTH}


class TripodPasswordResetForm(PasswordResetForm):
    field_columns = {"email": FULL_WIDTH}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autofocus": True, "autocomplete": "email"})

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        """Write the e-mail in the account's own language when it has one, else in the language of the page."""
        context = kwargs.get("context", args[2] if len(args) > 2 else {})
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(*args, **kwargs)


class TripodSetPasswordForm(SetPasswordForm):
    field_columns = {"new_password1": FULL_WIDTH, "new_password2": FULL_WIDTH}


class ApiTokenForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("never", _("Never")),
    ]
    field_columns = {"name": "col-md-8", "expires_in": "col-md-4"}

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. “nightly export script”."),
    )
    expires_in = forms.ChoiceField(label=_("Expires after"), choices=EXPIRY_CHOICES, initial="90")

    def expires_at(self) -> datetime | None:
        value = self.cleaned_data["expires_in"]
        if value == "never":
            return None
        return timezone.now() + timedelta(days=int(value))
