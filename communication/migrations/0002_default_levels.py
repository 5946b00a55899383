"""Default levels (R-COM-1, R-COM-4, R-COM-5), role permissions and beat schedules (R-JOB-1)."""

from django.db import migrations

from communication.defaults import (
    DEFAULT_LEVELS,
    DEVELOPER_ROLES,
    LEAD_PERMS,
    LEADS,
    PROPERTY_ROLES,
    SCHEDULES,
    VIEW_PERMS,
)
from salesite.roles import grant

LEVEL_FIELDS = {
    "name",
    "kind",
    "period",
    "output",
    "rank",
    "reminder_time",
    "reminder_weekday",
    "reminder_monthday",
    "has_next_plan",
    "participants_note",
    "output_note",
}


def create_levels(apps, schema_editor):
    Level = apps.get_model("communication", "CommunicationLevel")
    Role = apps.get_model("salesite", "Role")
    roles = {r.code: r for r in Role.objects.all()}
    levels = {}
    for spec in DEFAULT_LEVELS:
        defaults = {k: v for k, v in spec.items() if k in LEVEL_FIELDS}
        defaults["property_role"] = roles.get(spec.get("property_role"))
        defaults["developer_role"] = roles.get(spec.get("developer_role"))
        level, created = Level.objects.get_or_create(code=spec["code"], defaults=defaults)
        if created:
            level.recorder_roles.set([roles[c] for c in spec["recorders"] if c in roles])
        levels[spec["code"]] = (level, created)
    for spec in DEFAULT_LEVELS:
        level, created = levels[spec["code"]]
        if created and spec.get("escalates_to"):
            level.escalates_to = levels[spec["escalates_to"]][0]
            level.save(update_fields=["escalates_to"])


def grant_permissions(apps, schema_editor):
    grant(apps, PROPERTY_ROLES + DEVELOPER_ROLES, VIEW_PERMS)
    grant(apps, LEADS, LEAD_PERMS)


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
        ("communication", "0001_initial"),
        ("salesite", "0002_default_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_levels, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_schedules, migrations.RunPython.noop),
    ]
