from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "communication"
    verbose_name = _("沟通机制")
    default_auto_field = "django.db.models.BigAutoField"
