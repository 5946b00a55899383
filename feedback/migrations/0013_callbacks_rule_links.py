"""Callback tasks and questionnaires point at their rule row by its code: the column ``rule``
keeps its name and values, so existing rows and the unique constraint survive."""

import django.db.models.deletion
from django.db import migrations

import feedback.models.callback_rules


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0012_callbacks_rule_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="callbacktask",
            name="rule",
            field=feedback.models.callback_rules.RuleForeignKey(
                db_column="rule",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tasks",
                to="feedback.callbackrule",
                to_field="code",
                verbose_name="回访类型",
            ),
        ),
        migrations.AlterField(
            model_name="questionnaire",
            name="rule",
            field=feedback.models.callback_rules.RuleOneToOneField(
                db_column="rule",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="questionnaire",
                to="feedback.callbackrule",
                to_field="code",
                verbose_name="回访规则",
            ),
        ),
    ]
