"""Admin of the contractor register (issue #16); imported by ``salesite.admin``."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin

from salesite import access
from salesite.admin import ProjectScopedAdmin, StatusHistoryInline
from salesite.models import (
    CompetitionScore,
    Contractor,
    ContractorDocument,
    ContractorStatusChange,
    ContractorTraining,
    LeadEvaluation,
    SkillCompetition,
)


class ContractorStatusChangeInline(StatusHistoryInline):
    model = ContractorStatusChange


class ContractorDocumentInline(admin.TabularInline):
    model = ContractorDocument
    extra = 0
    fields = ["project", "kind", "title", "number", "valid_until"]


@admin.register(Contractor)
class ContractorAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "company",
        "status",
        "trade",
        "tech_lead_name",
        "tech_lead_phone",
        "contract_start",
        "contract_end",
    ]
    list_filter = ["status", "company", "projects"]
    search_fields = ["name", "credit_code", "tech_lead_name", "contact_name"]
    filter_horizontal = ["projects"]
    readonly_fields = ["status"]  # moved through the register's status action (history)
    inlines = [ContractorDocumentInline, ContractorStatusChangeInline]
    show_auditlog_history_link = True

    def get_queryset(self, request):
        return Contractor.objects.visible_to(request.user)


@admin.register(ContractorDocument)
class ContractorDocumentAdmin(ProjectScopedAdmin):
    list_display = [
        "title",
        "contractor",
        "kind",
        "number",
        "valid_until",
        "reminded_for",
        "project",
    ]
    list_filter = ["kind", "valid_until", "project"]
    search_fields = ["title", "number", "contractor__name"]
    date_hierarchy = "valid_until"


@admin.register(ContractorTraining)
class ContractorTrainingAdmin(ProjectScopedAdmin):
    list_display = ["contractor", "held_on", "trainee_count", "acknowledgement_signed", "project"]
    list_filter = ["acknowledgement_signed", "held_on", "project"]
    search_fields = ["contractor__name", "trainees", "trainer"]


@admin.register(LeadEvaluation)
class LeadEvaluationAdmin(ProjectScopedAdmin):
    list_display = ["contractor", "year", "quarter", "lead_name", "score", "passed", "project"]
    list_filter = ["year", "quarter", "passed", "project"]
    search_fields = ["contractor__name", "lead_name", "replaced_by_name"]


class CompetitionScoreInline(admin.TabularInline):
    model = CompetitionScore
    extra = 0
    autocomplete_fields = ["contractor"]


@admin.register(SkillCompetition)
class SkillCompetitionAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["title", "company", "held_on", "published_at"]
    list_filter = ["company", "held_on"]
    search_fields = ["title", "venue"]
    inlines = [CompetitionScoreInline]
    show_auditlog_history_link = True

    def get_queryset(self, request):
        return SkillCompetition.objects.visible_to(request.user)


@admin.register(CompetitionScore)
class CompetitionScoreAdmin(admin.ModelAdmin):
    list_display = ["competition", "contractor", "score"]
    list_filter = ["competition__company", "competition__held_on"]
    search_fields = ["contractor__name", "competition__title"]

    def get_queryset(self, request):
        ids = access.visible_project_ids(request.user)
        qs = super().get_queryset(request).select_related("competition", "contractor")
        if ids is None:
            return qs
        return qs.filter(competition__in=SkillCompetition.objects.visible_to(request.user))


@admin.register(ContractorStatusChange)
class ContractorStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["contractor", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status", "at"]
    search_fields = ["contractor__name", "note"]
    readonly_fields = ["contractor", "from_status", "to_status", "by", "at", "note"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(contractor__in=Contractor.objects.visible_to(request.user))
        )
