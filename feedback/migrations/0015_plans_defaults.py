"""The default feedback categories (SPEC R-FB-3, R-FB-11), as the enums held them: complaint
categories (each counted under a defect category in the quarterly report: "other" counts as
service) and defect categories. A frozen copy of the data."""

from django.db import migrations

DEFECT_CATEGORIES = [
    ("design", "设计"),
    ("engineering", "工程"),
    ("sales", "销售"),
    ("service", "服务"),
]

# (code, name, defect category)
COMPLAINT_CATEGORIES = [
    ("design", "设计", "design"),
    ("build_quality", "工程质量", "engineering"),
    ("sales", "销售", "sales"),
    ("service", "服务", "service"),
    ("other", "其他", "service"),
]


def create_defaults(apps, schema_editor):
    Defect = apps.get_model("feedback", "DefectCategoryOption")
    Complaint = apps.get_model("feedback", "ComplaintCategoryOption")
    for order, (code, name) in enumerate(DEFECT_CATEGORIES, start=1):
        Defect.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, defect) in enumerate(COMPLAINT_CATEGORIES, start=1):
        Complaint.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "defect_category": defect}
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("feedback", "DefectCategoryOption").objects.all().delete()
    apps.get_model("feedback", "ComplaintCategoryOption").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0014_plans_tables")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
