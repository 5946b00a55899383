"""handover: 交付批次、交付前计划、交接房屋与入住 (SPEC §3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = _("交房管理")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.DeliveryBatch,
            models.Milestone,
            models.FeeItem,
            models.HandoverCase,
            models.HandoverStepRecord,
            models.FeeLine,
            models.AcceptanceRecord,
            models.RectificationItem,
            models.ProgressNotice,
            models.SiteOpenDay,
            models.OpenDayInvitation,
            models.UnitFeeStatus,
            models.MoveIn,
            models.MoveInTenantInfo,
            models.ItemRelease,
            models.MockInspection,
            models.InspectionDefect,
            models.PreviewFinding,
            models.HandoverSignature,
            models.HandoverDay,
            models.HandoverSlot,
            models.SlotBooking,
            models.QueueTicket,
            models.Rehearsal,
            models.RehearsalProblem,
            models.EmergencyPlan,
            models.EmergencyCheckItem,
        ):
            auditlog.register(model)
        auditlog.register(models.VenueSettings, exclude_fields=["screen_token"])

        from salesite.access import register_record_view

        # What viewing each record (its page and its attachments) requires (access.py).
        for model in (
            models.DeliveryBatch,
            models.HandoverCase,
            models.ProgressNotice,
            models.SiteOpenDay,
            models.MoveIn,
            models.ItemRelease,
            models.MockInspection,
        ):
            register_record_view(model)
        register_record_view(models.InspectionDefect, via="inspection")  # photos of a defect
        register_record_view(models.RectificationItem, via="case")  # photos of a leftover item
        register_record_view(models.PreviewFinding, "handover.view_previewfinding")
        register_record_view(models.HandoverSignature, via="case")  # the drawn signature image

        from salesite.dashboard import registry

        from . import dashboard

        registry.register(
            work_items=dashboard.work_items, dashboard_figures=dashboard.dashboard_figures
        )

        from feedback.defect_sources import register_defect_source

        from . import selectors

        # The quarterly defect report counts these defects too (feedback R-FB-11).
        register_defect_source(
            "mock_inspections", _("模拟验收问题"), selectors.mock_inspection_defects, order=40
        )
        register_defect_source(
            "rectifications", _("交接遗留问题"), selectors.rectification_defects, order=50
        )
        from . import dashboard_day

        registry.register(dashboard_figures=dashboard_day.dashboard_figures)
