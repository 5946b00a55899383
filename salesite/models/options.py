"""Option rows: the small lists that admins own (categories, progress milestones), each a
table of code, name, order and active instead of a ``TextChoices`` enum in the code.

Records keep storing the option's ``code`` string in a plain ``CharField`` (no ``choices``), so
values stored before the list became a table stay valid, and a row added in admin is usable at
once. Forms offer the active rows (plus the value a record already holds); labels are looked up
among all rows, so a deactivated option still displays on old records.
"""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _


class OptionRow(models.Model):
    code = models.SlugField(
        _("代码"),
        max_length=30,
        unique=True,
        help_text=_("保存在记录中的值；已有记录使用后请勿修改。"),
    )
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后表单不再提供该选项，已有记录仍显示其名称。")
    )

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @classmethod
    def choices(cls, *, current: str = "", blank: bool = False) -> list[tuple[str, str]]:
        """The active options in order, for a form field; ``current`` (the value the record
        holds) is kept even if its option was deactivated, so editing does not lose it."""
        rows = list(cls.objects.filter(active=True).values_list("code", "name"))
        if current and current not in {code for code, _name in rows}:
            rows.append((current, cls.label_of(current)))
        return ([("", "—")] if blank else []) + rows

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Every option's name by code, active or not (one query)."""
        return dict(cls.objects.values_list("code", "name"))

    @classmethod
    def label_of(cls, code: str) -> str:
        """The name of ``code``; the code itself if no row has it (never an error)."""
        if not code:
            return ""
        return cls.objects.filter(code=code).values_list("name", flat=True).first() or code

    @classmethod
    def label_subquery(cls, field: str) -> Subquery:
        """An annotation giving each row the name of the option its ``field`` holds (for lists:
        one query instead of one per row)."""
        return Subquery(cls.objects.filter(code=OuterRef(field)).values("name")[:1])


def option_label(obj, field: str, option_model) -> str:
    """The label of ``obj.<field>``: the ``<field>_label`` annotation if the selector added
    it, else one lookup."""
    code = getattr(obj, field)
    if hasattr(obj, f"{field}_label"):  # annotated (None: no row has the code)
        return getattr(obj, f"{field}_label") or code
    return option_model.label_of(code)
