"""Django admin of handover days (issue #15), scoped to the staff user's projects."""

from django.contrib import admin

from salesite.admin import ProjectScopedAdmin

from . import models


class HandoverSlotInline(admin.TabularInline):
    model = models.HandoverSlot
    extra = 0
    fields = ["starts_at", "ends_at", "capacity"]


@admin.register(models.HandoverDay)
class HandoverDayAdmin(ProjectScopedAdmin):
    list_display = ["batch", "date", "desks", "started_at", "project"]
    list_filter = ["project", "date"]
    search_fields = ["batch__name"]
    list_select_related = ["batch", "project"]
    raw_id_fields = ["batch", "started_by"]
    inlines = [HandoverSlotInline]


@admin.register(models.HandoverSlot)
class HandoverSlotAdmin(ProjectScopedAdmin):
    list_display = ["day", "starts_at", "ends_at", "capacity"]
    list_filter = ["project", "day__date"]
    search_fields = ["day__batch__name"]
    list_select_related = ["day__batch"]
    raw_id_fields = ["day"]


@admin.register(models.SlotBooking)
class SlotBookingAdmin(ProjectScopedAdmin):
    list_display = ["unit", "slot", "customer", "channel", "status", "created_at", "reminded_at"]
    list_filter = ["status", "channel", "project"]
    search_fields = ["unit__number", "customer__name", "phone"]
    list_select_related = ["unit", "slot__day__batch", "customer"]
    raw_id_fields = ["batch", "slot", "unit", "customer", "booked_by"]


@admin.register(models.QueueTicket)
class QueueTicketAdmin(ProjectScopedAdmin):
    list_display = ["day", "number", "unit", "status", "desk", "arrived_at", "called_at"]
    list_filter = ["status", "self_check_in", "project"]
    search_fields = ["unit__number", "day__batch__name"]
    list_select_related = ["day__batch", "unit"]
    raw_id_fields = ["day", "unit", "booking", "case"]


class RehearsalProblemInline(admin.TabularInline):
    model = models.RehearsalProblem
    extra = 0
    fields = ["description", "responsible", "due_date", "fixed_on"]


@admin.register(models.Rehearsal)
class RehearsalAdmin(ProjectScopedAdmin):
    list_display = ["batch", "held_on", "recorded_by", "created_at"]
    list_filter = ["project", "held_on"]
    search_fields = ["batch__name", "participants", "note"]
    list_select_related = ["batch"]
    raw_id_fields = ["batch", "recorded_by"]
    inlines = [RehearsalProblemInline]


class EmergencyCheckItemInline(admin.TabularInline):
    model = models.EmergencyCheckItem
    extra = 0
    fields = ["text", "checked", "checked_at"]


@admin.register(models.EmergencyPlan)
class EmergencyPlanAdmin(ProjectScopedAdmin):
    list_display = ["batch", "project", "updated_at"]
    list_filter = ["project"]
    search_fields = ["batch__name", "content"]
    list_select_related = ["batch", "project"]
    raw_id_fields = ["batch"]
    inlines = [EmergencyCheckItemInline]


@admin.register(models.VenueSettings)
class VenueSettingsAdmin(ProjectScopedAdmin):
    list_display = ["batch", "project", "wait_warning_minutes", "rotated_at"]
    list_filter = ["project"]
    search_fields = ["batch__name"]
    list_select_related = ["batch", "project"]
    raw_id_fields = ["batch", "public_attachments"]
    exclude = ["screen_token"]  # the secret link is rotated on the venue page, never shown here
