"""Organisations (R-CORE-1): a company tree with kinds, and departments inside companies."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    class Kind(models.TextChoices):
        DEVELOPER_GROUP = "developer_group", _("地产控股")
        DEVELOPER_CITY = "developer_city", _("地产城市公司")
        PROPERTY_HQ = "property_hq", _("物业公司总部")
        PROPERTY_SUBSIDIARY = "property_subsidiary", _("物业下属公司/分公司")
        SERVICE_CENTRE = "service_centre", _("物管中心/处")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级公司"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path of ids ("/1/4/9/") so a subtree is one indexed prefix query.
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公司")
        verbose_name_plural = _("公司")
        ordering = ["path"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def is_property(self) -> bool:
        return self.kind in {
            self.Kind.PROPERTY_HQ,
            self.Kind.PROPERTY_SUBSIDIARY,
            self.Kind.SERVICE_CENTRE,
        }

    def clean(self):
        parent = self.parent
        seen = {self.pk} if self.pk else set()
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("上级公司不能形成循环。")})
            seen.add(parent.pk)
            parent = parent.parent

    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != old_path:
            type(self).objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            # Re-root the subtree when a company moves.
            if old_path:
                for child in type(self).objects.filter(parent=self):
                    child.save()

    def subtree(self):
        return type(self).objects.filter(path__startswith=self.path)


class Department(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER_SERVICE = "customer_service", _("客服部")
        SECURITY = "security", _("安管部/保安部")
        ENGINEERING = "engineering", _("工程部")
        FINANCE = "finance", _("财务/收银")
        ARCHIVE = "archive", _("档案")
        HQ_RESIDENTIAL = "hq_residential", _("总部住宅项目部")
        MARKETING = "marketing", _("营销/策划")
        OTHER = "other", _("其他")

    company = models.ForeignKey(
        Company, verbose_name=_("公司"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    head = models.ForeignKey(
        "salesite.User",
        verbose_name=_("负责人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="department_unique_name")
        ]

    def __str__(self):
        return f"{self.company} · {self.name}"
