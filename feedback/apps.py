"""feedback: 来访来电、需求建议、投诉、报修、回访与6+2服务步骤 (see SPEC.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("客户反馈")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Case,
            models.CallbackTask,
            models.AmbassadorAssignment,
            models.Question,
            models.Questionnaire,
            models.CustomerStepRecord,
            models.ProjectStepRecord,
            models.QuarterlyAssessment,
            models.AssessmentChecklistItem,
            models.AssessmentChecklistLine,
            models.WarrantyItem,
            models.WarrantyReport,
            models.WarrantyNoticeChannel,
            models.Holiday,
            models.ClubEvent,
            models.ClubEventAttendee,
            models.AmbassadorPatrol,
            models.RewardRule,
            models.Referral,
            models.RepeatPurchase,
            models.RankingDecision,
            models.ContractorIntroduction,
        ):
            auditlog.register(model)
        # The link's token hash stays out of the audit trail.
        auditlog.register(models.SurveyLink, exclude_fields=["token_hash"])

        from salesite.access import register_record_view

        # What viewing each record (its page and its attachments) requires (access.py).
        register_record_view(models.Case, "feedback.view_case")
        register_record_view(models.CallbackTask, "feedback.view_callbacktask")
        register_record_view(models.WarrantyItem, "feedback.view_warrantyitem")
        register_record_view(models.ClubEvent, "feedback.view_clubevent")
        register_record_view(models.QuarterlyAssessment, "feedback.view_quarterlyassessment")

        from salesite import panels

        from .views.steps_staff import customer_panel

        # The customer page links to the customer's 6+2 steps (salesite/panels.py).
        panels.register_customer_panel(customer_panel)

        from salesite.dashboard import registry

        from . import dashboard, rollups

        rollups.setup()
        registry.register(
            work_items=dashboard.work_items, dashboard_figures=dashboard.dashboard_figures
        )

        from .defect_sources import register_defect_source
        from .selectors import defects

        # The defect report's own sources (R-FB-11); handover and operations add theirs.
        register_defect_source("complaints", _("投诉"), defects.complaint_defects, order=10)
        register_defect_source("callbacks", _("回访不满意"), defects.callback_defects, order=20)
        register_defect_source("patrols", _("巡查发现"), defects.patrol_defects, order=30)

        from salesite.policy import register_recompute

        from .services import policy_recompute

        # The admin action that re-applies the service policy to open items (salesite.policy).
        register_recompute(_("客户反馈事项的转派、答复期限"), policy_recompute.cases_recompute)
        register_recompute(_("保修到期公示与答复期限"), policy_recompute.warranty_recompute)

        from .repair_quality_setup import ready as repair_quality_ready

        repair_quality_ready()
        auditlog.register(models.RankingWeights)  # issue #16 item 4: the contractor ranking
