"""Admin of the feedback app: every model; project-owned ones scoped to the staff's projects."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from salesite.admin import ProjectScopedAdmin
from salesite.admin_options import OptionFieldsMixin

from . import (  # noqa: F401 (the other admin modules register their models)
    admin_categories,
    admin_ranking,
    admin_repair_quality,
    models,
    services,
)


class CaseEventInline(admin.TabularInline):
    model = models.CaseEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]
    can_delete = False


class BreachInline(admin.TabularInline):
    model = models.DeadlineBreach
    extra = 0
    readonly_fields = ["kind", "due_at", "detected_at", "notified", "project"]
    can_delete = False


@admin.register(models.Case)
class CaseAdmin(OptionFieldsMixin, ProjectScopedAdmin):
    option_fields = {"complaint_category": models.ComplaintCategoryOption}
    list_display = ["number", "project", "kind", "subject", "status", "received_at", "is_major"]
    list_filter = ["kind", "status", "complaint_category", "is_major", "project"]
    search_fields = ["subject", "walk_in_name", "contact_phone", "customer__name"]
    raw_id_fields = ["customer", "unit", "building", "source_callback"]
    date_hierarchy = "received_at"
    inlines = [CaseEventInline, BreachInline]
    list_select_related = ["project"]


@admin.register(models.CaseEvent)
class CaseEventAdmin(ProjectScopedAdmin):
    project_lookup = "case__project"
    list_display = ["case", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["case__subject", "note"]
    raw_id_fields = ["case"]


@admin.register(models.DeadlineBreach)
class DeadlineBreachAdmin(ProjectScopedAdmin):
    list_display = ["case", "project", "kind", "due_at", "detected_at", "notified"]
    list_filter = ["kind", "notified", "project"]
    search_fields = ["case__subject"]
    raw_id_fields = ["case"]


@admin.register(models.AmbassadorAssignment)
class AmbassadorAssignmentAdmin(ProjectScopedAdmin):
    list_display = ["user", "project", "building", "area", "is_active"]
    list_filter = ["is_active", "project"]
    search_fields = ["user__username", "user__name", "area"]
    raw_id_fields = ["user", "building"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new ambassador of open repairs: their owners get the repair card again (#16).
        services.repair_cards_refresh(project_id=obj.project_id)


@admin.register(models.HandoverFact)
class HandoverFactAdmin(ProjectScopedAdmin):
    list_display = ["customer", "unit", "project", "handover_date"]
    list_filter = ["project"]
    search_fields = ["customer__name", "unit__number"]
    raw_id_fields = ["customer", "unit"]
    date_hierarchy = "handover_date"


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 1


class QuestionnaireInline(admin.StackedInline):
    model = models.Questionnaire
    extra = 0
    max_num = 1
    fields = ["name", "questions_link"]
    readonly_fields = ["questions_link"]
    verbose_name = _("问卷")

    @admin.display(description=_("问题"))
    def questions_link(self, obj):
        if not obj.pk:
            return _("保存后可编辑问题")
        url = reverse("admin:feedback_questionnaire_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("编辑问卷的问题"))


@admin.register(models.CallbackRule)
class CallbackRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "trigger",
        "offset_display",
        "channel",
        "role",
        "max_attempts",
        "is_active",
        "order",
    ]
    list_filter = ["trigger", "channel", "is_active", "role"]
    list_editable = ["is_active", "order"]
    search_fields = ["code", "name", "help_text"]
    list_select_related = ["role"]
    inlines = [QuestionnaireInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "is_active", "order"]}),
        (
            _("何时回访"),
            {
                "fields": ["trigger", "offset_value", "offset_unit"],
                "description": _(
                    "回访任务的期限 = 触发时刻 + 偏移。按日期的规则由每日任务提前一周生成；"
                    "新增或启用的规则在下一次运行时生成近期（两个月内）到期的任务，且只生成一次。"
                ),
            },
        ),
        (_("如何回访"), {"fields": ["channel", "role", "max_attempts"]}),
        (_("说明"), {"fields": ["help_text"]}),
    ]

    @admin.display(description=_("偏移"), ordering="offset_value")
    def offset_display(self, obj):
        return f"{obj.offset_value} {obj.get_offset_unit_display()}"

    def get_readonly_fields(self, request, obj=None):
        # Tasks point at the rule by its code: it is fixed once the rule exists.
        return ["code"] if obj else []


@admin.register(models.Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "rule"]
    list_filter = ["rule__trigger", "rule__channel", "rule__is_active"]
    search_fields = ["name", "rule__name", "rule__code"]
    list_select_related = ["rule"]
    inlines = [QuestionInline]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "questionnaire",
        "kind",
        "dimension",
        "rates_contractor",
        "order",
        "is_active",
    ]
    list_filter = ["questionnaire", "kind", "dimension", "rates_contractor", "is_active"]
    search_fields = ["text"]


class AttemptInline(admin.TabularInline):
    model = models.CallbackAttempt
    extra = 0


class ReassignmentInline(admin.TabularInline):
    """The task's reassignments made on the staff pages (read only)."""

    model = models.CallbackReassignment
    extra = 0
    readonly_fields = ["at", "from_user", "to_user", "by", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.CallbackTask)
class CallbackTaskAdmin(ProjectScopedAdmin):
    list_display = ["customer", "project", "rule", "due_date", "assigned_to", "status", "score"]
    list_filter = ["rule", "status", "dissatisfied", "project"]
    search_fields = ["customer__name", "source_key"]
    raw_id_fields = ["customer", "case", "assigned_to"]
    date_hierarchy = "due_date"
    inlines = [AttemptInline, ReassignmentInline]
    list_select_related = ["customer", "project", "assigned_to", "rule"]


@admin.register(models.CallbackAttempt)
class CallbackAttemptAdmin(ProjectScopedAdmin):
    project_lookup = "task__project"
    list_display = ["task", "at", "outcome", "channel", "by"]
    list_filter = ["outcome", "channel"]
    search_fields = ["task__customer__name", "note"]
    raw_id_fields = ["task"]


@admin.register(models.CallbackReassignment)
class CallbackReassignmentAdmin(ProjectScopedAdmin):
    """The history of reassignments made on the staff pages (feedback.services
    .callback_reassign); kept as it was, never edited here."""

    project_lookup = "task__project"
    list_display = ["task", "from_user", "to_user", "by", "at", "reason"]
    list_filter = ["at", "task__project", "task__rule"]
    search_fields = [
        "task__customer__name",
        "reason",
        "to_user__username",
        "to_user__last_name",
        "from_user__username",
        "from_user__last_name",
    ]
    raw_id_fields = ["task", "from_user", "to_user", "by"]
    date_hierarchy = "at"
    list_select_related = ["task__customer", "task__rule", "from_user", "to_user", "by"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.SurveyLink)
class SurveyLinkAdmin(ProjectScopedAdmin):
    """Links are created by "发送问卷链接" (feedback.services.send_survey_link), never here;
    the token itself is not stored, only its hash."""

    project_lookup = "task__project"
    list_display = ["task", "sent_to", "created_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["task__rule", "task__project"]
    search_fields = ["task__customer__name", "sent_to"]
    raw_id_fields = ["task", "created_by"]
    readonly_fields = ["created_at", "expires_at", "used_at", "sent_to"]
    exclude = ["token_hash"]
    date_hierarchy = "created_at"
    list_select_related = ["task__customer"]

    def has_add_permission(self, request):
        return False


@admin.register(models.StepAction)
class StepActionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "step",
        "name",
        "order",
        "per_project",
        "anchor",
        "offset_months",
        "offset_days",
        "responsible_role",
    ]
    list_filter = ["step", "per_project", "anchor"]
    list_editable = ["anchor", "offset_months", "offset_days", "responsible_role"]
    search_fields = ["code", "name"]


@admin.register(models.CustomerStepRecord)
class CustomerStepRecordAdmin(ProjectScopedAdmin):
    list_display = ["customer", "action", "done_on", "channel", "recorded_by", "source", "project"]
    list_filter = ["action__step", "channel", "project"]
    search_fields = ["customer__name", "source", "note"]
    raw_id_fields = ["customer", "recorded_by"]
    list_select_related = ["customer", "action", "recorded_by", "project"]


@admin.register(models.ProjectStepRecord)
class ProjectStepRecordAdmin(ProjectScopedAdmin):
    list_display = ["project", "action", "done_on", "recorded_by", "note"]
    list_filter = ["project"]
    raw_id_fields = ["recorded_by"]
    search_fields = ["note"]


class ChecklistLineInline(admin.TabularInline):
    model = models.AssessmentChecklistLine
    extra = 0
    fields = ["item", "indicator", "points", "score", "proposed_score", "proposal_basis", "note"]
    readonly_fields = ["item", "indicator", "points", "proposed_score", "proposal_basis"]
    can_delete = False


@admin.register(models.QuarterlyAssessment)
class QuarterlyAssessmentAdmin(ProjectScopedAdmin):
    list_display = [
        "project",
        "year",
        "quarter",
        "status",
        "submitted_by",
        "submitted_at",
        "bsc_total",
    ]
    list_filter = ["year", "quarter", "status", "project"]
    search_fields = ["project__name", "note", "bsc_note"]
    raw_id_fields = ["entered_by", "submitted_by", "bsc_by"]
    # Workflow fields change through the staff pages (submit, reopen, BSC result).
    readonly_fields = [
        "status",
        "submitted_at",
        "submitted_by",
        "bsc_by",
        "bsc_at",
        "site_check_score",
        "mystery_visit_score",
    ]
    inlines = [ChecklistLineInline]
    list_select_related = ["project", "submitted_by"]


@admin.register(models.AssessmentChecklistItem)
class AssessmentChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["text", "indicator", "step", "action", "points", "proposal", "active", "order"]
    list_filter = ["indicator", "step", "proposal", "active"]
    list_editable = ["points", "active", "order"]
    search_fields = ["text"]
    list_select_related = ["action"]


@admin.register(models.AssessmentChecklistLine)
class AssessmentChecklistLineAdmin(ProjectScopedAdmin):
    project_lookup = "assessment__project"
    list_display = ["assessment", "item", "indicator", "points", "score", "proposed_score"]
    list_filter = ["indicator", "assessment__year", "assessment__quarter"]
    search_fields = ["item__text", "note", "assessment__project__name"]
    raw_id_fields = ["assessment", "item"]
    list_select_related = ["assessment__project", "item"]


class WarrantyReportInline(admin.TabularInline):
    model = models.WarrantyReport
    extra = 0
    raw_id_fields = ["customer", "unit", "recorded_by"]
    fields = ["customer", "unit", "description", "reported_on", "status", "response_due"]


@admin.register(models.WarrantyItem)
class WarrantyItemAdmin(ProjectScopedAdmin):
    list_display = ["name", "project", "building", "responsible_unit", "ends_on", "notice_sent_on"]
    list_filter = ["project"]
    search_fields = ["name", "responsible_unit"]
    raw_id_fields = ["building"]
    date_hierarchy = "ends_on"
    inlines = [WarrantyReportInline]
    list_select_related = ["project", "building"]


@admin.register(models.WarrantyNotice)
class WarrantyNoticeAdmin(ProjectScopedAdmin):
    list_display = ["item", "customer", "project", "sent_on", "by_email"]
    list_filter = ["by_email", "project"]
    search_fields = ["customer__name", "item__name"]
    raw_id_fields = ["item", "customer"]


@admin.register(models.WarrantyNoticeChannel)
class WarrantyNoticeChannelAdmin(ProjectScopedAdmin):
    list_display = ["item", "channel", "project", "done_at", "done_by", "reached", "recorded_by"]
    list_filter = ["channel", "reached", "project"]
    search_fields = ["item__name", "note", "done_by__username", "done_by__first_name"]
    raw_id_fields = ["item", "done_by", "recorded_by"]
    date_hierarchy = "done_at"
    list_select_related = ["item", "project", "done_by", "recorded_by"]


@admin.register(models.WarrantyReport)
class WarrantyReportAdmin(ProjectScopedAdmin):
    list_display = ["item", "customer", "project", "reported_on", "status", "response_due"]
    list_filter = ["status", "project"]
    search_fields = ["description", "customer__name", "item__name"]
    raw_id_fields = ["item", "customer", "unit", "recorded_by"]


@admin.register(models.Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "month", "day", "greeting", "is_active", "source"]
    list_filter = ["is_active", "source", "year"]
    list_editable = ["month", "day", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["source"]

    def save_model(self, request, obj, form, change):
        # A holiday saved in admin is the administrator's: the official loader leaves it alone.
        obj.source = models.Holiday.Source.MANUAL
        super().save_model(request, obj, form, change)


@admin.register(models.Greeting)
class GreetingAdmin(ProjectScopedAdmin):
    list_display = ["customer", "kind", "key", "sent_on", "project"]
    list_filter = ["kind", "project"]
    search_fields = ["customer__name", "key"]
    raw_id_fields = ["customer"]


class ClubEventAttendeeInline(admin.TabularInline):
    model = models.ClubEventAttendee
    extra = 0
    raw_id_fields = ["customer"]


@admin.register(models.ClubEvent)
class ClubEventAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "starts_at", "place", "capacity"]
    list_filter = ["project"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    inlines = [ClubEventAttendeeInline]


@admin.register(models.ClubEventAttendee)
class ClubEventAttendeeAdmin(ProjectScopedAdmin):
    project_lookup = "event__project"
    list_display = ["event", "customer", "attended", "registered_at"]
    list_filter = ["attended"]
    search_fields = ["customer__name", "event__title"]
    raw_id_fields = ["event", "customer"]


@admin.register(models.AmbassadorPatrol)
class AmbassadorPatrolAdmin(OptionFieldsMixin, ProjectScopedAdmin):
    option_fields = {"category": models.DefectCategoryOption}
    list_display = ["patrolled_on", "project", "ambassador", "building", "area", "category"]
    list_filter = ["category", "project"]
    search_fields = ["finding", "area"]
    raw_id_fields = ["ambassador", "building"]
    date_hierarchy = "patrolled_on"


@admin.register(models.RewardRule)
class RewardRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "discount_percent", "fee_waiver_months", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(models.Referral)
class ReferralAdmin(ProjectScopedAdmin):
    list_display = ["referrer", "referred_name", "project", "status", "signed_on", "reward"]
    list_filter = ["status", "project"]
    search_fields = ["referrer__name", "referred_name", "referred_phone"]
    raw_id_fields = ["referrer", "purchase"]


@admin.register(models.RepeatPurchase)
class RepeatPurchaseAdmin(ProjectScopedAdmin):
    list_display = ["purchase", "previous_purchase", "project", "discount_percent", "reward"]
    list_filter = ["project"]
    search_fields = ["purchase__customer__name"]
    raw_id_fields = ["purchase", "previous_purchase"]
