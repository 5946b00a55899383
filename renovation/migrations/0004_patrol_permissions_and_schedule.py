"""Patrol permissions for the default roles and the missed-patrol schedule (08:00)."""

from django.db import migrations

from renovation.roles import PATROL_ROLE_PERMS, PATROL_SCHEDULES, install


def forwards(apps, schema_editor):
    install(apps, PATROL_ROLE_PERMS, PATROL_SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0003_patrols"),
        ("renovation", "0002_permissions_and_schedules"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
