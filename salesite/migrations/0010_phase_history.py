"""The marketing phase's history takes the shared StatusHistory shape (issue 13): the workflow
engine writes it (``from_phase`` → ``from_status``, ``to_phase`` → ``to_status``,
``changed_by`` → ``by``, ``recorded_at`` → ``at``; same table, same columns' contents)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("salesite", "0009_operations_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("projectphasechange", "from_phase", "from_status"),
        migrations.RenameField("projectphasechange", "to_phase", "to_status"),
        migrations.RenameField("projectphasechange", "changed_by", "by"),
        migrations.RenameField("projectphasechange", "recorded_at", "at"),
        migrations.AlterModelOptions(
            name="projectphasechange",
            options={
                "ordering": ["project", "changed_on", "at"],
                "verbose_name": "营销阶段变更",
                "verbose_name_plural": "营销阶段变更",
            },
        ),
        migrations.AlterField(
            model_name="projectphasechange",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="记录时间"),
        ),
        migrations.AlterField(
            model_name="projectphasechange",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
    ]
