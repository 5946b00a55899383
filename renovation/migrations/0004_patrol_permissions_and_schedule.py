"""Patrol permissions for the default roles and the missed-patrol schedule (08:00).

The values are frozen here as they were when this migration was written (a copy, not an
import of live code), so later edits to the roles do not rewrite history."""

from django.db import migrations

PATROL_VIEW = ["renovation.view_patrolrecord", "renovation.view_missedpatrol"]
PATROL_CHANGE = ["renovation.change_patrolrecord"]  # photos are attachments of the record
PATROL_ROLE_PERMS = {
    "front_desk": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_front_desk"],
    "cs_lead": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_front_desk"],
    "engineering": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_engineering"],
    "security": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_security"],
    "security_lead": PATROL_VIEW + PATROL_CHANGE + ["renovation.patrol_security"],
    "centre_head": PATROL_VIEW
    + PATROL_CHANGE
    + [
        "renovation.patrol_front_desk",
        "renovation.patrol_engineering",
        "renovation.patrol_security",
    ],
    "customer_ambassador": PATROL_VIEW,
    "archivist": PATROL_VIEW,
    "subsidiary_deputy": PATROL_VIEW,
    "subsidiary_gm": PATROL_VIEW,
    "hq_inspector": PATROL_VIEW,
}
PATROL_SCHEDULES = [
    (
        "装修漏巡标记（每天 8:00，标记前一天）",
        "renovation.tasks.renovation_patrols_missed",
        ("0", "8", "*"),
    ),
]


def _ensure_permissions(apps):
    """Create the permission rows now (they are normally made after migrate finishes)."""
    from django.contrib.auth.management import create_permissions

    if getattr(apps, "_salesite_permissions_ensured", False):
        return  # once per migration state: several grants in one migration share it
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    apps._salesite_permissions_ensured = True


def _grant(apps, role_codes, perms):
    """Add permissions to roles by code (a private copy of salesite.roles.grant)."""
    _ensure_permissions(apps)
    Role = apps.get_model("salesite", "Role")
    Permission = apps.get_model("auth", "Permission")
    objs = []
    for perm in perms:
        app_label, codename = perm.split(".")
        objs.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for role in Role.objects.filter(code__in=role_codes):
        role.permissions.add(*objs)


def _create_schedules(apps, schedules):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, dow) in schedules:
        crontab = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=dow,
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def forwards(apps, schema_editor):
    for role, perms in PATROL_ROLE_PERMS.items():
        _grant(apps, [role], perms)
    _create_schedules(apps, PATROL_SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0003_patrols"),
        ("renovation", "0002_permissions_and_schedules"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
