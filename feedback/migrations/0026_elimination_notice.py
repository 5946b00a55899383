"""The daily beat entry that tells the centre heads and the company's managers of the
contractor proposed for elimination once a quarter's (or a year's) ranking is final
(强制排序，末位淘汰; issue #16 item 4): 9:00 Asia/Shanghai."""

from django.db import migrations

SCHEDULES = [
    (
        "维修单位末位淘汰提议通知（每日 9:00）",
        "feedback.tasks.feedback_elimination_notices",
        {"minute": "0", "hour": "9", "day_of_month": "*", "month_of_year": "*"},
    ),
]


def forwards(apps, schema_editor):
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
        ("feedback", "0025_contractor_ranking"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
