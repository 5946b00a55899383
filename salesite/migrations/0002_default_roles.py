"""Default roles with their permissions (R-CORE-4) and the heartbeat schedule."""

from django.db import migrations

from salesite.roles import DEFAULT_ROLES, grant


def create_roles(apps, schema_editor):
    Role = apps.get_model("salesite", "Role")
    for order, (code, name, side, scope, personal, perms) in enumerate(DEFAULT_ROLES, start=1):
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "side": side,
                "scope": scope,
                "can_view_personal_data": personal,
                "order": order * 10,
            },
        )
        grant(apps, [code], perms)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_10 = IntervalSchedule.objects.get_or_create(every=10, period="minutes")[0]
    PeriodicTask.objects.get_or_create(
        name="系统心跳（检查 worker 与 beat 是否运行）",
        defaults={"task": "salesite.tasks.system_heartbeat", "interval": every_10},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("salesite", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, migrations.RunPython.noop),
    ]
