"""Violation, fine, hot-work and refused-material permissions for the default roles."""

from django.db import migrations

from renovation.roles import VIOLATION_ROLE_PERMS, install


def forwards(apps, schema_editor):
    install(apps, VIOLATION_ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0005_violations_fines_hot_work"),
        ("renovation", "0004_patrol_permissions_and_schedule"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
