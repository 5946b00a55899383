"""Defaults of defect feedback and loyalty (editable in admin afterwards): permissions and the
reward rules of R-FB-12 (1 % off a repeat purchase; one year of management fee waived for a
referrer whose referral signs)."""

from decimal import Decimal

from django.db import migrations

PATROL_VIEW = [
    "cs_lead",
    "centre_head",
    "subsidiary_deputy",
    "subsidiary_gm",
    "hq_inspector",
    "customer_ambassador",
    "engineering",
    "dev_marketing_manager",
    "dev_sales_director",
    "dev_regional_gm",
]
LOYALTY_VIEW = [
    "cs_lead",
    "centre_head",
    "subsidiary_deputy",
    "subsidiary_gm",
    "hq_inspector",
    "front_desk",
    "dev_marketing_supervisor",
    "dev_marketing_manager",
    "dev_sales_director",
    "dev_regional_gm",
]
LOYALTY_EDIT = ["cs_lead", "front_desk", "dev_marketing_supervisor", "dev_marketing_manager"]


# A private copy of salesite.roles.grant as it was when this migration was written: a
# migration must not import live code (issue 13, item 5).
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


def grant(apps, role_codes, perms):
    """Add permissions to roles by code."""
    _ensure_permissions(apps)
    Role = apps.get_model("salesite", "Role")
    Permission = apps.get_model("auth", "Permission")
    objs = []
    for perm in perms:
        app_label, codename = perm.split(".")
        objs.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for role in Role.objects.filter(code__in=role_codes):
        role.permissions.add(*objs)


def grant_permissions(apps, schema_editor):
    grant(apps, PATROL_VIEW, ["feedback.view_ambassadorpatrol"])
    grant(
        apps,
        ["customer_ambassador", "cs_lead"],
        ["feedback.add_ambassadorpatrol", "feedback.change_ambassadorpatrol"],
    )
    grant(apps, LOYALTY_VIEW, ["feedback.view_referral", "feedback.view_repeatpurchase"])
    grant(
        apps,
        LOYALTY_EDIT,
        [
            "feedback.add_referral",
            "feedback.change_referral",
            "feedback.add_repeatpurchase",
            "feedback.change_repeatpurchase",
        ],
    )


def create_reward_rules(apps, schema_editor):
    RewardRule = apps.get_model("feedback", "RewardRule")
    if not RewardRule.objects.filter(kind="repeat").exists():
        RewardRule.objects.create(
            kind="repeat", name="老业主再次购房优惠1%", discount_percent=Decimal("1.00")
        )
    if not RewardRule.objects.filter(kind="referral").exists():
        RewardRule.objects.create(
            kind="referral", name="推荐成交免一年物业管理费", fee_waiver_months=12
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0006_quality_loyalty")]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_reward_rules, migrations.RunPython.noop),
    ]
