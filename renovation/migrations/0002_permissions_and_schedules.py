"""Renovation permissions for the default roles and the deadline-monitor schedules.

The values are frozen here as they were when this migration was written (a copy, not an
import of live code), so later edits to the roles do not rewrite history."""

from django.db import migrations

VIEW = [
    "renovation.view_renovationapplication",
    "renovation.view_applicationdocument",
    "renovation.view_governmentapproval",
    "renovation.view_renovationagreement",
    "renovation.view_feepayment",
    "renovation.view_workerpass",
    "renovation.view_entryconfirmation",
    "renovation.view_depositledgerentry",
    "renovation.view_depositrefund",
]
FRONT_OFFICE = [
    "renovation.add_depositrefund",
    "renovation.change_depositrefund",
    "renovation.add_renovationagreement",
    "renovation.issue_permit",
    "renovation.add_workerpass",
    "renovation.add_entryconfirmation",
]
EDIT_APPLICATION = [
    "renovation.add_renovationapplication",
    "renovation.change_renovationapplication",
    "renovation.change_applicationdocument",
]

ROLE_PERMS = {
    "front_desk": VIEW + EDIT_APPLICATION + FRONT_OFFICE,
    "customer_ambassador": VIEW,
    "cs_lead": VIEW
    + EDIT_APPLICATION
    + FRONT_OFFICE
    + ["renovation.review_customer_service", "renovation.record_government_approval"],
    "engineering": VIEW + ["renovation.review_engineering", "renovation.add_entryconfirmation"],
    "security": VIEW + ["renovation.add_workerpass"],
    "security_lead": VIEW,
    "cashier": VIEW + ["renovation.collect_fees", "renovation.record_refund"],
    "centre_head": VIEW
    + EDIT_APPLICATION
    + FRONT_OFFICE
    + [
        "renovation.collect_fees",
        "renovation.approve_refund",
        "renovation.record_refund",
        "renovation.review_engineering",
        "renovation.review_customer_service",
        "renovation.record_government_approval",
    ],
    "archivist": VIEW,
    "subsidiary_deputy": VIEW,
    "subsidiary_gm": VIEW,
    "hq_inspector": VIEW,
}

SCHEDULES = [
    # name, task, (minute, hour, day_of_week)
    (
        "装修审核超时提醒（每 30 分钟）",
        "renovation.tasks.renovation_review_overdue",
        ("*/30", "*", "*"),
    ),
    ("装修押金到期提醒（每天 8:30）", "renovation.tasks.renovation_refunds_due", ("30", "8", "*")),
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
    for role, perms in ROLE_PERMS.items():
        _grant(apps, [role], perms)
    _create_schedules(apps, SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0001_initial"),
        ("salesite", "0002_default_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
