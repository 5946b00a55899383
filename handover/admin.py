"""Django admin for the handover app: every model, scoped to the staff user's projects."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from salesite.admin import ProjectScopedAdmin, StatusHistoryInline
from salesite.admin_options import OptionFieldsMixin, OptionRowAdmin

from . import models


class SignedLockAdmin(ProjectScopedAdmin):
    """An admin of a model whose rows may belong to a signed document: a change refused by the
    signature lock (``models.SignedDocumentLocked``, raised on save) comes back as an error
    message on the same page instead of a server error; nothing is saved."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except models.SignedDocumentLocked as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class MilestoneInline(admin.TabularInline):
    model = models.Milestone
    extra = 0
    fields = ["name", "due_date", "status", "result_note", "completed_on"]
    readonly_fields = ["name"]
    show_change_link = True


@admin.register(models.DeliveryBatch)
class DeliveryBatchAdmin(ProjectScopedAdmin):
    list_display = ["name", "project", "planned_delivery_date", "plan", "created_at"]
    list_filter = ["project", "plan"]
    search_fields = ["name", "project__name"]
    date_hierarchy = "planned_delivery_date"
    raw_id_fields = ["units"]
    inlines = [MilestoneInline]


class MilestoneHistoryInline(StatusHistoryInline):
    model = models.MilestoneHistory


@admin.register(models.Milestone)
class MilestoneAdmin(ProjectScopedAdmin):
    list_display = ["batch", "name", "due_date", "status", "completed_on", "overdue_marked_at"]
    list_filter = ["status", "kind", "project"]
    search_fields = ["batch__name", "result_note"]
    list_select_related = ["batch"]
    filter_horizontal = ["responsible_roles"]
    inlines = [MilestoneHistoryInline]


@admin.register(models.FeeItem)
class FeeItemAdmin(ProjectScopedAdmin):
    list_display = ["name", "project", "basis", "rate", "is_active", "order"]
    list_filter = ["basis", "is_active", "project"]
    search_fields = ["name", "project__name"]


class StepInline(admin.TabularInline):
    model = models.HandoverStepRecord
    extra = 0
    fields = ["step", "completed_at", "completed_by", "note"]
    readonly_fields = fields


class FeeLineInline(admin.TabularInline):
    model = models.FeeLine
    extra = 0
    fields = ["name", "basis", "rate", "area", "months", "period_start", "period_end", "amount"]
    readonly_fields = fields


class RectificationInline(admin.TabularInline):
    model = models.RectificationItem
    extra = 0
    fields = ["location", "description", "responsible_unit", "deadline", "status"]


@admin.register(models.HandoverCase)
class HandoverCaseAdmin(SignedLockAdmin):
    list_display = ["unit", "customer", "project", "status", "last_step", "handover_date"]
    list_filter = ["status", "project"]
    search_fields = ["unit__number", "customer__name", "receipt_number"]
    list_select_related = ["unit__building", "customer", "project"]
    raw_id_fields = ["unit", "purchase", "customer", "batch"]
    inlines = [StepInline, FeeLineInline, RectificationInline]


@admin.register(models.HandoverStepRecord)
class HandoverStepRecordAdmin(ProjectScopedAdmin):
    list_display = ["case", "step", "completed_at", "completed_by"]
    list_filter = ["step", "project"]
    search_fields = ["case__unit__number"]
    raw_id_fields = ["case"]


@admin.register(models.FeeLine)
class FeeLineAdmin(SignedLockAdmin):
    list_display = ["case", "name", "period_start", "period_end", "amount"]
    list_filter = ["project"]
    search_fields = ["case__unit__number", "name"]
    raw_id_fields = ["case"]


@admin.register(models.AcceptanceRecord)
class AcceptanceRecordAdmin(SignedLockAdmin):
    list_display = ["case", "inspected_on", "water_reading", "electricity_reading", "gas_reading"]
    list_filter = ["project"]
    search_fields = ["case__unit__number"]
    raw_id_fields = ["case"]


class RectificationHistoryInline(StatusHistoryInline):
    model = models.RectificationHistory


@admin.register(models.RectificationItem)
class RectificationItemAdmin(SignedLockAdmin):
    list_display = ["case", "location", "responsible_unit", "deadline", "status"]
    list_filter = ["status", "project"]
    search_fields = ["case__unit__number", "description", "responsible_unit"]
    raw_id_fields = ["case"]
    inlines = [RectificationHistoryInline]


class NoticeRecipientInline(admin.TabularInline):
    model = models.NoticeRecipient
    extra = 0
    fields = ["customer", "phone", "email", "sms_sent", "email_sent_at"]
    readonly_fields = fields
    raw_id_fields = ["customer"]


@admin.register(models.ProgressNotice)
class ProgressNoticeAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "kind", "milestone", "status", "sent_at", "recipient_count"]
    list_filter = ["kind", "milestone", "status", "project"]
    search_fields = ["title", "body"]
    readonly_fields = ["status", "sent_at", "sent_by", "recipient_count"]


@admin.register(models.NoticeRecipient)
class NoticeRecipientAdmin(ProjectScopedAdmin):
    list_display = ["notice", "customer", "sms_sent", "email_sent_at"]
    list_filter = ["sms_sent", "project"]
    search_fields = ["customer__name", "notice__title"]
    raw_id_fields = ["notice", "customer"]


class InvitationInline(admin.TabularInline):
    model = models.OpenDayInvitation
    extra = 0
    fields = ["customer", "attended", "opinion"]
    raw_id_fields = ["customer"]


@admin.register(models.SiteOpenDay)
class SiteOpenDayAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "held_on", "invited_at"]
    list_filter = ["project"]
    search_fields = ["title"]
    inlines = [InvitationInline]


@admin.register(models.OpenDayInvitation)
class OpenDayInvitationAdmin(ProjectScopedAdmin):
    list_display = ["open_day", "customer", "attended"]
    list_filter = ["attended", "project"]
    search_fields = ["customer__name", "opinion"]
    raw_id_fields = ["open_day", "customer"]


@admin.register(models.UnitFeeStatus)
class UnitFeeStatusAdmin(ProjectScopedAdmin):
    list_display = ["unit", "project", "outstanding", "checked_on", "recorded_by"]
    list_filter = ["project"]
    search_fields = ["unit__number"]
    raw_id_fields = ["unit"]


class MoveInTenantInfoInline(admin.StackedInline):
    model = models.MoveInTenantInfo
    extra = 0
    raw_id_fields = ["tenant", "recorded_by"]
    exclude = ["project"]


@admin.register(models.MoveIn)
class MoveInAdmin(ProjectScopedAdmin):
    list_display = [
        "unit",
        "project",
        "occupant_kind",
        "move_in_date",
        "billing_start",
        "owner_file_updated_at",
        "owner_file_updated_by",
    ]
    list_filter = ["occupant_kind", "project"]
    search_fields = ["unit__number", "customer__name", "tenant__name"]
    raw_id_fields = ["unit", "customer", "tenant"]
    readonly_fields = ["owner_file_updated_at", "owner_file_updated_by"]
    inlines = [MoveInTenantInfoInline]
    list_select_related = ["unit__building", "project", "owner_file_updated_by"]

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            obj.project_id = form.instance.project_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(models.MoveInTenantInfo)
class MoveInTenantInfoAdmin(ProjectScopedAdmin):
    list_display = ["move_in", "project", "tenant", "occupants", "vehicle_plate", "recorded_at"]
    list_filter = ["project"]
    search_fields = ["tenant__name", "move_in__unit__number", "vehicle_plate"]
    raw_id_fields = ["move_in", "tenant", "recorded_by"]
    list_select_related = ["move_in__unit", "project", "tenant"]
    exclude = ["project"]

    def save_model(self, request, obj, form, change):
        obj.project_id = obj.move_in.project_id
        super().save_model(request, obj, form, change)


@admin.register(models.ItemRelease)
class ItemReleaseAdmin(ProjectScopedAdmin):
    list_display = [
        "unit",
        "project",
        "carrier_name",
        "carrier_kind",
        "reason",
        "released_at",
        "flagged",
    ]
    list_filter = ["reason", "carrier_kind", "confirmed_with", "flagged", "project"]
    search_fields = ["unit__number", "carrier_name"]
    raw_id_fields = ["unit"]


class DefectInline(OptionFieldsMixin, admin.TabularInline):
    option_fields = {"category": models.InspectionDefectCategoryOption}
    model = models.InspectionDefect
    fk_name = "inspection"
    extra = 0
    fields = ["location", "category", "description", "responsible_unit", "deadline", "verification"]


@admin.register(models.MockInspection)
class MockInspectionAdmin(ProjectScopedAdmin):
    list_display = ["unit", "batch", "round", "inspected_on", "completed_at"]
    list_filter = ["round", "project"]
    search_fields = ["unit__number", "batch__name"]
    raw_id_fields = ["unit", "batch"]
    inlines = [DefectInline]


@admin.register(models.InspectionDefect)
class InspectionDefectAdmin(OptionFieldsMixin, ProjectScopedAdmin):
    option_fields = {"category": models.InspectionDefectCategoryOption}
    list_display = [
        "inspection",
        "location",
        "category",
        "responsible_unit",
        "deadline",
        "verification",
    ]
    list_filter = ["category", "verification", "project"]
    search_fields = ["description", "responsible_unit", "inspection__unit__number"]
    raw_id_fields = ["inspection", "verified_in"]


# --- editable templates: milestone plans, progress milestones, defect categories -------------


class PlanStepFormSet(forms.BaseInlineFormSet):
    """A plan has at least one step (``min_num``) and no two steps with the same order or
    code."""

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:  # admin inlines do not validate min_num: refuse an empty plan here
            raise forms.ValidationError(_("计划至少需要一个节点。"))
        seen_orders, seen_codes = set(), set()
        for form in kept:
            order, code = form.cleaned_data.get("order"), form.cleaned_data.get("code")
            if order in seen_orders:
                raise forms.ValidationError(_("节点顺序 %(n)s 重复。") % {"n": order})
            if code in seen_codes:
                raise forms.ValidationError(_("节点代码 %(c)s 重复。") % {"c": code})
            seen_orders.add(order)
            seen_codes.add(code)


class MilestonePlanStepInline(admin.TabularInline):
    model = models.MilestonePlanStep
    formset = PlanStepFormSet
    extra = 0
    min_num = 1  # one blank step shown on a new plan; the formset refuses an empty plan
    fields = [
        "order",
        "code",
        "name",
        "offset_months",
        "offset_days",
        "responsible_roles",
        "scope_note",
        "mock_round",
    ]


@admin.register(models.MilestonePlan)
class MilestonePlanAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "company", "is_default", "step_count"]
    list_filter = ["is_default", "company"]
    search_fields = ["name", "company__name", "steps__name"]
    inlines = [MilestonePlanStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_steps=Count("steps"))

    @admin.display(description=_("节点数"), ordering="n_steps")
    def step_count(self, obj):
        return obj.n_steps


@admin.register(models.MilestonePlanStep)
class MilestonePlanStepAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["plan", "order", "name", "code", "offset_months", "offset_days", "mock_round"]
    list_filter = ["plan", "mock_round"]
    search_fields = ["name", "code", "plan__name"]
    filter_horizontal = ["responsible_roles"]

    def has_delete_permission(self, request, obj=None):
        # A plan's last step is deleted only through the plan's page, which refuses an empty
        # plan.
        return False


@admin.register(models.ProgressMilestoneOption)
class ProgressMilestoneOptionAdmin(OptionRowAdmin):
    pass


@admin.register(models.InspectionDefectCategoryOption)
class InspectionDefectCategoryOptionAdmin(OptionRowAdmin):
    pass


from . import (  # noqa: E402, F401 (findings, photo tags; signatures)
    admin_day,
    admin_previews,
    admin_signatures,
)
