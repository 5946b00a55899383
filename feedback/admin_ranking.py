"""Admin of the contractor ranking (issue #16 item 4): the weights (one row), the decisions and
the introduction records."""

from django.contrib import admin

from . import models


@admin.register(models.RankingWeights)
class RankingWeightsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "w_satisfaction",
        "w_on_time",
        "w_first_fix",
        "w_complaints",
        "w_competition",
        "w_evaluation",
        "complaint_penalty",
        "min_repairs",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.RankingDecision)
class RankingDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "contractor",
        "company",
        "project",
        "year",
        "quarter",
        "rank",
        "total",
        "decision",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["decision", "year", "quarter", "company"]
    search_fields = ["contractor__name", "reason"]
    list_select_related = ["contractor", "company", "project", "decided_by"]
    readonly_fields = ["decided_by", "decided_at"]
    date_hierarchy = "decided_at"


@admin.register(models.ContractorIntroduction)
class ContractorIntroductionAdmin(admin.ModelAdmin):
    list_display = ["contractor", "company", "replaces", "introduced_on", "introduced_by"]
    list_filter = ["company", "introduced_on"]
    search_fields = ["contractor__name", "replaces__name", "reason"]
    list_select_related = ["contractor", "company", "replaces", "introduced_by"]
    readonly_fields = ["introduced_by"]
    autocomplete_fields = ["contractor", "replaces"]
