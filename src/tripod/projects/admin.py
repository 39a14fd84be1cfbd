from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tripod.projects.models import Project, ProjectMember


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    fields = ("user", "joined_at")
    readonly_fields = ("joined_at",)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "client", "pm", "phase", "start", "target_finish", "version")
    list_filter = ("phase",)
    search_fields = ("code", "name", "client__name")
    list_select_related = ("client", "pm")
    readonly_fields = ("version", "created_at", "created_by", "updated_at", "updated_by")
    inlines = [ProjectMemberInline]
