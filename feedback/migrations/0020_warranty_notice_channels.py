"""The notice-board posting and phone calls of a warranty-expiry notice (R-FB-7), and who may
see and record them (the roles that see and collect on the warranty ledger)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PROPERTY_ALL = [
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
RECORDERS = ["front_desk", "customer_ambassador", "cs_lead", "centre_head", "engineering"]
VIEW = ["feedback.view_warrantynoticechannel"]
RECORD = ["feedback.add_warrantynoticechannel", "feedback.change_warrantynoticechannel"]


# A private copy of salesite.roles.grant as it was when this migration was written: a
# migration must not import live code.
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


def grant(apps, role_codes, perms):
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
    grant(apps, PROPERTY_ALL, VIEW)
    grant(apps, RECORDERS, RECORD)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0019_callback_reassignments"),
        ("salesite", "0012_project_service_hours"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WarrantyNoticeChannel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("notice_board", "公告栏张贴"), ("phone", "电话通知")],
                        max_length=20,
                        verbose_name="通知方式",
                    ),
                ),
                ("done_at", models.DateTimeField(verbose_name="完成时间")),
                ("reached", models.BooleanField(blank=True, null=True, verbose_name="已接通")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="备注")),
                ("recorded_at", models.DateTimeField(auto_now=True, verbose_name="记录时间")),
                (
                    "done_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="执行人",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notice_channels",
                        to="feedback.warrantyitem",
                        verbose_name="保修项目",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="salesite.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="记录人",
                    ),
                ),
            ],
            options={
                "verbose_name": "保修到期通知记录（公告栏/电话）",
                "verbose_name_plural": "保修到期通知记录（公告栏/电话）",
                "ordering": ["item", "channel"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("item", "channel"),
                        name="warrantynoticechannel_unique",
                        violation_error_message="该保修项目已记录过此通知方式。",
                    )
                ],
            },
        ),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
