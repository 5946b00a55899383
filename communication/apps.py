"""communication: 与地产方的日、周、月、季度沟通，内部讲评与周志月志 (requirement ids: docs/requirements.md)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = _("沟通机制")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from communication import models as m

        auditlog.register(m.CommunicationLevel, m2m_fields={"recorder_roles"})
        auditlog.register(m.CommunicationRecord, m2m_fields={"participants"})
        auditlog.register(m.MinutesRecipient)
        auditlog.register(m.Problem)
        auditlog.register(m.ComplianceBreach)

        from salesite.access import register_record_view

        register_record_view(m.CommunicationRecord, "communication.view_communicationrecord")

        from salesite.dashboard import registry

        from . import dashboard, rollups

        rollups.setup()

        registry.register(
            work_items=dashboard.work_items, dashboard_figures=dashboard.dashboard_figures
        )
