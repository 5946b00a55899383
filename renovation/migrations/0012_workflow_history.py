"""The renovation workflows move to the core engine (issue 13): the application's history
row takes the shared StatusHistory shape (``changed_by`` → ``by``, ``changed_at`` → ``at``, same
table) and violations get a history of their own."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

VIOLATION_STATES = [
    ("warned", "已口头警告"),
    ("notice_issued", "已发整改通知"),
    ("signed", "双方已签收，整改中"),
    ("rectified", "已整改复查合格"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0011_list_order_index"),
        ("salesite", "0008_attachment_personal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("statuschange", "changed_by", "by"),
        migrations.RenameField("statuschange", "changed_at", "at"),
        migrations.AlterModelOptions(
            name="statuschange",
            options={
                "ordering": ["at", "pk"],
                "verbose_name": "装修状态变更",
                "verbose_name_plural": "装修状态变更",
            },
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.CreateModel(
            name="ViolationHistory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间"),
                ),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                (
                    "from_status",
                    models.CharField(
                        choices=VIOLATION_STATES, max_length=20, verbose_name="原状态"
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=VIOLATION_STATES, max_length=20, verbose_name="新状态"
                    ),
                ),
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
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="salesite.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "violation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="renovation.violation",
                        verbose_name="违章",
                    ),
                ),
            ],
            options={
                "verbose_name": "装修违章状态变更",
                "verbose_name_plural": "装修违章状态变更",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
    ]
