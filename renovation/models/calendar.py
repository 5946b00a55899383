"""The working-day calendar (R-REN-2): weekends are rest days unless overridden; public
holidays and make-up working days (调休上班) are CalendarDay rows edited in admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("节假日（休息）")
        WORKDAY = "workday", _("调休工作日（上班）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("说明"), max_length=50, blank=True, help_text=_("如：国庆节、国庆调休")
    )

    class Meta:
        verbose_name = _("工作日历例外日")
        verbose_name_plural = _("工作日历例外日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.WORKDAY
