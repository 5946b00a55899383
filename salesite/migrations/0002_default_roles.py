"""Default roles with their permissions (R-CORE-4) and the heartbeat schedule.

Frozen (issue 13): the roles and grants are the values salesite/roles.py held when this
migration was written, and the grant helper is a private copy, so editing the live code does
not rewrite history."""

from django.db import migrations

VIEW_CORE = [
    "salesite.view_project",
    "salesite.view_building",
    "salesite.view_unit",
    "salesite.view_customer",
    "salesite.view_purchase",
    "salesite.view_tenant",
]
EDIT_CUSTOMERS = [
    "salesite.add_customer",
    "salesite.change_customer",
    "salesite.add_purchase",
    "salesite.change_purchase",
    "salesite.add_tenant",
    "salesite.change_tenant",
]
EDIT_UNITS = [
    "salesite.add_building",
    "salesite.change_building",
    "salesite.add_unit",
    "salesite.change_unit",
    "salesite.import_register",
]
MANAGE_PROJECT = ["salesite.change_project", "salesite.change_marketing_phase"]
DEV_VIEW = ["salesite.view_project", "salesite.view_building", "salesite.view_unit"]

# code, name, side, scope, personal data, permissions
DEFAULT_ROLES = [
    ("cs_lead", "客服负责人", "property", "project", True, VIEW_CORE + EDIT_CUSTOMERS + EDIT_UNITS),
    ("security_lead", "安管负责人", "property", "project", False, VIEW_CORE),
    (
        "centre_head",
        "物管中心/处负责人",
        "property",
        "project",
        True,
        VIEW_CORE + EDIT_CUSTOMERS + EDIT_UNITS + MANAGE_PROJECT,
    ),
    (
        "subsidiary_deputy",
        "下属公司分管领导",
        "property",
        "company",
        True,
        VIEW_CORE + MANAGE_PROJECT,
    ),
    ("subsidiary_gm", "下属公司总经理", "property", "company", True, VIEW_CORE + MANAGE_PROJECT),
    ("hq_inspector", "总部住宅项目部", "property", "all", True, VIEW_CORE),
    ("front_desk", "客户助理/前台", "property", "project", True, VIEW_CORE + EDIT_CUSTOMERS),
    (
        "customer_ambassador",
        "客户大使",
        "property",
        "project",
        True,
        VIEW_CORE + ["salesite.change_customer"],
    ),
    ("engineering", "工程部", "property", "project", False, VIEW_CORE),
    ("security", "保安部", "property", "project", False, VIEW_CORE),
    ("cashier", "收银员", "property", "project", False, VIEW_CORE),
    ("archivist", "档案员", "property", "project", True, VIEW_CORE + EDIT_CUSTOMERS + EDIT_UNITS),
    ("repair_team", "维修组", "property", "project", False, VIEW_CORE),
    ("dev_marketing_supervisor", "营销/策划主管/主任", "developer", "project", False, DEV_VIEW),
    ("dev_marketing_manager", "营销/策划经理", "developer", "project", False, DEV_VIEW),
    ("dev_sales_director", "销售总监/项目总", "developer", "project", False, DEV_VIEW),
    ("dev_regional_gm", "地区公司总经理", "developer", "project", False, DEV_VIEW),
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
    """Add permissions to roles by code (a frozen copy of salesite.roles.grant)."""
    _ensure_permissions(apps)
    Role = apps.get_model("salesite", "Role")
    Permission = apps.get_model("auth", "Permission")
    objs = []
    for perm in perms:
        app_label, codename = perm.split(".")
        objs.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for role in Role.objects.filter(code__in=role_codes):
        role.permissions.add(*objs)


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
        _grant(apps, [code], perms)


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
