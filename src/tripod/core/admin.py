"""Admin of core records. Calendars are validated by the same rules as the service; comments, attachments,
events and notifications are shown read-only (they are written by services, never edited by hand)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from tripod.core.calendars import calendar_base_clean, calendar_exception_clean, calendar_working_hours_clean
from tripod.core.errors import ValidationFailed
from tripod.core.models import Attachment, BusinessEvent, Calendar, CalendarException, Comment, Notification


def _raise_as_form_errors(form: forms.ModelForm, exc: ValidationFailed) -> None:
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))


class CalendarForm(forms.ModelForm):
    class Meta:
        model = Calendar
        fields = ["name", "base", "working_hours", "minutes_per_day"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            if "working_hours" in data:
                data["working_hours"] = calendar_working_hours_clean(data["working_hours"])
            calendar_base_clean(self.instance, data.get("base"))
        except ValidationFailed as exc:
            _raise_as_form_errors(self, exc)
        return data


class CalendarExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["name", "start_date", "end_date", "working", "hours"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start_date") and data.get("end_date"):
            try:
                data["hours"] = calendar_exception_clean(
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    working=bool(data.get("working")),
                    hours=data.get("hours"),
                )
            except ValidationFailed as exc:
                _raise_as_form_errors(self, exc)
        return data


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    form = CalendarExceptionForm
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    form = CalendarForm
    list_display = ["name", "base", "minutes_per_day", "updated_at"]
    search_fields = ["name"]
    inlines = [CalendarExceptionInline]

    def save_model(self, request: HttpRequest, obj: Calendar, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        else:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BusinessEvent)
class BusinessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "verb", "target_type", "target_id", "actor"]
    list_filter = ["verb", "target_type"]
    list_select_related = ["actor", "target_type"]
    search_fields = ["verb", "target_id"]
    date_hierarchy = "at"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the audit trail is not edited


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "author", "target_type", "target_id", "__str__"]
    list_filter = ["target_type"]
    list_select_related = ["author", "target_type"]
    search_fields = ["body", "author__username"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "original_name", "content_type", "size", "target_type", "target_id", "created_by"]
    list_filter = ["content_type", "target_type"]
    list_select_related = ["created_by", "target_type"]
    search_fields = ["original_name"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "verb", "actor", "target_type", "target_id", "read_at"]
    list_filter = ["verb"]
    list_select_related = ["user", "actor", "target_type"]
