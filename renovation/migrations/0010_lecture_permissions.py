"""Renovation lecture permissions for the default roles.

The values are frozen here as they were when this migration was written (a copy, not an
import of live code), so later edits to the roles do not rewrite history."""

from django.db import migrations

LECTURE_EDIT = ["renovation.add_renovationlecture", "renovation.change_renovationlecture"]
LECTURE_VIEW = ["renovation.view_renovationlecture", "renovation.view_lectureattendee"]
LECTURE_ROLE_PERMS = {
    "front_desk": LECTURE_VIEW + LECTURE_EDIT,
    "cs_lead": LECTURE_VIEW + LECTURE_EDIT,
    "customer_ambassador": LECTURE_VIEW + LECTURE_EDIT,
    "centre_head": LECTURE_VIEW + LECTURE_EDIT,
    "engineering": LECTURE_VIEW,
    "security": LECTURE_VIEW,
    "security_lead": LECTURE_VIEW,
    "archivist": LECTURE_VIEW,
    "subsidiary_deputy": LECTURE_VIEW,
    "subsidiary_gm": LECTURE_VIEW,
    "hq_inspector": LECTURE_VIEW,
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
    for role, perms in LECTURE_ROLE_PERMS.items():
        _grant(apps, [role], perms)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0009_lectures"),
        ("renovation", "0008_completion_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
