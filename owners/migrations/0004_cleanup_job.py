"""The daily beat entry that deletes old login codes and resets idle login guards (3:40
Asia/Shanghai, a quiet hour)."""

from django.db import migrations

SCHEDULES = [
    (
        "业主端登录验证码清理（每日 3:40）",
        "owners.tasks.owners_login_cleanup",
        {"minute": "40", "hour": "3", "day_of_month": "*", "month_of_year": "*"},
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
        ("owners", "0003_tenant_sharing"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
