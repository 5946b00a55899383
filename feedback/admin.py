"""Admin of the feedback app: every model; project-owned ones scoped to the staff's projects."""

from django.contrib import admin

from salesite.admin import ProjectScopedAdmin

from . import models


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
class CaseAdmin(ProjectScopedAdmin):
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


@admin.register(models.Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "rule"]
    list_filter = ["rule"]
    search_fields = ["name"]
    inlines = [QuestionInline]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "kind", "order", "is_active"]
    list_filter = ["questionnaire", "kind", "is_active"]
    search_fields = ["text"]


class AttemptInline(admin.TabularInline):
    model = models.CallbackAttempt
    extra = 0


@admin.register(models.CallbackTask)
class CallbackTaskAdmin(ProjectScopedAdmin):
    list_display = ["customer", "project", "rule", "due_date", "assigned_to", "status", "score"]
    list_filter = ["rule", "status", "dissatisfied", "project"]
    search_fields = ["customer__name", "source_key"]
    raw_id_fields = ["customer", "case", "assigned_to"]
    date_hierarchy = "due_date"
    inlines = [AttemptInline]
    list_select_related = ["customer", "project", "assigned_to"]


@admin.register(models.CallbackAttempt)
class CallbackAttemptAdmin(ProjectScopedAdmin):
    project_lookup = "task__project"
    list_display = ["task", "at", "outcome", "channel", "by"]
    list_filter = ["outcome", "channel"]
    search_fields = ["task__customer__name", "note"]
    raw_id_fields = ["task"]


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
    list_display = ["code", "step", "name", "order", "per_project"]
    list_filter = ["step", "per_project"]
    search_fields = ["code", "name"]


@admin.register(models.CustomerStepRecord)
class CustomerStepRecordAdmin(ProjectScopedAdmin):
    list_display = ["customer", "action", "done_on", "source", "project"]
    list_filter = ["action__step", "project"]
    search_fields = ["customer__name", "source"]
    raw_id_fields = ["customer"]


@admin.register(models.ProjectStepRecord)
class ProjectStepRecordAdmin(ProjectScopedAdmin):
    list_display = ["project", "action", "done_on", "note"]
    list_filter = ["project"]
    search_fields = ["note"]


@admin.register(models.QuarterlyAssessment)
class QuarterlyAssessmentAdmin(ProjectScopedAdmin):
    list_display = [
        "project",
        "year",
        "quarter",
        "site_check_score",
        "mystery_visit_score",
        "entered_by",
    ]
    list_filter = ["year", "quarter", "project"]
    search_fields = ["project__name", "note"]
    raw_id_fields = ["entered_by"]


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
class AmbassadorPatrolAdmin(ProjectScopedAdmin):
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
