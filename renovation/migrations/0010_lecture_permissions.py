"""Renovation lecture permissions for the default roles."""

from django.db import migrations

from renovation.roles import LECTURE_ROLE_PERMS, install


def forwards(apps, schema_editor):
    install(apps, LECTURE_ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0009_lectures"),
        ("renovation", "0008_completion_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
