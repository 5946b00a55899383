"""Completion application and inspection permissions for the default roles."""

from django.db import migrations

from renovation.roles import COMPLETION_ROLE_PERMS, install


def forwards(apps, schema_editor):
    install(apps, COMPLETION_ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0007_completion_inspection"),
        ("renovation", "0006_violation_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
