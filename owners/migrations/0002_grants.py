"""Owner portal access for the default roles: the front desk and the customer-service lead may
disable or re-enable an owner's portal access; the roles that see customers may view it.

The values are frozen here as they were when this migration was written (a copy, not an
import of live code), so later edits to the roles do not rewrite history."""

from django.db import migrations

CHANGE = ["owners.view_owneraccess", "owners.change_owneraccess"]
VIEW = ["owners.view_owneraccess"]
ROLE_PERMS = {
    "front_desk": CHANGE,
    "cs_lead": CHANGE,
    "customer_ambassador": VIEW,
    "centre_head": VIEW,
    "subsidiary_deputy": VIEW,
    "subsidiary_gm": VIEW,
    "hq_inspector": VIEW,
}


def _ensure_permissions(apps):
    """Create the permission rows now (they are normally made after migrate finishes)."""
    from django.contrib.auth.management import create_permissions

    if getattr(apps, "_salesite_permissions_ensured", False):
        return
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
    for role, perms in ROLE_PERMS.items():
        _grant(apps, [role], perms)


class Migration(migrations.Migration):
    dependencies = [
        ("owners", "0001_initial"),
        ("salesite", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
