"""Admin of the communication app: levels are configured here (R-COM-1); project-owned rows
are scoped to the staff user's projects."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from communication.models import (
    CommunicationLevel,
    CommunicationRecord,
    ComplianceBreach,
    MinutesRecipient,
    Problem,
    ProblemEvent,
)
from salesite.admin import ProjectScopedAdmin
from salesite.forms import PlausibleInputMixin
from salesite.models import MarketingPhase


class LevelForm(PlausibleInputMixin, forms.ModelForm):
    phases = forms.MultipleChoiceField(
        label=_("适用营销阶段"),
        choices=MarketingPhase.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=CommunicationLevel._meta.get_field("phases").help_text,
        error_messages={"required": _("请至少选择一个适用的营销阶段。")},
    )

    def clean_phases(self):
        chosen = set(self.cleaned_data["phases"])
        return [value for value in MarketingPhase.values if value in chosen]  # stable order


@admin.register(CommunicationLevel)
class CommunicationLevelAdmin(admin.ModelAdmin):
    form = LevelForm
    list_display = [
        "name",
        "code",
        "kind",
        "period",
        "min_count",
        "output",
        "rank",
        "property_role",
        "developer_role",
        "reminder_time",
        "phases_label",
        "is_active",
    ]
    list_filter = ["kind", "period", "output", "is_active"]
    list_editable = ["min_count", "is_active"]
    search_fields = ["name", "code"]
    filter_horizontal = ["recorder_roles"]

    @admin.display(description=_("适用营销阶段"))
    def phases_label(self, obj):
        labels = dict(MarketingPhase.choices)
        return "、".join(str(labels.get(p, p)) for p in obj.phases or [])

    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "is_active"]}),
        (
            _("参加与职责"),
            {"fields": ["property_role", "developer_role", "recorder_roles", "participants_note"]},
        ),
        (
            _("频次与输出"),
            {
                "fields": [
                    "period",
                    "min_count",
                    "phases",
                    "output",
                    "output_note",
                    "has_next_plan",
                ]
            },
        ),
        (_("升级"), {"fields": ["rank", "escalates_to"]}),
        (_("提醒"), {"fields": ["reminder_time", "reminder_weekday", "reminder_monthday"]}),
    ]


class MinutesRecipientInline(admin.TabularInline):
    model = MinutesRecipient
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["sent_at"]


class ProblemInline(admin.TabularInline):
    model = Problem
    fk_name = "raised_in"
    extra = 0
    fields = ["title", "owner", "due_date", "status", "level"]
    readonly_fields = ["status", "level"]
    autocomplete_fields = ["owner"]
    show_change_link = True


@admin.register(CommunicationRecord)
class CommunicationRecordAdmin(ProjectScopedAdmin):
    list_display = ["held_at", "project", "level", "created_by", "place"]
    list_filter = ["level", "project", "held_on"]
    search_fields = ["topics", "decisions", "summary", "project__name"]
    date_hierarchy = "held_on"
    list_select_related = ["project", "level", "created_by"]
    raw_id_fields = ["participants", "agenda", "created_by", "department"]
    readonly_fields = ["held_on", "created_at", "updated_at", "version"]
    inlines = [ProblemInline, MinutesRecipientInline]


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "from_level", "to_level", "from_owner", "to_owner", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "level", "status", "owner", "due_date", "overdue_since"]
    list_filter = ["status", "level", "project"]
    search_fields = ["title", "description", "project__name"]
    list_select_related = ["project", "level", "owner"]
    raw_id_fields = ["raised_in", "developer_owner", "created_by"]
    autocomplete_fields = ["owner"]
    # State changes go through the services (history rows); admin shows them read-only.
    readonly_fields = ["status", "escalated_at", "resolved_at", "overdue_since", "created_at"]
    inlines = [ProblemEventInline]


@admin.register(ProblemEvent)
class ProblemEventAdmin(ProjectScopedAdmin):
    project_lookup = "problem__project"
    list_display = ["at", "problem", "kind", "from_level", "to_level", "by"]
    list_filter = ["kind"]
    search_fields = ["problem__title", "note"]
    list_select_related = ["problem", "from_level", "to_level", "by"]
    raw_id_fields = ["problem", "record", "from_owner", "to_owner", "by"]


@admin.register(MinutesRecipient)
class MinutesRecipientAdmin(ProjectScopedAdmin):
    project_lookup = "record__project"
    list_display = ["record", "user", "sent_at", "acknowledged_at"]
    list_filter = ["acknowledged_at"]
    search_fields = ["user__username", "user__name"]
    list_select_related = ["record__project", "record__level", "user"]
    raw_id_fields = ["record"]
    autocomplete_fields = ["user"]


@admin.register(ComplianceBreach)
class ComplianceBreachAdmin(ProjectScopedAdmin):
    list_display = [
        "project",
        "level",
        "period_start",
        "period_end",
        "required",
        "actual",
        "notified_at",
    ]
    list_filter = ["level", "project"]
    date_hierarchy = "period_start"
    list_select_related = ["project", "level"]
    search_fields = ["project__name"]
