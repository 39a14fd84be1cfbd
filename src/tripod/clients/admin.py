from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tripod.clients.models import Client, Contact, PortalUser


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "title", "email", "phone", "role_in_decision_chain", "reports_to")
    show_change_link = True


@admin.register(Client)
class ClientAdmin(SimpleHistoryAdmin):
    list_display = ("name", "industry", "tier", "status", "owner_am", "version", "updated_at")
    list_filter = ("status", "tier")
    search_fields = ("name", "industry")
    list_select_related = ("owner_am",)
    filter_horizontal = ("account_team",)
    readonly_fields = ("version", "created_at", "created_by", "updated_at", "updated_by")
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "client", "title", "role_in_decision_chain", "email")
    list_filter = ("role_in_decision_chain",)
    search_fields = ("name", "email", "client__name")
    list_select_related = ("client",)
    readonly_fields = ("version", "created_at", "created_by", "updated_at", "updated_by")


@admin.register(PortalUser)
class PortalUserAdmin(admin.ModelAdmin):
    list_display = ("user", "client", "contact")
    search_fields = ("user__username", "user__email", "client__name")
    list_select_related = ("user", "client", "contact")
