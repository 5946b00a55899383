from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenovationConfig(AppConfig):
    name = "renovation"
    verbose_name = _("装修管理")
    default_auto_field = "django.db.models.BigAutoField"
