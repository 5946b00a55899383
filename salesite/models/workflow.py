"""Shapes every workflow shares: the abstract history row and the project-owned base.

The engine that moves a record from one state to another is ``salesite.workflow``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoping import ProjectScopedQuerySet


class StatusHistory(models.Model):
    """One state change of a record: from, to, who, when, why.

    A concrete history model adds the foreign key to its subject (and ``project`` when the
    rows are scoped by it) and may redeclare a field to give it choices."""

    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ProjectOwned(models.Model):
    """A row that belongs to one project: the foreign key and the visibility-scoped manager.

    A subclass redeclares ``project`` to keep its own ``related_name`` or ``on_delete``."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "project"

    class Meta:
        abstract = True
