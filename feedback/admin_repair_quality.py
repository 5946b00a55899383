"""Admin of repair quality (issue #16 items 5, 7, 8)."""

from django.contrib import admin

from salesite.admin import ProjectScopedAdmin

from . import models


@admin.register(models.RepairQualitySetting)
class RepairQualitySettingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "repeat_window_days", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class AssessmentInline(admin.TabularInline):
    model = models.SupervisorAssessment
    extra = 0
    readonly_fields = ["assessed_by"]


class TrainingInline(admin.TabularInline):
    model = models.MonthlyTraining
    extra = 0
    readonly_fields = ["recorded_by"]


@admin.register(models.SupervisorProfile)
class SupervisorProfileAdmin(ProjectScopedAdmin):
    list_display = ["user", "project", "grade", "assessed_on", "is_active"]
    list_filter = ["grade", "is_active", "project"]
    search_fields = ["user__username", "user__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "project"]
    inlines = [AssessmentInline, TrainingInline]


@admin.register(models.SupervisorAssessment)
class SupervisorAssessmentAdmin(ProjectScopedAdmin):
    project_lookup = "supervisor__project"
    list_display = ["supervisor", "grade", "assessed_on", "assessed_by"]
    list_filter = ["grade", "supervisor__project"]
    search_fields = ["supervisor__user__username", "supervisor__user__name", "note"]
    date_hierarchy = "assessed_on"
    raw_id_fields = ["supervisor"]


@admin.register(models.MonthlyTraining)
class MonthlyTrainingAdmin(ProjectScopedAdmin):
    project_lookup = "supervisor__project"
    list_display = ["supervisor", "month", "topic", "exam_score"]
    list_filter = ["month", "supervisor__project"]
    search_fields = ["topic", "supervisor__user__username", "supervisor__user__name"]
    raw_id_fields = ["supervisor"]


class LibraryEntryAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "author", "tags", "submitted_at"]
    list_filter = ["project"]
    search_fields = ["title", "problem", "cause", "fix", "tags"]
    date_hierarchy = "submitted_at"
    raw_id_fields = ["source_case", "author"]
    list_select_related = ["project", "author"]


admin.site.register(models.RepairCaseEntry, LibraryEntryAdmin)
admin.site.register(models.DesignCaseEntry, LibraryEntryAdmin)


@admin.register(models.YearlyTarget)
class YearlyTargetAdmin(ProjectScopedAdmin):
    list_display = [
        "project",
        "year",
        "product_target",
        "engineering_target",
        "design_target",
        "experience_target",
        "sales_target",
        "customer_service_target",
        "property_service_target",
    ]
    list_filter = ["year", "project"]
    search_fields = ["project__name", "note"]
