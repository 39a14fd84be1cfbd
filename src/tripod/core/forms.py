"""Forms of the collaboration panel. They only carry input: the rules (required, length, size, type) live in the
services, so the web, the API and imports refuse the same things with the same words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tripod.core.comments import COMMENT_MAX_LENGTH
from tripod.core.errors import ValidationFailed


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)


def form_add_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Put a service's ValidationFailed on the form, each message under its field (or the form as a whole)."""
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))
