"""The content types of the moved models change app label, salesite → operations, keeping
their ids: the permissions (and so the roles' grants), the audit log entries, the admin log
and the attachments' generic keys keep pointing at the same rows.

A database migrated from scratch may already hold an ``operations`` content type for a model
(a data migration that creates permissions ran while both apps held the model in the
migration state): its permissions, grants and generic keys are merged into the ``salesite``
one, which is then renamed. Self-contained: it imports no application code."""

from django.db import migrations

MOVED_MODELS = [
    "sitearea",
    "shift",
    "servicepost",
    "rosterentry",
    "servicecategory",
    "servicetype",
    "serviceplan",
    "serviceplanservice",
    "serviceplanhistory",
    "trainingsession",
    "trainingattendance",
    "marketingevent",
    "eventchecklistitem",
    "eventhistory",
    "inspectionchecklist",
    "inspectionitem",
    "inspection",
    "inspectionscore",
    "rectificationitem",
]


def _fks_to(apps, target):
    """(model, field name) of every foreign key in the migration state pointing to target."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                field.many_to_one
                and field.concrete
                and field.related_model is not None
                and field.related_model._meta.label_lower == target._meta.label_lower
            ):
                yield model, field.name


def _merge_permission(apps, Permission, dup, keep):
    """Move every reference (grants to roles, groups and users) from dup to keep."""
    for model, name in _fks_to(apps, Permission):
        for row in model._default_manager.filter(**{name: dup}):
            others = {
                f.name: getattr(row, f.attname)
                for f in model._meta.concrete_fields
                if not f.primary_key and f.name != name
            }
            exists = model._default_manager.filter(**{name: keep}, **others).exists()
            if model._meta.auto_created and exists:
                row.delete()  # the grant is already there: drop the duplicate
            else:
                setattr(row, name, keep)
                row.save(update_fields=[name])
    dup.delete()


def _merge_content_type(apps, ContentType, Permission, dup, keep):
    for perm in Permission.objects.filter(content_type=dup):
        same = Permission.objects.filter(content_type=keep, codename=perm.codename).first()
        if same is None:
            perm.content_type = keep
            perm.save(update_fields=["content_type"])
        else:
            _merge_permission(apps, Permission, perm, same)
    for model, name in _fks_to(apps, ContentType):
        if model._meta.label_lower == "auth.permission":
            continue
        model._default_manager.filter(**{name: dup}).update(**{name: keep})
    dup.delete()


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MOVED_MODELS:
        old = ContentType.objects.filter(app_label="salesite", model=model).first()
        if old is None:
            continue  # a fresh database: created after migrate with the new label
        new = ContentType.objects.filter(app_label="operations", model=model).first()
        if new is not None:
            _merge_content_type(apps, ContentType, Permission, new, old)
        old.app_label = "operations"
        old.save(update_fields=["app_label"])


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="operations", model__in=MOVED_MODELS).update(
        app_label="salesite"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        ("salesite", "0009_operations_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
