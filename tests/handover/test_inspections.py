"""Mock inspections (R-HO-2): defects with photos; the second round verifies the first."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from handover.models import InspectionDefect, MockInspection, Verification
from handover.services import inspections
from salesite.exceptions import DomainError
from salesite.models import Attachment
from tests import factories as f
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 1)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def batch(project):
    return make_batch(project, units=2)


def add_defect(inspection, **kw):
    data = dict(
        location="主卧",
        category="finish",
        description="墙面开裂",
        responsible_unit="总包",
        deadline=DAY + datetime.timedelta(days=20),
    )
    data.update(kw)
    return inspections.defect_add(inspection=inspection, user=None, **data)


def test_second_round_verifies_each_defect_of_the_first(batch):
    unit = batch.units.first()
    with pytest.raises(DomainError, match="第一次"):
        inspections.inspection_start(batch=batch, unit=unit, round=2, user=None)
    first = inspections.inspection_start(
        batch=batch, unit=unit, round=1, user=None, inspected_on=DAY
    )
    d1, d2 = add_defect(first), add_defect(first, location="厨房")
    with pytest.raises(DomainError, match="第一次"):
        inspections.inspection_start(batch=batch, unit=unit, round=2, user=None)
    inspections.inspection_complete(inspection=first, user=None)
    with pytest.raises(DomainError):
        add_defect(first)
    second = inspections.inspection_start(
        batch=batch, unit=unit, round=2, user=None, inspected_on=DAY + datetime.timedelta(days=30)
    )
    inspections.defect_verify(second=second, defect=d1, result=Verification.FIXED, user=None)
    with pytest.raises(DomainError, match="1 个问题未复验"):
        inspections.inspection_complete(inspection=second, user=None)
    inspections.defect_verify(second=second, defect=d2, result=Verification.NOT_FIXED, user=None)
    inspections.inspection_complete(inspection=second, user=None)
    assert set(InspectionDefect.objects.values_list("verification", flat=True)) == {
        "fixed",
        "not_fixed",
    }


def test_cannot_verify_another_units_defect_or_from_a_first_round(batch):
    u1, u2 = list(batch.units.all())
    first1 = inspections.inspection_start(
        batch=batch, unit=u1, round=1, user=None, inspected_on=DAY
    )
    first2 = inspections.inspection_start(
        batch=batch, unit=u2, round=1, user=None, inspected_on=DAY
    )
    d_other = add_defect(first2)
    inspections.inspection_complete(inspection=first1, user=None)
    second = inspections.inspection_start(batch=batch, unit=u1, round=2, user=None)
    with pytest.raises(DomainError, match="不属于"):
        inspections.defect_verify(second=second, defect=d_other, result="fixed", user=None)
    with pytest.raises(DomainError, match="第二次"):
        inspections.defect_verify(second=first2, defect=d_other, result="fixed", user=None)


def test_unit_must_be_in_batch_and_round_unique(batch, project):
    stray = f.UnitFactory(building=f.BuildingFactory(project=project))
    with pytest.raises(DomainError, match="不在本交付批次"):
        inspections.inspection_start(batch=batch, unit=stray, round=1, user=None)
    unit = batch.units.first()
    inspections.inspection_start(batch=batch, unit=unit, round=1, user=None)
    with pytest.raises(DomainError, match="已登记"):
        inspections.inspection_start(batch=batch, unit=unit, round=1, user=None)


def test_inspection_pages_with_photo(
    client_for, member, project, other_project, batch, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    unit = batch.units.first()
    eng = client_for(member("engineering", project))
    r = eng.post(
        reverse("handover:inspection_create"),
        {
            "batch": batch.pk,
            "round": 1,
            "building": unit.building_id,
            "number": unit.number,
            "inspected_on": "2027-03-01",
        },
    )
    assert r.status_code == 302
    inspection = MockInspection.objects.get()
    r = eng.post(
        inspection.get_absolute_url(),
        {
            "location": "客厅",
            "category": "civil",
            "description": "地面空鼓",
            "responsible_unit": "总包",
            "deadline": "2027-03-20",
            "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    defect = InspectionDefect.objects.get()
    assert Attachment.objects.filter(object_id=defect.pk).count() == 1
    page = eng.get(inspection.get_absolute_url()).content.decode()
    assert "地面空鼓" in page and "整改前" in page
    assert eng.get(reverse("handover:inspection_list")).status_code == 200
    desk = client_for(member("front_desk", project))
    assert desk.post(inspection.get_absolute_url(), {"location": "x"}).status_code == 403
    other = client_for(member("engineering", other_project))
    assert other.get(inspection.get_absolute_url()).status_code == 404
    assert (
        eng.post(reverse("handover:inspection_complete", args=[inspection.pk])).status_code == 302
    )


@pytest.mark.parametrize("n", [3, 30])
def test_inspection_list_bounded(client_for, member, project, django_assert_max_num_queries, n):
    batch = make_batch(project, units=n)
    for unit in batch.units.all():
        i = inspections.inspection_start(
            batch=batch, unit=unit, round=1, user=None, inspected_on=DAY
        )
        add_defect(i)
    c = client_for(member("engineering", project))
    c.get(reverse("handover:index"))
    with django_assert_max_num_queries(12):
        c.get(reverse("handover:inspection_list"))
