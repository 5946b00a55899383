"""Completion application and inspection permissions for the default roles.

The values are frozen here as they were when this migration was written (a copy, not an
import of live code), so later edits to the roles do not rewrite history."""

from django.db import migrations

COMPLETION_ROLE_PERMS = {
    role: ["renovation.view_completioninspection"] + extra
    for role, extra in {
        "front_desk": ["renovation.add_completioninspection"],
        "cs_lead": ["renovation.add_completioninspection"],
        "engineering": ["renovation.inspect_completion"],
        "security": ["renovation.inspect_completion"],
        "security_lead": ["renovation.inspect_completion"],
        "centre_head": ["renovation.add_completioninspection", "renovation.inspect_completion"],
        "customer_ambassador": [],
        "archivist": [],
        "subsidiary_deputy": [],
        "subsidiary_gm": [],
        "hq_inspector": [],
    }.items()
}


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


def forwards(apps, schema_editor):
    for role, perms in COMPLETION_ROLE_PERMS.items():
        _grant(apps, [role], perms)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0007_completion_inspection"),
        ("renovation", "0006_violation_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
