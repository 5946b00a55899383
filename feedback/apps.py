from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("客户反馈")
    default_auto_field = "django.db.models.BigAutoField"
