"""What an owner shares with the registered tenants of a unit (issue 14): the unit's repairs,
and nothing else (never fees or the owner's personal data). Off until the owner turns it on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitSharing(models.Model):
    unit = models.OneToOneField(
        "salesite.Unit",
        verbose_name=_("房号"),
        on_delete=models.CASCADE,
        related_name="owner_sharing",
    )
    share_repairs = models.BooleanField(_("与租户共享报修记录"), default=False)
    changed_by = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("设置业主"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("设置时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("租户共享设置")
        verbose_name_plural = _("租户共享设置")

    def __str__(self):
        return f"{self.unit_id}: {self.share_repairs}"
