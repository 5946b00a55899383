from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesiteConfig(AppConfig):
    name = "salesite"
    verbose_name = _("基础数据")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit  # noqa: F401  registers models with django-auditlog

        register_record_views()

        from salesite import choice_labels

        choice_labels.install()  # get_FOO_display() without rebuilding the choices per call

        from salesite import figure_versions

        figure_versions.install()  # tokens replaced by writes: when a dashboard may be reused

        from django.db.models.signals import post_save

        from salesite.models import Company
        from salesite.policy import company_policy_ensure

        # Every property company has its service policy row (the SPEC defaults) from the start.
        post_save.connect(company_policy_ensure, sender=Company, dispatch_uid="company_policy")


def register_record_views():
    """What viewing each kind of core record (its page and its attachments) requires: the
    permission its page checks, None where seeing the project is enough (access.py)."""
    from salesite import models as m
    from salesite.access import register_record_view

    register_record_view(m.Project)
    register_record_view(m.ContractorDocument, "salesite.view_contractordocument")
    register_record_view(m.ContractorTraining, "salesite.view_contractortraining")
    register_record_view(m.Unit, "salesite.view_unit")
    register_record_view(m.Customer, "salesite.view_customer")
