"""The working-day calendar (R-REN-2): weekends are rest days unless overridden; public
holidays and make-up working days (调休上班) are CalendarDay rows: the official ones loaded from
the ``chinesecalendar`` package (``load_official_calendar``, source=official), and rows
entered in admin (source=manual), which the loader never overwrites or deletes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("节假日（休息）")
        WORKDAY = "workday", _("调休工作日（上班）")

    class Source(models.TextChoices):
        OFFICIAL = "official", _("国务院放假安排（自动导入）")
        MANUAL = "manual", _("手工录入")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("说明"), max_length=50, blank=True, help_text=_("如：国庆节、国庆调休")
    )
    source = models.CharField(
        _("来源"),
        max_length=10,
        choices=Source.choices,
        default=Source.MANUAL,
        help_text=_("手工录入的日期优先：导入官方日历时不会覆盖或删除。"),
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
