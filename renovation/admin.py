"""Admin of the renovation app: every model; project-owned ones scoped to the staff's projects."""

from django.contrib import admin

from salesite.admin import ProjectScopedAdmin, StatusHistoryInline

from .models import (
    ApplicationDocument,
    CalendarDay,
    CompletionInspection,
    DepositLedgerEntry,
    DepositRefund,
    EntryConfirmation,
    FeeCharge,
    FeeItem,
    FeePayment,
    Fine,
    GovernmentApproval,
    HotWorkPermit,
    LectureAttendee,
    MaterialRefusal,
    MissedPatrol,
    PatrolRecord,
    RenovationAgreement,
    RenovationApplication,
    RenovationLecture,
    StatusChange,
    Violation,
    ViolationHistory,
    WorkerPass,
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    readonly_fields = ["source"]

    def save_model(self, request, obj, form, change):
        # A day saved in admin is the administrator's: the official loader leaves it alone.
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)


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


class StatusChangeInline(StatusHistoryInline):
    model = StatusChange


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
    list_filter = ["project", "approved_on"]
    search_fields = ["application__number", "document_number", "authority"]
    raw_id_fields = ["application", "recorded_by"]
    list_select_related = ["application__unit__building"]


@admin.register(StatusChange)
class StatusChangeAdmin(ProjectScopedAdmin):
    list_display = ["application", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["application__number"]
    raw_id_fields = ["application", "by"]
    list_select_related = ["application__unit__building", "by"]


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
    list_filter = ["project", "paid_at"]
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
    list_filter = ["project", "trade", "valid_until"]
    search_fields = ["pass_number", "name", "application__number"]
    raw_id_fields = ["application", "issued_by"]
    list_select_related = ["application__unit__building"]


@admin.register(EntryConfirmation)
class EntryConfirmationAdmin(ProjectScopedAdmin):
    list_display = ["application", "confirmed_on", "owner_signed", "confirmed_by"]
    list_filter = ["project", "owner_signed", "confirmed_on"]
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
    list_filter = ["project", "owner_consent", "no_damage_confirmed", "approved_at", "paid_at"]
    search_fields = ["application__number", "memo_number"]
    raw_id_fields = ["application", "approved_by", "cashier", "requested_by_user"]
    readonly_fields = ["deposit_amount", "fines_amount", "refund_amount", "approved_at", "paid_at"]
    list_select_related = ["application__unit__building"]


@admin.register(PatrolRecord)
class PatrolRecordAdmin(ProjectScopedAdmin):
    list_display = ["date", "application", "kind", "result", "patrolled_by", "project"]
    list_filter = ["kind", "result", "project"]
    search_fields = ["application__number", "application__unit__number", "findings"]
    raw_id_fields = ["application", "patrolled_by"]
    date_hierarchy = "date"
    list_select_related = ["application__unit__building", "patrolled_by", "project"]


@admin.register(MissedPatrol)
class MissedPatrolAdmin(ProjectScopedAdmin):
    list_display = ["date", "application", "kind", "flagged_at", "project"]
    list_filter = ["kind", "project"]
    search_fields = ["application__number", "application__unit__number"]
    raw_id_fields = ["application"]
    date_hierarchy = "date"
    list_select_related = ["application__unit__building", "project"]


class FineInline(admin.TabularInline):
    model = Fine
    extra = 0
    can_delete = False
    fields = ["amount", "reason", "state", "proposed_by", "decided_by", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ViolationHistoryInline(StatusHistoryInline):
    model = ViolationHistory


@admin.register(Violation)
class ViolationAdmin(ProjectScopedAdmin):
    list_display = [
        "found_at",
        "application",
        "severity",
        "state",
        "notice_number",
        "rectify_by",
        "project",
    ]
    list_filter = ["severity", "state", "project"]
    search_fields = ["application__number", "notice_number", "description"]
    raw_id_fields = ["application", "patrol", "found_by", "warned_by", "rechecked_by"]
    # The state moves only through the services (call order, signatures, re-check).
    readonly_fields = ["state", "owner_called_at", "contractor_called_at"]
    inlines = [FineInline, ViolationHistoryInline]
    list_select_related = ["application__unit__building", "project"]


@admin.register(Fine)
class FineAdmin(ProjectScopedAdmin):
    """Read-only: approval deducts from the deposit ledger through the service."""

    list_display = ["application", "amount", "reason", "state", "decided_by", "decided_at"]
    list_filter = ["state", "project"]
    search_fields = ["application__number", "reason"]
    list_select_related = ["application__unit__building", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HotWorkPermit)
class HotWorkPermitAdmin(ProjectScopedAdmin):
    list_display = ["application", "location", "starts_at", "ends_at", "fire_watcher", "state"]
    list_filter = ["state", "extinguisher_checked", "project"]
    search_fields = ["application__number", "location", "operator_name"]
    raw_id_fields = ["application", "requested_by", "decided_by"]
    readonly_fields = ["state", "decided_by", "decided_at"]
    list_select_related = ["application__unit__building"]


@admin.register(MaterialRefusal)
class MaterialRefusalAdmin(ProjectScopedAdmin):
    list_display = ["refused_at", "application", "material", "carrier", "refused_by"]
    list_filter = ["project"]
    search_fields = ["application__number", "material", "carrier"]
    raw_id_fields = ["application", "refused_by"]
    list_select_related = ["application__unit__building", "refused_by"]


@admin.register(CompletionInspection)
class CompletionInspectionAdmin(ProjectScopedAdmin):
    list_display = [
        "application",
        "round",
        "agreed_date",
        "state",
        "engineering_ok",
        "security_ok",
        "inspected_at",
    ]
    list_filter = ["state", "project"]
    search_fields = ["application__number", "problems"]
    raw_id_fields = ["application", "inspected_by", "scheduled_by"]
    readonly_fields = ["state", "inspected_at", "inspected_by"]
    date_hierarchy = "agreed_date"
    list_select_related = ["application__unit__building"]


class AttendeeInline(admin.TabularInline):
    model = LectureAttendee
    extra = 0
    raw_id_fields = ["unit", "customer"]
    exclude = ["project"]


@admin.register(RenovationLecture)
class RenovationLectureAdmin(ProjectScopedAdmin):
    list_display = ["held_on", "topic", "speaker", "project"]
    list_filter = ["project"]
    search_fields = ["topic", "speaker"]
    date_hierarchy = "held_on"
    raw_id_fields = ["created_by"]
    inlines = [AttendeeInline]
    list_select_related = ["project"]

    def save_formset(self, request, form, formset, change):
        for attendee in formset.save(commit=False):
            attendee.project_id = form.instance.project_id
            attendee.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(LectureAttendee)
class LectureAttendeeAdmin(ProjectScopedAdmin):
    list_display = ["lecture", "name", "unit", "added_at"]
    list_filter = ["project", "lecture"]
    search_fields = ["name", "lecture__topic", "unit__number"]
    raw_id_fields = ["lecture", "unit", "customer"]
    list_select_related = ["lecture", "unit__building"]
