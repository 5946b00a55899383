"""The feedback categories admins edit (R-FB-3, R-FB-11): complaint categories and the defect
categories of the quarterly defect report. Records store the option's code."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesite.models.options import OptionRow


class DefectCategoryOption(OptionRow):
    """A defect category of the quarterly defect report and the ambassadors' patrols."""

    class Meta(OptionRow.Meta):
        verbose_name = _("缺陷类别")
        verbose_name_plural = _("缺陷类别")


class ComplaintCategoryOption(OptionRow):
    """A complaint category; ``defect_category`` is the defect-report line its complaints
    count under."""

    defect_category = models.SlugField(
        _("计入缺陷类别"),
        max_length=30,
        default="service",
        help_text=_("季度缺陷报告中该类投诉计入的缺陷类别（缺陷类别的代码）。"),
    )

    class Meta(OptionRow.Meta):
        verbose_name = _("投诉类别")
        verbose_name_plural = _("投诉类别")
