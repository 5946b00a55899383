import datetime

import pytest
from django.urls import reverse

from renovation.models import RenovationApplication, Status
from tests.factories import BuildingFactory, PurchaseFactory, UnitFactory

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_list_is_scoped_and_detail_of_other_project_is_404(
    member, client_for, project, other_project
):
    mine = ApplicationFactory(unit=UnitFactory(building=BuildingFactory(project=project)))
    theirs = ApplicationFactory(unit=UnitFactory(building=BuildingFactory(project=other_project)))
    c = client_for(member("front_desk", project))
    r = c.get(reverse("renovation:application_list"))
    assert r.status_code == 200
    assert mine.number in r.text and theirs.number not in r.text
    assert c.get(mine.get_absolute_url()).status_code == 200
    assert c.get(theirs.get_absolute_url()).status_code == 404


def test_front_desk_cannot_review(member, client_for, ready_app):
    app = ready_app()
    c = client_for(member("front_desk", app.project))
    url = reverse("renovation:application_review", args=[app.pk, "engineering"])
    assert c.get(url).status_code == 403
    assert c.post(url, {"decision": "approve"}).status_code == 403


def test_create_refuses_expired_licence_then_accepts(member, client_for, project):
    unit = UnitFactory(building=BuildingFactory(project=project))
    purchase = PurchaseFactory(unit=unit)
    c = client_for(member("front_desk", project))
    data = {
        "building": unit.building_id,
        "unit_number": unit.number,
        "applicant_kind": "owner",
        "contractor_name": "美家装饰",
        "contractor_head_name": "王工",
        "contractor_head_phone": "13800000000",
        "contractor_head_id_number": "330106198001010011",
        "contractor_head_id_valid_until": "2035-01-01",
        "business_licence_number": "L1",
        "business_licence_valid_until": "2020-01-01",
        "qualification_number": "Q1",
        "qualification_valid_until": "2035-01-01",
    }
    r = c.post(reverse("renovation:application_create"), data)
    assert r.status_code == 200
    assert "证件已过期" in r.text
    assert not RenovationApplication.objects.exists()
    data["business_licence_valid_until"] = "2035-01-01"
    r = c.post(reverse("renovation:application_create"), data)
    app = RenovationApplication.objects.get()
    assert r.status_code == 302
    assert app.owner == purchase.customer
    assert app.owner_name == purchase.customer.name
    assert app.documents.count() == 10


def test_unknown_unit_number_is_a_form_error(member, client_for, project):
    building = BuildingFactory(project=project)
    c = client_for(member("front_desk", project))
    r = c.post(
        reverse("renovation:application_create"), {"building": building.pk, "unit_number": "9999"}
    )
    assert "没有房号" in r.text


def test_submit_and_review_in_browser(member, client_for, ready_app):
    app = ready_app()
    fd = client_for(member("front_desk", app.project))
    r = fd.post(reverse("renovation:application_submit", args=[app.pk]), follow=True)
    assert "已提交" in r.text and "审核截止时间" in r.text
    head = client_for(member("centre_head", app.project))
    for side in ("engineering", "cs"):
        r = head.post(
            reverse("renovation:application_review", args=[app.pk, side]), {"decision": "approve"}
        )
        assert r.status_code == 302
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.APPROVED


def test_submit_error_is_shown(member, client_for, ready_app):
    app = ready_app(qualification_valid_until=datetime.date(2020, 1, 1))
    c = client_for(member("front_desk", app.project))
    r = c.post(reverse("renovation:application_submit", args=[app.pk]), follow=True)
    assert "资质证书已于 2020-01-01 过期" in r.text


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_is_bounded(
    member, client_for, project, rows, django_assert_max_num_queries
):
    building = BuildingFactory(project=project)
    for _ in range(rows):
        ApplicationFactory(unit=UnitFactory(building=building))
    c = client_for(member("front_desk", project))
    with django_assert_max_num_queries(14):
        r = c.get(reverse("renovation:application_list"))
    assert r.status_code == 200


def test_detail_query_count(member, client_for, ready_app, django_assert_max_num_queries):
    app = ready_app()
    c = client_for(member("front_desk", app.project))
    with django_assert_max_num_queries(30):
        assert c.get(app.get_absolute_url()).status_code == 200
