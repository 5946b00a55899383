"""Owner portal 看房问题: an owner sees the preview findings (R-HO-1) of their own units, with
state, deadline and photos — nothing of another owner's, and a tenant nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from handover import services as handover_services
from handover.services import previews
from salesite.models import Attachment
from tests import factories as f

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
OTHER_MOBILE = "13900000002"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FOUND = datetime.date(2099, 1, 5)


def _png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def other(purchase):
    unit = f.UnitFactory(building=purchase.unit.building)
    return f.PurchaseFactory(unit=unit, customer__phone=OTHER_MOBILE)


@pytest.fixture
def findings(purchase, other, member):
    """Two findings on the owner's unit (one fixed with a photo of the fix), one on another's."""
    project = purchase.unit.project
    lead = member("cs_lead", project)
    batch = handover_services.batch_create(
        project=project,
        name="一期",
        planned_delivery_date=datetime.date(2099, 2, 5),
        units=[purchase.unit, other.unit],
    )

    def add(unit, description, photo):
        return previews.findings_add(
            batch=batch,
            unit=unit,
            user=lead,
            found_on=FOUND,
            items=[
                {
                    "category": "finish",
                    "location": "客厅",
                    "description": description,
                    "responsible_unit": "装修单位",
                    "deadline": datetime.date(2099, 1, 20),
                    "photos": [_png(photo)],
                }
            ],
        )[0]

    mine = add(purchase.unit, "墙面裂缝", "mine.png")
    fixed = add(purchase.unit, "门框划痕", "door.png")
    previews.finding_mark_fixed(
        finding=fixed, user=lead, photos=[_png("door-after.png")], today=datetime.date(2099, 1, 9)
    )
    theirs = add(other.unit, "别人的问题", "theirs.png")
    return mine, fixed, theirs


def _photo(finding, name):
    return Attachment.objects.get(
        object_id=finding.pk, content_type__model="previewfinding", original_name=name
    )


def test_owner_sees_own_findings_with_photos(owner_client, findings):
    mine, fixed, _theirs = findings
    client = owner_client(MOBILE)
    html = client.get(reverse("owners:preview_findings")).content.decode()
    assert "墙面裂缝" in html and "门框划痕" in html and "别人的问题" not in html
    assert "待处理" in html and "已整改" in html and "2099-01-20" in html and "2099-01-09" in html
    before = reverse("owners:preview_finding_photo", args=[_photo(mine, "mine.png").pk])
    after = reverse("owners:preview_finding_photo", args=[_photo(fixed, "door-after.png").pk])
    assert before in html and after in html and "/media/" not in html
    response = client.get(after)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert (
        reverse("owners:preview_findings")
        in client.get(reverse("owners:handover")).content.decode()
    )


def test_another_owners_finding_photo_is_404(owner_client, findings):
    _mine, _fixed, theirs = findings
    client = owner_client(MOBILE)
    url = reverse("owners:preview_finding_photo", args=[_photo(theirs, "theirs.png").pk])
    assert client.get(url).status_code == 404
    assert owner_client(OTHER_MOBILE).get(url).status_code == 200


def test_a_tenant_sees_no_findings(owner_client, findings, purchase):
    mine, _fixed, _theirs = findings
    f.TenantFactory(unit=purchase.unit, phone="13700009999")
    tenant = owner_client("13700009999")
    html = tenant.get(reverse("owners:preview_findings")).content.decode()
    assert "墙面裂缝" not in html
    url = reverse("owners:preview_finding_photo", args=[_photo(mine, "mine.png").pk])
    assert tenant.get(url).status_code == 404


def test_staff_are_refused(client_for, member, findings, purchase):
    staff = client_for(member("cs_lead", purchase.unit.project))
    assert staff.get(reverse("owners:preview_findings")).status_code == 403


def test_queries_do_not_grow(owner_client, findings, django_assert_max_num_queries):
    client = owner_client(MOBILE)
    with django_assert_max_num_queries(8):
        client.get(reverse("owners:preview_findings"))
