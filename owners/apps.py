from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnersConfig(AppConfig):
    name = "owners"
    verbose_name = _("业主端")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from salesite import panels

        from . import models, staff_views

        auditlog.register(models.OwnerAccess)
        # The customer page shows the owner's portal activity (salesite/panels.py).
        panels.register_customer_panel(staff_views.customer_panel)
