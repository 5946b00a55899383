"""CalendarDay.source (official rows loaded from the package / manual rows entered in admin,
which win) and the yearly beat entry that loads the official calendar (1 December 03:00).

The schedule is frozen here as literal values (no import of app code)."""

from django.db import migrations, models

SCHEDULES = [
    (
        "官方节假日与调休导入（每年 12 月 1 日 3:00，当年与次年）",
        "renovation.tasks.renovation_official_calendar",
        {"minute": "0", "hour": "3", "day_of_month": "1", "month_of_year": "12"},
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, cron in SCHEDULES:
        crontab = CrontabSchedule.objects.get_or_create(
            day_of_week="*", timezone="Asia/Shanghai", **cron
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0012_workflow_history"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarday",
            name="source",
            field=models.CharField(
                choices=[("official", "国务院放假安排（自动导入）"), ("manual", "手工录入")],
                default="manual",
                help_text="手工录入的日期优先：导入官方日历时不会覆盖或删除。",
                max_length=10,
                verbose_name="来源",
            ),
        ),
        migrations.RunPython(create_schedules, remove_schedules),
    ]
