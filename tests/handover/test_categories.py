"""Categories as admin-edited rows (issue #20, item 4): forms offer the active rows, a
deactivated category still labels the records that hold it, records keep storing the code."""

import datetime

import pytest

from feedback import selectors as feedback_selectors
from feedback.forms import CaseForm, PatrolForm
from feedback.models import AmbassadorPatrol, Case, ComplaintCategoryOption, DefectCategoryOption
from handover.forms import DefectForm
from handover.models import InspectionDefect, InspectionDefectCategoryOption, MockInspection
from salesite.models import Project
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db


def offered(field):
    return [code for code, _name in field.choices]


def test_the_seeded_categories_are_todays_choices():
    assert list(ComplaintCategoryOption.objects.values_list("code", "name", "defect_category")) == [
        ("design", "设计", "design"),
        ("build_quality", "工程质量", "engineering"),
        ("sales", "销售", "sales"),
        ("service", "服务", "service"),
        ("other", "其他", "service"),
    ]
    assert list(DefectCategoryOption.objects.values_list("code", flat=True)) == [
        "design",
        "engineering",
        "sales",
        "service",
    ]
    assert list(InspectionDefectCategoryOption.objects.values_list("code", flat=True)) == [
        "civil",
        "finish",
        "plumbing",
        "electrical",
        "doors_windows",
        "other",
    ]


def test_a_deactivated_inspection_category_is_not_offered_but_old_defects_keep_the_label(
    project,
):
    batch = make_batch(project, units=1)
    inspection = MockInspection.objects.create(
        project=project,
        batch=batch,
        unit=batch.units.get(),
        round=1,
        inspected_on=datetime.date(2027, 1, 5),
    )
    defect = InspectionDefect.objects.create(
        project=project,
        inspection=inspection,
        location="卫生间",
        category="plumbing",
        description="地漏反水",
        responsible_unit="总包",
        deadline=datetime.date(2027, 2, 1),
    )
    InspectionDefectCategoryOption.objects.filter(code="plumbing").update(active=False)
    InspectionDefectCategoryOption.objects.create(code="fire", name="消防", order=7)

    choices = offered(DefectForm().fields["category"])
    assert "plumbing" not in choices and "fire" in choices
    assert not DefectForm(data={"category": "plumbing"}).is_valid()
    defect.refresh_from_db()
    assert defect.category == "plumbing" and defect.get_category_display() == "给排水"


def test_complaint_and_patrol_categories_follow_the_rows(project):
    ComplaintCategoryOption.objects.filter(code="sales").update(active=False)
    ComplaintCategoryOption.objects.create(
        code="property", name="物业服务", order=6, defect_category="service"
    )
    DefectCategoryOption.objects.filter(code="sales").update(active=False)
    projects = Project.objects.filter(pk=project.pk)
    case_choices = offered(CaseForm(projects=projects).fields["complaint_category"])
    assert "sales" not in case_choices and "property" in case_choices
    assert "sales" not in offered(PatrolForm(projects=projects).fields["category"])

    old = Case.objects.create(
        project=project,
        kind="complaint",
        complaint_category="sales",
        subject="旧投诉",
        received_at=datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC),
    )
    assert old.get_complaint_category_display() == "销售"
    patrol = AmbassadorPatrol.objects.create(
        project=project,
        area="北区",
        patrolled_on=datetime.date(2026, 2, 1),
        category="sales",
        finding="售楼处标识缺失",
    )
    assert patrol.get_category_display() == "销售"
    # The report keeps a deactivated line that has counts, and counts a new category's
    # complaints under its defect line.
    Case.objects.create(
        project=project,
        kind="complaint",
        complaint_category="property",
        subject="新投诉",
        received_at=datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC),
    )
    rows = {
        r["category"].code: r
        for r in feedback_selectors.defect_report([project], year=2026, quarter=1)
    }
    assert rows["sales"]["complaints"] == 1 and rows["sales"]["patrols"] == 1
    assert rows["service"]["complaints"] == 1
