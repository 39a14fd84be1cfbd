from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tripod.people.models import Person, Team


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "parent", "lead", "version")
    search_fields = ("name",)
    list_select_related = ("parent", "lead")
    readonly_fields = ("version", "created_at", "created_by", "updated_at", "updated_by")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "title", "team", "manager", "user", "capacity_hours_week", "version")
    list_filter = ("team",)
    search_fields = ("name", "title", "user__username", "user__email")
    list_select_related = ("team", "manager", "user")
    raw_id_fields = ("user", "manager")
    readonly_fields = ("version", "created_at", "created_by", "updated_at", "updated_by")
