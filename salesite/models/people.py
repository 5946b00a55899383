"""People and roles (R-CORE-4): users belong to a company; a project membership gives a user
(or a developer contact without a login) a role on a project. Roles and their permissions
are edited in admin; their scope decides how far a member sees (R-X-1)."""

from django.contrib.auth.models import AbstractUser, Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("所属公司"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.ForeignKey(
        "salesite.Department",
        verbose_name=_("部门"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class Role(models.Model):
    class Side(models.TextChoices):
        PROPERTY = "property", _("物业")
        DEVELOPER = "developer", _("地产")

    class Scope(models.TextChoices):
        PROJECT = "project", _("本项目")
        COMPANY = "company", _("所属物业公司全部项目")
        ALL = "all", _("全部项目")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    side = models.CharField(_("所属方"), max_length=20, choices=Side.choices)
    scope = models.CharField(
        _("可见范围"),
        max_length=20,
        choices=Scope.choices,
        default=Scope.PROJECT,
        help_text=_("本项目：只看所在项目；所属物业公司：看同一物业公司的全部项目；全部：总部。"),
    )
    can_view_personal_data = models.BooleanField(
        _("可查看完整证件号和电话"),
        default=False,
        help_text=_("列表中始终脱敏；勾选后在详情页可看完整值。"),
    )
    permissions = models.ManyToManyField(
        Permission, verbose_name=_("权限"), blank=True, related_name="salesite_roles"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    description = models.TextField(_("职责说明"), blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["side", "order", "name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person who takes part in the work without a login, e.g. a developer's sales director."""

    name = models.CharField(_("姓名"), max_length=50)
    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("公司"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["company", "name"]

    def __str__(self):
        return f"{self.name}（{self.company}）"


class ProjectMembership(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("联系人（无登录）"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    since = models.DateField(_("起始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目成员")
        verbose_name_plural = _("项目成员")
        ordering = ["project", "role__order"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False, contact__isnull=True))
                | (Q(user__isnull=True, contact__isnull=False)),
                name="membership_user_xor_contact",
                violation_error_message=_("请选择用户或联系人，二者只能选一个。"),
            ),
            models.UniqueConstraint(
                fields=["project", "role", "user"],
                condition=Q(user__isnull=False),
                name="membership_unique_user_role",
                violation_error_message=_("该用户在本项目已有此角色。"),
            ),
            models.UniqueConstraint(
                fields=["project", "role", "contact"],
                condition=Q(contact__isnull=False),
                name="membership_unique_contact_role",
                violation_error_message=_("该联系人在本项目已有此角色。"),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.role} · {self.person}"

    @property
    def person(self):
        return self.user or self.contact

    def clean(self):
        if bool(self.user_id) == bool(self.contact_id):
            raise ValidationError(_("请选择用户或联系人，二者只能选一个。"))
