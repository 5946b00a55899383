"""Django admin of sales-site operations: configuration (shifts, service catalogue, inspection
checklists with their items and maximum scores) and the project rows, scoped to the staff
user's projects through ProjectScopedAdmin."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin
from django.db.models import Q

from operations.models import (
    EventChecklistItem,
    EventHistory,
    Inspection,
    InspectionChecklist,
    InspectionItem,
    InspectionScore,
    MarketingEvent,
    RectificationHistory,
    RectificationItem,
    RosterEntry,
    ServiceCategory,
    ServicePlan,
    ServicePlanHistory,
    ServicePlanService,
    ServicePost,
    ServiceType,
    Shift,
    SiteArea,
    TrainingAttendance,
    TrainingSession,
)
from salesite import access
from salesite.admin import ProjectScopedAdmin, StatusHistoryInline


class SharedOrProjectAdmin(ProjectScopedAdmin):
    """Rows without a project (shared by every project) are visible to every staff user."""

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        ids = access.visible_project_ids(request.user)
        if ids is None:
            return qs
        return qs.filter(Q(project__isnull=True) | Q(project__in=ids))


class ServicePostInline(admin.TabularInline):
    model = ServicePost
    extra = 0
    fields = ["name", "headcount", "is_active", "order"]
    show_change_link = True


@admin.register(SiteArea)
class SiteAreaAdmin(ProjectScopedAdmin):
    list_display = ["name", "project", "kind", "order"]
    list_filter = ["kind", "project"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    inlines = [ServicePostInline]


@admin.register(ServicePost)
class ServicePostAdmin(ProjectScopedAdmin):
    list_display = ["name", "area", "project", "headcount", "is_active"]
    list_filter = ["is_active", "project"]
    search_fields = ["name", "area__name"]
    list_select_related = ["area", "project"]
    filter_horizontal = ["shifts"]


@admin.register(Shift)
class ShiftAdmin(SharedOrProjectAdmin):
    list_display = ["name", "project", "start", "end", "order"]
    list_filter = ["project"]
    search_fields = ["name"]


@admin.register(RosterEntry)
class RosterEntryAdmin(ProjectScopedAdmin):
    list_display = ["date", "post", "shift", "user", "project"]
    list_filter = ["date", "project", "shift"]
    search_fields = ["user__name", "user__username", "post__name"]
    list_select_related = ["post__area", "shift", "user", "project"]
    raw_id_fields = ["post", "user"]
    date_hierarchy = "date"


class ServiceTypeInline(admin.TabularInline):
    model = ServiceType
    extra = 0
    fields = ["name", "project", "is_active", "order"]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_filter = ["types__is_active"]
    search_fields = ["name", "code", "description"]
    inlines = [ServiceTypeInline]


@admin.register(ServiceType)
class ServiceTypeAdmin(SharedOrProjectAdmin):
    list_display = ["name", "category", "project", "is_active", "order"]
    list_filter = ["category", "is_active", "project"]
    search_fields = ["name", "description"]
    list_select_related = ["category", "project"]


class ServicePlanServiceInline(admin.TabularInline):
    model = ServicePlanService
    extra = 0


class ServicePlanHistoryInline(StatusHistoryInline):
    model = ServicePlanHistory


@admin.register(ServicePlan)
class ServicePlanAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "version", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "project"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]
    # Status moves only through the workflow (and filed versions are immutable).
    readonly_fields = [
        "status",
        "version",
        "revised_from",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    ]
    inlines = [ServicePlanServiceInline, ServicePlanHistoryInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == "filed":
            return False
        return super().has_delete_permission(request, obj)


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["user"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ProjectScopedAdmin):
    list_display = ["date", "topic", "kind", "project", "trainer"]
    list_filter = ["kind", "project"]
    search_fields = ["topic", "content"]
    list_select_related = ["project", "trainer"]
    raw_id_fields = ["trainer"]
    inlines = [TrainingAttendanceInline]
    date_hierarchy = "date"


class EventChecklistInline(admin.TabularInline):
    model = EventChecklistItem
    extra = 0
    readonly_fields = ["done_by", "done_at"]


class EventHistoryInline(StatusHistoryInline):
    model = EventHistory


@admin.register(MarketingEvent)
class MarketingEventAdmin(ProjectScopedAdmin):
    list_display = ["title", "kind", "project", "starts_at", "status", "visitor_count", "rating"]
    list_filter = ["kind", "status", "project"]
    search_fields = ["title", "place"]
    list_select_related = ["project"]
    readonly_fields = ["status", "closed_by", "closed_at"]
    filter_horizontal = ["staff"]
    inlines = [EventChecklistInline, EventHistoryInline]


class InspectionItemInline(admin.TabularInline):
    model = InspectionItem
    extra = 1
    fields = ["category", "text", "max_score", "order"]


@admin.register(InspectionChecklist)
class InspectionChecklistAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [InspectionItemInline]
    show_auditlog_history_link = True


class InspectionScoreInline(admin.TabularInline):
    model = InspectionScore
    extra = 0
    fields = ["item", "score", "note"]
    readonly_fields = ["item"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ProjectScopedAdmin):
    list_display = ["project", "date", "checklist", "inspector", "status", "total_score"]
    list_filter = ["status", "project", "checklist"]
    search_fields = ["checklist__name", "inspector__name", "inspector__username", "summary"]
    list_select_related = ["project", "checklist", "inspector"]
    readonly_fields = ["status", "total_score", "max_total", "completed_at"]
    raw_id_fields = ["inspector"]
    inlines = [InspectionScoreInline]
    date_hierarchy = "date"


class RectificationHistoryInline(StatusHistoryInline):
    model = RectificationHistory


@admin.register(RectificationItem)
class RectificationItemAdmin(ProjectScopedAdmin):
    list_display = ["__str__", "project", "owner", "deadline", "status"]
    list_filter = ["status", "project"]
    search_fields = ["description"]
    list_select_related = ["project", "owner"]
    readonly_fields = ["inspection", "score", "status", "done_at", "verified_by", "verified_at"]
    raw_id_fields = ["owner"]
    date_hierarchy = "deadline"
    inlines = [RectificationHistoryInline]
