from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tripod.clients.models import (
    AccountPlan,
    BillingMilestone,
    BusinessLine,
    Client,
    Contact,
    Contract,
    FollowUp,
    Interaction,
    Opportunity,
    PortalUser,
    SlaPolicy,
    SlaTarget,
    Survey,
    SurveyInvitation,
    Ticket,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = (
        "name",
        "title",
        "email",
        "phone",
        "role_in_decision_chain",
        "reports_to",
        "influence",
        "attitude",
        "active",
    )
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


TRACKED = ("version", "created_at", "created_by", "updated_at", "updated_by")


@admin.register(BusinessLine)
class BusinessLineAdmin(SimpleHistoryAdmin):
    search_fields = ("name",)
    readonly_fields = TRACKED


@admin.register(Interaction)
class InteractionAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "client", "kind", "at")
    list_filter = ("kind",)
    search_fields = ("subject", "client__name")
    list_select_related = ("client",)
    readonly_fields = TRACKED


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ("text", "client", "owner", "due", "done_at")
    list_select_related = ("client", "owner")
    readonly_fields = TRACKED


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    fields = ("severity", "first_response_minutes", "resolution_minutes")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "calendar", "is_default")
    readonly_fields = TRACKED
    inlines = [SlaTargetInline]


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "subject", "client", "severity", "status", "opened_at")
    list_filter = ("status", "severity")
    search_fields = ("subject", "client__name")
    list_select_related = ("client",)
    readonly_fields = TRACKED


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "client", "stage", "amount", "currency", "expected_close")
    list_filter = ("stage",)
    search_fields = ("name", "client__name")
    list_select_related = ("client",)
    readonly_fields = TRACKED


class BillingMilestoneInline(admin.TabularInline):
    model = BillingMilestone
    extra = 0
    fields = ("name", "amount", "due", "invoiced_at", "paid_at")


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "client", "status", "value", "currency", "renewal_date")
    list_filter = ("status", "renewal_status")
    search_fields = ("number", "title", "client__name")
    list_select_related = ("client",)
    readonly_fields = TRACKED
    inlines = [BillingMilestoneInline]


@admin.register(AccountPlan)
class AccountPlanAdmin(SimpleHistoryAdmin):
    list_display = ("client", "year", "quarter", "target_revenue", "currency")
    list_select_related = ("client",)
    readonly_fields = TRACKED


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "client", "kind", "trigger", "sent_at")
    list_filter = ("kind", "trigger")
    list_select_related = ("client",)
    readonly_fields = TRACKED


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(SimpleHistoryAdmin):
    list_display = ("survey", "contact", "sent_at", "answered_at")
    list_select_related = ("survey", "contact")
    readonly_fields = (*TRACKED, "token_hash")
