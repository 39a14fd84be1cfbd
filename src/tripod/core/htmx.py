"""What every HTML view does the same way: run a form through a service, show a version conflict, and answer
HTMX requests.

A create/edit view is::

    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST":
        saved = submit_form(form, lambda data: client_update(actor=request.user, client=client, **data))
        if saved is not None:
            return redirect(...)
    return render(request, "clients/form.html", {"form": form})

``submit_form`` validates the form, calls the service with the cleaned data, and maps ``ValidationFailed`` onto
the form's fields and ``StaleVersion`` onto a conflict panel showing both versions. ``Forbidden`` and ``NotFound``
pass through and become 403 / 404 pages (``core.middleware.DomainErrorMiddleware``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from tripod.core.errors import StaleVersion, ValidationFailed

NON_FIELD = "__all__"


# --- forms backed by a model, written through a service --------------------------------------------------------------
def _formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    return model_field.formfield(**kwargs)


class RecordForm(forms.Form):
    """A plain form whose fields come from a model's fields; it never touches a model instance, because writes
    go through services. Edit forms carry the record's ``version`` in a hidden field for optimistic locking.

    Subclasses set ``model`` and ``record_fields``; ``field_columns`` maps a field to its grid column class."""

    model: type[models.Model]
    record_fields: tuple[str, ...] = ()
    field_columns: Mapping[str, str] = {}

    version = forms.IntegerField(label=_("Version"), widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, data: Any = None, *, instance: models.Model | None = None, **kwargs: Any) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        if instance is not None:
            initial = {**model_to_dict(instance, fields=self.record_fields), "version": instance.version, **initial}
        super().__init__(data, initial=initial, **kwargs)
        self.instance = instance
        self.conflict: Conflict | None = None
        generated = fields_for_model(self.model, fields=self.record_fields, formfield_callback=_formfield)
        ordered = {name: generated[name] for name in self.record_fields if generated.get(name) is not None}
        if instance is None:
            del self.fields["version"]
        else:
            self.fields["version"].required = True  # an edit without the version it was based on is refused
        self.fields = {**ordered, **self.fields}

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments for the service (``version`` included on edit forms)."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}


def apply_validation_errors(form: forms.Form, errors: Mapping[str, Iterable[Any]]) -> None:
    """Put a service's ``ValidationFailed.errors`` on the form: each message on its field when the form has that
    field, on top of the form otherwise."""
    for name, field_messages in errors.items():
        target = name if name in form.fields and name != NON_FIELD else None
        for message in field_messages:
            form.add_error(target, str(message))


@dataclass(frozen=True)
class ConflictRow:
    label: str
    yours: str
    current: str
    differs: bool


@dataclass(frozen=True)
class Conflict:
    current_version: int
    rows: list[ConflictRow]


def _display(field: forms.Field, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, models.Model):
        return str(value)
    choices = getattr(field, "choices", None)
    if choices and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): label for key, label in choices if not isinstance(label, list | tuple)}
        return str(labels.get(str(value), value))
    if isinstance(field, forms.ModelChoiceField):
        match = field.queryset.filter(pk=value).first() if not isinstance(value, models.Model) else value
        return str(match) if match is not None else str(value)
    return str(value)


def show_conflict(form: RecordForm, current: models.Model) -> Conflict:
    """Compare what the user submitted with the record as it is now, and arm the form so that submitting it again
    saves the user's values over the current version (a deliberate choice, made after seeing both)."""
    rows = []
    for name in form.record_fields:
        field = form.fields.get(name)
        if field is None:
            continue
        yours = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else form.data.get(name)
        theirs = getattr(current, name, None)
        yours_text, theirs_text = _display(field, yours), _display(field, theirs)
        rows.append(ConflictRow(str(field.label or name), yours_text, theirs_text, yours_text != theirs_text))
    conflict = Conflict(current_version=current.version, rows=rows)
    form.conflict = conflict
    data = form.data.copy()
    data[form.add_prefix("version")] = str(current.version)
    form.data = data
    form.add_error(None, str(StaleVersion.default_message))
    return conflict


def submit_form[T](form: RecordForm, action: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate ``form`` and call ``action(form.service_kwargs())``; on bad input or a stale version, put the
    reasons on the form and return None. ``Forbidden`` and ``NotFound`` propagate (403 / 404)."""
    if not form.is_valid():
        return None
    try:
        return action(form.service_kwargs())
    except ValidationFailed as exc:
        apply_validation_errors(form, exc.errors)
    except StaleVersion as exc:
        show_conflict(form, exc.current)
    return None


def form_page[T](
    request: HttpRequest,
    form: RecordForm,
    action: Callable[[dict[str, Any]], T],
    *,
    title: Any,
    cancel_url: str,
    success_message: Callable[[T], Any],
    success_url: Callable[[T], str],
    eyebrow: Any = "",
    submit_label: Any = None,
) -> HttpResponse:
    """The whole create/edit page: on POST run ``action`` through :func:`submit_form` and, when it succeeds, say so
    and redirect; otherwise (GET, bad input, conflict) show the form in ``components/form_page.html``."""
    if request.method == "POST":
        saved = submit_form(form, action)
        if saved is not None:
            messages.success(request, str(success_message(saved)))
            return redirect(success_url(saved))
    context = {"form": form, "title": title, "eyebrow": eyebrow, "cancel_url": cancel_url}
    if submit_label:
        context["submit_label"] = submit_label
    return render(request, "components/form_page.html", context)


# --- HTMX responses ---------------------------------------------------------------------------------------------
def hx_toast(response: HttpResponse, message: Any, level: str = "success") -> HttpResponse:
    """Ask the page to show a toast once HTMX has swapped ``response`` in (see tripod.js)."""
    triggers = json.loads(response.headers.get("HX-Trigger", "{}") or "{}")
    triggers["tripod:toast"] = {"message": str(message), "level": level}
    response.headers["HX-Trigger"] = json.dumps(triggers)
    return response


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


SAVED = _("Saved.")
