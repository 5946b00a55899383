"""Renovation permissions for the default roles and the deadline-monitor schedules."""

from django.db import migrations

from renovation.roles import ROLE_PERMS, SCHEDULES
from salesite.roles import grant


def grant_permissions(apps, schema_editor):
    for role, perms in ROLE_PERMS.items():
        grant(apps, [role], perms)


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, dow) in SCHEDULES:
        crontab = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=dow,
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0001_initial"),
        ("salesite", "0002_default_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_schedules, migrations.RunPython.noop),
    ]
