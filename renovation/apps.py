"""renovation: 装修申请、审核、协议、收费、巡查、验收与押金退还 (see SPEC.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationConfig(AppConfig):
    name = "renovation"
    verbose_name = _("装修管理")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for name in models.AUDITED:
            auditlog.register(getattr(models, name))

        from salesite.access import register_record_view

        # What viewing each record (its page and its attachments) requires (access.py).
        for model in (
            models.RenovationApplication,
            models.PatrolRecord,
            models.Violation,
            models.RenovationLecture,
        ):
            register_record_view(model)
        # Scans of a checklist line (the owner uploads them on the owner portal).
        register_record_view(models.ApplicationDocument, via="application")

        from salesite.dashboard import registry

        from . import dashboard

        registry.register(
            work_items=dashboard.work_items, dashboard_figures=dashboard.dashboard_figures
        )

        from salesite.policy import register_recompute

        from .services import policy_recompute

        # The admin action that re-applies the service policy to open items (salesite.policy).
        register_recompute(_("装修审核期限与押金可退日期"), policy_recompute.applications_recompute)
