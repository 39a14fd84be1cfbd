"""Tripod's template tags: icons, badges, table cells, form widgets with Bootstrap classes, optional includes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms, template
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tripod.core.tables import Column, Table

register = template.Library()

# Status and category values shown as badges, by tone. Later apps add their own values here.
BADGE_TONES: dict[str, str] = {
    # clients
    "prospect": "info",
    "active": "success",
    "dormant": "warning",
    "lost": "neutral",
    "strategic": "primary",
    "key": "info",
    "standard": "neutral",
    "expired": "warning",
    "terminated": "danger",
    # signals
    "acknowledged": "primary",
    "dismissed": "neutral",
    "acted": "success",
    # tickets
    "new": "info",
    "in_progress": "primary",
    "waiting_on_client": "warning",
    # requirements and their confirmation records
    "requirement-captured": "neutral",
    "requirement-clarified": "info",
    "requirement-confirmed": "primary",
    "requirement-in_scope": "primary",
    "requirement-out_of_scope": "warning",
    "requirement-delivered": "info",
    "requirement-accepted": "success",
    "requirement-rejected": "danger",
    "requirement-withdrawn": "neutral",
    "priority-must": "danger",
    "priority-should": "warning",
    "priority-could": "info",
    "priority-wont": "neutral",
    "confirmation": "success",
    "acceptance": "success",
    "superseded": "neutral",
    # change requests
    "change-request-draft": "neutral",
    "change-request-submitted": "info",
    "change-request-approved": "primary",
    "change-request-rejected": "danger",
    "change-request-withdrawn": "neutral",
    "change-request-applied": "success",
    "decision-approve": "success",
    "decision-reject": "danger",
    # projects
    "initiating": "info",
    "planning": "info",
    "executing": "success",
    "monitoring": "warning",
    "closing": "primary",
    "closed": "neutral",
    # time entries
    "draft": "neutral",
    "submitted": "info",
    "approved": "success",
    "returned": "warning",
    # risks and issues
    "threat": "danger",
    "opportunity": "success",
    "open": "info",
    "occurred": "danger",
    "resolved": "success",
    "priority-critical": "danger",
    "priority-high": "warning",
    "priority-medium": "info",
    "priority-low": "neutral",
    # status reports
    "green": "success",
    "amber": "warning",
    "red": "danger",
}

TOAST_ICONS = {
    "success": "check-circle-fill",
    "error": "exclamation-octagon-fill",
    "danger": "exclamation-octagon-fill",
    "warning": "exclamation-triangle-fill",
    "info": "info-circle-fill",
    "debug": "bug",
}


@register.simple_tag
def icon(name: str, extra_class: str = "") -> SafeString:
    """A Bootstrap Icons glyph, hidden from screen readers (the text next to it says what it is)."""
    classes = f"bi bi-{name} {extra_class}".strip()
    return format_html('<i class="{}" aria-hidden="true"></i>', classes)


@register.filter
def badge_tone(value: Any) -> str:
    return BADGE_TONES.get(str(value), "neutral")


@register.simple_tag
def badge(value: Any, label: Any = None) -> SafeString:
    """A status badge coloured by the value's tone, labelled with ``label`` (e.g. the choice's display text)."""
    return format_html('<span class="badge tp-badge-{}">{}</span>', badge_tone(value), label if label else value)


@register.simple_tag
def sparkline(values: Any, label: str = "") -> SafeString | str:
    """A small line chart of ``values`` (oldest first) as inline SVG: no script, no style attribute, CSP-safe."""
    points = [float(v) for v in values or () if v is not None]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = 100 / (len(points) - 1)
    coords = " ".join(f"{i * step:.2f},{22 - (v - low) / span * 20:.2f}" for i, v in enumerate(points))
    return format_html(
        '<svg class="tp-sparkline" viewBox="0 0 100 24" preserveAspectRatio="none" role="img" aria-label="{}">'
        '<polyline points="{}" fill="none" vector-effect="non-scaling-stroke"/></svg>',
        label,
        coords,
    )


@register.filter
def toast_icon(level: str) -> str:
    return TOAST_ICONS.get(level or "info", "info-circle-fill")


# --- tables ------------------------------------------------------------------------------------------------------
@register.simple_tag(takes_context=True)
def table_cell(context: template.Context, column: Column, row: Any) -> SafeString | str:
    value = _display_value(column.value(row))
    if column.template:
        return get_template(column.template).render({"row": row, "value": value, "column": column}, context.request)
    if value is None or value == "":
        return format_html('<span class="text-body-tertiary">{}</span>', "—")
    content = badge(column.badge(row), value) if column.badge else format_html("{}", value)
    url = column.link(row) if column.link else None
    if url:
        return format_html('<a class="tp-row-link" href="{}">{}</a>', url, content)
    return content


def _display_value(value: Any) -> Any:
    """Numbers without trailing zeros (40, 40.5), date-times in the user's time zone, dates in ISO form."""
    if isinstance(value, Decimal | float):
        return floatformat(value, "-2")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    return value


@register.filter
def filter_value(table: Table, name: str) -> str:
    return table.filter_value(name)


@register.filter
def page_query(table: Table, number: int) -> str:
    return table.page_query(number)


# --- forms -------------------------------------------------------------------------------------------------------
@register.filter
def widget_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "choices"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def bs_widget(field: forms.BoundField) -> SafeString:
    """Render a field's widget with Bootstrap's classes, ``is-invalid`` when it has errors, and ARIA links to its
    help and error text."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = ""
    else:
        css = "form-control"
    attrs: dict[str, Any] = {}
    existing = widget.attrs.get("class", "")
    if field.errors:
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
    attrs["class"] = f"{existing} {css}".strip()
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


# --- activity -----------------------------------------------------------------------------------------------------
@register.simple_tag
def activity_url(record: Any) -> str:
    """Where the activity timeline (history, comments, files) of ``record`` is loaded from over HTMX; empty while
    the collaboration app's URLs are not wired, so pages can lay themselves out without it."""
    try:
        return reverse("collab:panel", args=[record._meta.label_lower, record.pk])
    except NoReverseMatch:
        return ""


@register.filter
def top_errors(form: forms.Form) -> list[str]:
    """Errors shown above the fields: the form's own, and those of hidden fields (which have no place below)."""
    errors = [str(error) for error in form.non_field_errors()]
    for field in form.hidden_fields():
        errors.extend(f"{field.label}: {error}" for error in field.errors)
    return errors


@register.filter
def field_col(field: forms.BoundField) -> str:
    """The grid column a field takes: ``form.field_columns[name]``, half a row by default."""
    columns = getattr(field.form, "field_columns", {}) or {}
    return columns.get(field.name, "col-md-6")
