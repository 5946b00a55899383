"""Default service catalogue (R-CORE-6) and the permissions of the operations models for the
default roles; both stay editable in admin.

Frozen (issue 13): the grant helper is a private copy of salesite.roles.grant; the operations
models were in the salesite app when this ran (operations 0002 relabels their content types)."""

from django.db import migrations


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


CATALOGUE = [
    # code, name, order, services
    (
        "regular",
        "常规服务",
        10,
        ["形象展示", "车辆指引", "电瓶车接送", "迎宾指引", "茶饮提供", "样板房接待"],
    ),
    (
        "sales_support",
        "助销服务",
        20,
        ["接待参观", "营销/招商会活动配合", "会议商务服务", "客户大使"],
    ),
    ("featured", "特色服务", 30, []),
]
CATEGORY_DESCRIPTIONS = {
    "regular": "营销现场的基础服务。",
    "sales_support": "以补位服务助理地产营销的服务。",
    "featured": "根据项目实际情况及客户需求，结合客户体验设计的项目特色服务（由管理员添加）。",
}


def _perms(actions, models):
    return [f"salesite.{a}_{m}" for m in models for a in actions]


SITE_MODELS = ["sitearea", "servicepost", "shift", "rosterentry"]
PLAN_MODELS = ["serviceplan", "serviceplanservice"]
TRAINING_MODELS = ["trainingsession", "trainingattendance"]
EVENT_MODELS = ["marketingevent", "eventchecklistitem"]
INSPECTION_MODELS = ["inspection", "inspectionscore", "rectificationitem"]
VIEW_ALL = _perms(
    ["view"],
    SITE_MODELS
    + PLAN_MODELS
    + TRAINING_MODELS
    + EVENT_MODELS
    + INSPECTION_MODELS
    + ["servicetype", "servicecategory"],
)
MANAGE_SITE = _perms(["add", "change", "delete"], SITE_MODELS)
MANAGE = (
    MANAGE_SITE
    + _perms(["add", "change"], PLAN_MODELS + TRAINING_MODELS + EVENT_MODELS + ["servicetype"])
    + ["salesite.delete_serviceplanservice", "salesite.delete_trainingattendance"]
    + ["salesite.delete_eventchecklistitem", "salesite.submit_serviceplan"]
    + ["salesite.change_rectificationitem"]
)
PROPERTY_ROLES = [
    "cs_lead",
    "security_lead",
    "centre_head",
    "subsidiary_deputy",
    "subsidiary_gm",
    "hq_inspector",
    "front_desk",
    "customer_ambassador",
    "engineering",
    "security",
    "cashier",
    "archivist",
    "repair_team",
]
DEVELOPER_ROLES = [
    "dev_marketing_supervisor",
    "dev_marketing_manager",
    "dev_sales_director",
    "dev_regional_gm",
]


def create_catalogue(apps, schema_editor):
    ServiceCategory = apps.get_model("salesite", "ServiceCategory")
    ServiceType = apps.get_model("salesite", "ServiceType")
    for code, name, order, services in CATALOGUE:
        category, _ = ServiceCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order, "description": CATEGORY_DESCRIPTIONS[code]},
        )
        for i, service in enumerate(services, start=1):
            ServiceType.objects.get_or_create(
                category=category, project=None, name=service, defaults={"order": i * 10}
            )


def grant_permissions(apps, schema_editor):
    _grant(apps, PROPERTY_ROLES, VIEW_ALL)
    _grant(
        apps,
        DEVELOPER_ROLES,
        ["salesite.view_serviceplan", "salesite.view_marketingevent", "salesite.view_servicetype"],
    )
    _grant(apps, ["centre_head", "cs_lead"], MANAGE)
    # The security lead runs the security posts and their roster.
    _grant(apps, ["security_lead"], MANAGE_SITE + ["salesite.change_rectificationitem"])
    # Front desk and ambassadors tick event preparation items off.
    _grant(apps, ["front_desk", "customer_ambassador"], ["salesite.change_eventchecklistitem"])
    _grant(
        apps,
        ["hq_inspector"],
        _perms(["add", "change"], INSPECTION_MODELS)
        + ["salesite.verify_rectificationitem", "salesite.file_serviceplan"]
        + _perms(["add", "change"], ["servicetype"]),
    )


class Migration(migrations.Migration):
    dependencies = [("salesite", "0003_operations")]

    operations = [
        migrations.RunPython(create_catalogue, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
