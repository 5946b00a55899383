"""operations: 案场服务 — sales-site areas, posts and roster, service plans, training,
marketing events, quality inspections and rectification (SPEC §2)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("案场服务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from salesite.dashboard import registry

        from . import audit, dashboard  # noqa: F401  audit registers models with django-auditlog

        registry.register(
            work_items=dashboard.work_items,
            dashboard_figures=dashboard.dashboard_figures,
            home_blocks=dashboard.home_blocks,
        )
        register_record_views()

        from feedback.defect_sources import register_defect_source

        from .selectors import inspection_findings

        # The quarterly defect report counts HQ inspection findings too (feedback R-FB-11).
        register_defect_source("hq_findings", _("总部品质检查发现"), inspection_findings, order=60)


def register_record_views():
    """What viewing each operations record (its page and its attachments) requires
    (salesite/access.py): seeing the project is enough."""
    from salesite.access import register_record_view

    from . import models as m

    for model in (
        m.SiteArea,
        m.ServicePost,
        m.ServicePlan,
        m.TrainingSession,
        m.MarketingEvent,
        m.Inspection,
        m.RectificationItem,
    ):
        register_record_view(model)
    register_record_view(m.InspectionScore, via="inspection")  # photos on the inspection page
