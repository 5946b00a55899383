"""Admin of the renovation app: every model; project-owned ones scoped to the staff's projects."""

from django.contrib import admin

from salesite.admin import ProjectScopedAdmin

from .models import (
    ApplicationDocument,
    CalendarDay,
    DepositLedgerEntry,
    DepositRefund,
    EntryConfirmation,
    FeeCharge,
    FeeItem,
    FeePayment,
    GovernmentApproval,
    RenovationAgreement,
    RenovationApplication,
    StatusChange,
    WorkerPass,
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ["kind", "received", "note", "checked_by", "checked_at"]
    readonly_fields = ["checked_by", "checked_at"]


class GovernmentApprovalInline(admin.TabularInline):
    model = GovernmentApproval
    extra = 0
    fields = ["authority", "document_number", "approved_on", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RenovationApplication)
class RenovationApplicationAdmin(ProjectScopedAdmin):
    list_display = [
        "number",
        "project",
        "unit",
        "owner_name",
        "contractor_name",
        "status",
        "review_due_at",
    ]
    list_filter = ["status", "project", "changes_fire", "changes_structure", "changes_gas"]
    search_fields = ["number", "owner_name", "contractor_name", "unit__number"]
    raw_id_fields = ["unit", "owner", "engineering_reviewer", "cs_reviewer", "created_by"]
    # The status moves only through the services (allowed transitions + history).
    readonly_fields = ["status", "project", "submitted_at", "review_due_at", "approved_at"]
    inlines = [DocumentInline, GovernmentApprovalInline, StatusChangeInline]
    list_select_related = ["project", "unit__building"]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(ProjectScopedAdmin):
    list_display = ["application", "kind", "received", "checked_by", "checked_at"]
    list_filter = ["kind", "received"]
    search_fields = ["application__number"]
    raw_id_fields = ["application", "checked_by"]
    list_select_related = ["application__unit__building"]


@admin.register(GovernmentApproval)
class GovernmentApprovalAdmin(ProjectScopedAdmin):
    list_display = ["application", "authority", "document_number", "approved_on"]
    search_fields = ["application__number", "document_number", "authority"]
    raw_id_fields = ["application", "recorded_by"]
    list_select_related = ["application__unit__building"]


@admin.register(StatusChange)
class StatusChangeAdmin(ProjectScopedAdmin):
    list_display = ["application", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["application__number"]
    raw_id_fields = ["application", "changed_by"]
    list_select_related = ["application__unit__building", "changed_by"]


@admin.register(RenovationAgreement)
class RenovationAgreementAdmin(ProjectScopedAdmin):
    list_display = ["application", "signed_by", "signer_name", "signed_on"]
    list_filter = ["signed_by"]
    search_fields = ["application__number", "signer_name"]
    raw_id_fields = ["application", "recorded_by"]
    list_select_related = ["application__unit__building"]


@admin.register(FeeItem)
class FeeItemAdmin(ProjectScopedAdmin):
    list_display = ["project", "kind", "basis", "rate", "is_active"]
    list_filter = ["kind", "basis", "is_active", "project"]
    search_fields = ["project__name", "note"]
    list_editable = ["rate", "is_active"]


class FeeChargeInline(admin.TabularInline):
    model = FeeCharge
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "basis", "quantity", "rate", "amount"]
    exclude = ["project"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FeePayment)
class FeePaymentAdmin(ProjectScopedAdmin):
    list_display = ["receipt_number", "application", "total", "deposit", "paid_at", "cashier"]
    search_fields = ["receipt_number", "application__number"]
    raw_id_fields = ["application", "cashier"]
    readonly_fields = ["total", "deposit", "paid_at", "project"]
    inlines = [FeeChargeInline]
    list_select_related = ["application__unit__building", "cashier"]


@admin.register(FeeCharge)
class FeeChargeAdmin(ProjectScopedAdmin):
    list_display = ["payment", "kind", "quantity", "rate", "amount"]
    list_filter = ["kind"]
    search_fields = ["payment__receipt_number"]
    raw_id_fields = ["payment"]


@admin.register(WorkerPass)
class WorkerPassAdmin(ProjectScopedAdmin):
    list_display = ["pass_number", "name", "application", "valid_from", "valid_until"]
    search_fields = ["pass_number", "name", "application__number"]
    raw_id_fields = ["application", "issued_by"]
    list_select_related = ["application__unit__building"]


@admin.register(EntryConfirmation)
class EntryConfirmationAdmin(ProjectScopedAdmin):
    list_display = ["application", "confirmed_on", "owner_signed", "confirmed_by"]
    search_fields = ["application__number"]
    raw_id_fields = ["application", "confirmed_by"]
    list_select_related = ["application__unit__building", "confirmed_by"]


@admin.register(DepositLedgerEntry)
class DepositLedgerEntryAdmin(ProjectScopedAdmin):
    """Read-only: ledger entries are only appended by the services, never edited."""

    list_display = [
        "application",
        "kind",
        "amount",
        "memo",
        "reference",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind"]
    search_fields = ["application__number", "reference", "memo"]
    list_select_related = ["application__unit__building", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DepositRefund)
class DepositRefundAdmin(ProjectScopedAdmin):
    list_display = [
        "application",
        "requested_on",
        "deposit_amount",
        "fines_amount",
        "unpaid_fees",
        "refund_amount",
        "approved_at",
        "paid_at",
    ]
    search_fields = ["application__number", "memo_number"]
    raw_id_fields = ["application", "approved_by", "cashier", "requested_by_user"]
    readonly_fields = ["deposit_amount", "fines_amount", "refund_amount", "approved_at", "paid_at"]
    list_select_related = ["application__unit__building"]
