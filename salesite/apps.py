from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesiteConfig(AppConfig):
    name = "salesite"
    verbose_name = _("基础数据")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from salesite.dashboard import registry
        from salesite.operations import dashboard

        from . import audit  # noqa: F401  registers models with django-auditlog

        registry.register(
            work_items=dashboard.work_items, dashboard_figures=dashboard.dashboard_figures
        )
        register_record_views()


def register_record_views():
    """What viewing each kind of core record (its page and its attachments) requires: the
    permission its page checks, None where seeing the project is enough (access.py)."""
    from salesite import models as m
    from salesite.access import register_record_view

    register_record_view(m.Project)
    register_record_view(m.Unit, "salesite.view_unit")
    register_record_view(m.Customer, "salesite.view_customer")
    # sales-site operations (salesite/operations)
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
