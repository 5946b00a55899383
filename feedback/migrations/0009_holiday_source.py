"""Holiday.year and Holiday.source (official rows loaded per year from the package / manual
rows entered in admin, which win), and the yearly beat entry that loads the official
festivals (1 December 03:10).

The lunar festivals that 0005 created with their 2026 date and that nobody edited since
become the official rows of 2026, so the loader moves them to each year's date from then on
(an edited row stays a manual one). Values are frozen literals (no import of app code)."""

from django.db import migrations, models

# (name, month, day, greeting) as 0005_care_defaults created them.
LUNAR_DEFAULTS_2026 = [
    ("春节", 2, 17, "新春快乐，阖家幸福！"),
    ("中秋节", 9, 25, "中秋快乐，花好月圆！"),
]
SCHEDULES = [
    (
        "官方节日问候日期导入（每年 12 月 1 日 3:10，当年与次年）",
        "feedback.tasks.feedback_official_holidays",
        {"minute": "10", "hour": "3", "day_of_month": "1", "month_of_year": "12"},
    ),
]


def forwards(apps, schema_editor):
    Holiday = apps.get_model("feedback", "Holiday")
    for name, month, day, greeting in LUNAR_DEFAULTS_2026:
        Holiday.objects.filter(
            name=name, month=month, day=day, greeting=greeting, year__isnull=True
        ).update(year=2026, source="official")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, cron in SCHEDULES:
        crontab = CrontabSchedule.objects.get_or_create(
            day_of_week="*", timezone="Asia/Shanghai", **cron
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0008_workflow"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="holiday",
            name="source",
            field=models.CharField(
                choices=[("official", "国务院放假安排（自动导入）"), ("manual", "手工录入")],
                default="manual",
                help_text="手工录入的节日优先：导入官方日历时不会覆盖或删除。",
                max_length=10,
                verbose_name="来源",
            ),
        ),
        migrations.AddField(
            model_name="holiday",
            name="year",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="空为每年", null=True, verbose_name="年份"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
