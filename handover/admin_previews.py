"""Django admin of preview findings (R-HO-1) and the before/after tags of photos (R-HO-2)."""

from django.contrib import admin

from salesite.admin import ProjectScopedAdmin, StatusHistoryInline

from . import models


class PreviewFindingHistoryInline(StatusHistoryInline):
    model = models.PreviewFindingHistory


@admin.register(models.PreviewFinding)
class PreviewFindingAdmin(ProjectScopedAdmin):
    list_display = [
        "unit",
        "batch",
        "category",
        "location",
        "responsible_unit",
        "assignee",
        "deadline",
        "status",
    ]
    list_filter = ["status", "category", "project"]
    search_fields = ["unit__number", "location", "description", "responsible_unit"]
    list_select_related = ["unit__building", "batch", "assignee"]
    raw_id_fields = ["batch", "milestone", "unit", "customer", "assignee", "created_by"]
    date_hierarchy = "deadline"
    inlines = [PreviewFindingHistoryInline]


@admin.register(models.PhotoTag)
class PhotoTagAdmin(ProjectScopedAdmin):
    project_lookup = "attachment__project"
    list_display = ["attachment", "role"]
    list_filter = ["role"]
    search_fields = ["attachment__original_name"]
    raw_id_fields = ["attachment"]
