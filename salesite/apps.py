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
