"""Handover permissions for the default roles and the schedules of R-JOB-2 (editable in admin).

Frozen: the grants and schedules are literals and the grant helper is a private copy, so
editing app code never rewrites what this migration did.
"""

from django.db import migrations

VIEW = [
    "handover.view_deliverybatch",
    "handover.view_milestone",
    "handover.view_handovercase",
    "handover.view_rectificationitem",
    "handover.view_feeitem",
    "handover.view_progressnotice",
    "handover.view_siteopenday",
    "handover.view_movein",
    "handover.view_itemrelease",
    "handover.view_mockinspection",
]
INSPECT = ["handover.add_mockinspection", "handover.change_mockinspection"]
NOTICES = [
    "handover.add_progressnotice",
    "handover.send_progressnotice",
    "handover.add_siteopenday",
    "handover.change_opendayinvitation",
]
LEADS = ["cs_lead", "centre_head"]
FRONT = ["front_desk", "customer_ambassador"]

GRANTS = [
    (
        LEADS,
        VIEW
        + [
            "handover.add_deliverybatch",
            "handover.change_deliverybatch",
            "handover.change_milestone",
            "handover.perform_handover",
            "handover.change_rectificationitem",
        ]
        + NOTICES
        + INSPECT,
    ),
    (FRONT, VIEW + ["handover.perform_handover", "handover.change_opendayinvitation"]),
    (["security_lead", "security"], ["handover.view_itemrelease", "handover.view_movein"]),
    (
        ["engineering"],
        VIEW + ["handover.change_milestone", "handover.change_rectificationitem"] + INSPECT,
    ),
    (["cashier"], VIEW + ["handover.record_payment"]),
    (
        ["archivist", "security_lead", "subsidiary_deputy", "subsidiary_gm", "hq_inspector"],
        VIEW,
    ),
]

SCHEDULES = [
    (
        "交付前计划节点到期提醒",
        "handover.tasks.handover_milestone_reminders",
        {"minute": "30", "hour": "7"},
    ),
    (
        "交付前计划节点逾期标记",
        "handover.tasks.handover_milestone_overdue",
        {"minute": "20", "hour": "0"},
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
    """Add permissions to roles by code (private copy of the helper as it was)."""
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
    for roles, perms in GRANTS:
        _grant(apps, roles, perms)


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=when["minute"],
            hour=when["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[t for _n, t, _w in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("handover", "0001_initial"),
        ("salesite", "0002_default_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_schedules, remove_schedules),
    ]
