"""Violation, fine, hot-work and refused-material permissions for the default roles.

The values are frozen here as they were when this migration was written (a copy, not an
import of live code), so later edits to the roles do not rewrite history."""

from django.db import migrations

SITE_VIEW = [
    "renovation.view_violation",
    "renovation.view_fine",
    "renovation.view_hotworkpermit",
    "renovation.view_materialrefusal",
]
RECORD_VIOLATION = ["renovation.add_violation", "renovation.change_violation"]
VIOLATION_ROLE_PERMS = {
    "front_desk": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_fine", "renovation.add_hotworkpermit", "renovation.add_materialrefusal"],
    "cs_lead": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_fine", "renovation.add_hotworkpermit", "renovation.add_materialrefusal"],
    "engineering": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_hotworkpermit", "renovation.approve_hot_work"],
    "security": SITE_VIEW
    + RECORD_VIOLATION
    + ["renovation.add_hotworkpermit", "renovation.add_materialrefusal"],
    "security_lead": SITE_VIEW
    + RECORD_VIOLATION
    + [
        "renovation.add_hotworkpermit",
        "renovation.approve_hot_work",
        "renovation.add_materialrefusal",
    ],
    # The project manager (物管中心负责人) approves fines.
    "centre_head": SITE_VIEW
    + RECORD_VIOLATION
    + [
        "renovation.add_fine",
        "renovation.approve_fine",
        "renovation.add_hotworkpermit",
        "renovation.approve_hot_work",
        "renovation.add_materialrefusal",
    ],
    "customer_ambassador": SITE_VIEW,
    "archivist": SITE_VIEW,
    "subsidiary_deputy": SITE_VIEW,
    "subsidiary_gm": SITE_VIEW,
    "hq_inspector": SITE_VIEW,
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
    for role, perms in VIOLATION_ROLE_PERMS.items():
        _grant(apps, [role], perms)


class Migration(migrations.Migration):
    dependencies = [
        ("renovation", "0005_violations_fines_hot_work"),
        ("renovation", "0004_patrol_permissions_and_schedule"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
