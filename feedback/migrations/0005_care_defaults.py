"""Defaults of the warranty ledger and club care (editable in admin afterwards): permissions,
the daily schedules of the warranty notices and greetings (R-JOB-5), and the holidays."""

from django.db import migrations

PROPERTY_ALL = [
    "cs_lead",
    "security_lead",
    "centre_head",
    "subsidiary_deputy",
    "subsidiary_gm",
    "hq_inspector",
    "front_desk",
    "customer_ambassador",
    "engineering",
    "security",
    "cashier",
    "archivist",
    "repair_team",
]
MODELS = [
    "warrantyitem",
    "warrantyreport",
    "warrantynotice",
    "greeting",
    "clubevent",
    "clubeventattendee",
]
VIEW = [f"feedback.view_{m}" for m in MODELS]
DESK = [
    "feedback.add_warrantyreport",
    "feedback.change_warrantyreport",
    "feedback.add_clubeventattendee",
    "feedback.change_clubeventattendee",
]
LEAD = DESK + [
    "feedback.add_warrantyitem",
    "feedback.change_warrantyitem",
    "feedback.add_clubevent",
    "feedback.change_clubevent",
]

SCHEDULES = [
    ("feedback_warranty_notices", "feedback.tasks.feedback_warranty_notices", ("20", "8")),
    ("feedback_greetings", "feedback.tasks.feedback_greetings", ("0", "9")),
]

HOLIDAYS = [
    ("元旦", 1, 1, "新年快乐，万事如意！"),
    ("劳动节", 5, 1, "劳动节快乐！"),
    ("国庆节", 10, 1, "国庆快乐，阖家幸福！"),
    # Lunar holidays: the date of 2026; update it in admin each year.
    ("春节", 2, 17, "新春快乐，阖家幸福！"),
    ("中秋节", 9, 25, "中秋快乐，花好月圆！"),
]


# A private copy of salesite.roles.grant as it was when this migration was written: a
# migration must not import live code (issue 13, item 5).
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


def grant(apps, role_codes, perms):
    """Add permissions to roles by code."""
    _ensure_permissions(apps)
    Role = apps.get_model("salesite", "Role")
    Permission = apps.get_model("auth", "Permission")
    objs = []
    for perm in perms:
        app_label, codename = perm.split(".")
        objs.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for role in Role.objects.filter(code__in=role_codes):
        role.permissions.add(*objs)


def grant_permissions(apps, schema_editor):
    grant(apps, PROPERTY_ALL, VIEW)
    grant(apps, ["front_desk", "customer_ambassador"], DESK)
    grant(apps, ["cs_lead", "centre_head", "engineering"], LEAD)


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour) in SCHEDULES:
        crontab = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def create_holidays(apps, schema_editor):
    Holiday = apps.get_model("feedback", "Holiday")
    for name, month, day, greeting in HOLIDAYS:
        Holiday.objects.get_or_create(
            name=name, defaults={"month": month, "day": day, "greeting": greeting}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_warranty_club"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_schedules, migrations.RunPython.noop),
        migrations.RunPython(create_holidays, migrations.RunPython.noop),
    ]
