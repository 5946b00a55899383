"""Preview findings (R-HO-1), the before/after tag of handover photos (R-HO-2), their
permissions for the default roles and the daily overdue reminder (editable in admin).

Frozen: the grants and schedule are literals and the grant helper is a private copy.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

VIEW = ["handover.view_previewfinding"]
CHANGE = ["handover.change_previewfinding"]
ADD = ["handover.add_previewfinding"]
GRANTS = [
    (["cs_lead", "centre_head"], VIEW + ADD + CHANGE),
    (["front_desk", "customer_ambassador"], VIEW + ADD + CHANGE),
    (["engineering"], VIEW + CHANGE),
    (
        [
            "archivist",
            "security_lead",
            "subsidiary_deputy",
            "subsidiary_gm",
            "hq_inspector",
            "cashier",
        ],
        VIEW,
    ),
]
SCHEDULE = (
    "提前看房问题逾期提醒",
    "handover.tasks.handover_findings_overdue",
    {"minute": "40", "hour": "7"},
)


def _ensure_permissions(apps):
    from django.contrib.auth.management import create_permissions

    if getattr(apps, "_salesite_permissions_ensured", False):
        return
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    apps._salesite_permissions_ensured = True


def grant_permissions(apps, schema_editor):
    _ensure_permissions(apps)
    Role = apps.get_model("salesite", "Role")
    Permission = apps.get_model("auth", "Permission")
    for role_codes, perms in GRANTS:
        objs = [
            Permission.objects.get(
                content_type__app_label=p.split(".")[0], codename=p.split(".")[1]
            )
            for p in perms
        ]
        for role in Role.objects.filter(code__in=role_codes):
            role.permissions.add(*objs)


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task, when = SCHEDULE
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=when["minute"],
        hour=when["hour"],
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=SCHEDULE[1]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("handover", "0008_owner_views"),
        ("salesite", "0012_project_service_hours"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="PhotoTag",
            fields=[
                (
                    "attachment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="handover_tag",
                        serialize=False,
                        to="salesite.attachment",
                        verbose_name="附件",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("before", "整改前"), ("after", "整改后")],
                        max_length=10,
                        verbose_name="照片类型",
                    ),
                ),
            ],
            options={
                "verbose_name": "照片类型",
                "verbose_name_plural": "照片类型",
            },
        ),
        migrations.CreateModel(
            name="PreviewFinding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("design", "设计"),
                            ("construction", "工程"),
                            ("finish", "装修"),
                            ("common_area", "公共部位"),
                            ("landscape", "景观"),
                            ("other", "其他"),
                        ],
                        db_index=True,
                        max_length=20,
                        verbose_name="类别",
                    ),
                ),
                ("location", models.CharField(max_length=60, verbose_name="部位")),
                ("description", models.CharField(max_length=300, verbose_name="问题描述")),
                ("responsible_unit", models.CharField(max_length=60, verbose_name="责任单位")),
                ("deadline", models.DateField(db_index=True, verbose_name="整改期限")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "待处理"),
                            ("in_progress", "整改中"),
                            ("fixed", "已整改"),
                            ("closed", "已验证关闭"),
                        ],
                        db_index=True,
                        default="open",
                        max_length=20,
                        verbose_name="状态",
                    ),
                ),
                ("found_on", models.DateField(verbose_name="发现日期")),
                ("fixed_on", models.DateField(blank=True, null=True, verbose_name="整改完成日期")),
                ("closed_on", models.DateField(blank=True, null=True, verbose_name="关闭日期")),
                (
                    "closure_note",
                    models.CharField(blank=True, max_length=300, verbose_name="关闭说明"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                (
                    "overdue_notified_for",
                    models.DateField(blank=True, null=True, verbose_name="已提醒逾期的期限"),
                ),
                (
                    "assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="跟进人",
                    ),
                ),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="preview_findings",
                        to="handover.deliverybatch",
                        verbose_name="交付批次",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="salesite.customer",
                        verbose_name="业主",
                    ),
                ),
                (
                    "milestone",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="preview_findings",
                        to="handover.milestone",
                        verbose_name="提前看房活动",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="salesite.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="salesite.unit",
                        verbose_name="房屋",
                    ),
                ),
            ],
            options={
                "verbose_name": "提前看房问题",
                "verbose_name_plural": "提前看房问题",
                "ordering": ["deadline", "pk"],
            },
        ),
        migrations.CreateModel(
            name="PreviewFindingHistory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_status", models.CharField(blank=True, max_length=20, verbose_name="原状态")),
                ("to_status", models.CharField(max_length=20, verbose_name="新状态")),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间"),
                ),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人",
                    ),
                ),
                (
                    "finding",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="handover.previewfinding",
                        verbose_name="提前看房问题",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="salesite.project",
                        verbose_name="项目",
                    ),
                ),
            ],
            options={
                "verbose_name": "看房问题状态记录",
                "verbose_name_plural": "看房问题状态记录",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
        migrations.AddIndex(
            model_name="previewfinding",
            index=models.Index(fields=["status", "deadline"], name="handover_pr_status_20fa65_idx"),
        ),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
