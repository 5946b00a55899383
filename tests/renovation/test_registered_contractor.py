"""Issue #16: a renovation application may pick its contractor from the core's register
(only an active or probation contractor of the unit's project); the text fields stay."""

import pytest
from django.urls import reverse

from renovation.models import RenovationApplication
from tests.contractor_factories import contractor_for
from tests.factories import BuildingFactory, PurchaseFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _data(unit, **extra):
    return {
        "building": unit.building_id,
        "unit_number": unit.number,
        "applicant_kind": "owner",
        "contractor_name": "",
        "contractor_head_name": "王工",
        "contractor_head_phone": "13800000000",
        "contractor_head_id_number": "330106198001010011",
        "contractor_head_id_valid_until": "2035-01-01",
        "business_licence_number": "L1",
        "business_licence_valid_until": "2035-01-01",
        "qualification_number": "Q1",
        "qualification_valid_until": "2035-01-01",
        **extra,
    }


def test_an_application_picks_a_registered_contractor(member, client_for, project, other_project):
    unit = UnitFactory(building=BuildingFactory(project=project))
    PurchaseFactory(unit=unit)
    registered = contractor_for(project, name="美家装饰（登记）")
    elsewhere = contractor_for(other_project, name="外项目单位")
    gone = contractor_for(project, name="淘汰单位", status="eliminated")
    client = client_for(member("front_desk", project))
    url = reverse("renovation:application_create")
    form = client.get(url).content.decode()
    assert "美家装饰（登记）" in form and "外项目单位" not in form and "淘汰单位" not in form
    # Neither a name nor a pick: a clear error.
    response = client.post(url, _data(unit))
    assert "请填写装修单位或从登记册中选择" in response.content.decode()
    for wrong in (elsewhere, gone):
        response = client.post(url, _data(unit, registered_contractor=wrong.pk))
        assert response.status_code == 200
    assert not RenovationApplication.objects.exists()
    response = client.post(url, _data(unit, registered_contractor=registered.pk))
    assert response.status_code == 302
    app = RenovationApplication.objects.get()
    assert app.registered_contractor == registered
    assert app.contractor_name == "美家装饰（登记）"  # filled from the register
    # The free text still works alone.
    app.delete()
    response = client.post(url, _data(unit, contractor_name="业主自找装修队"))
    assert RenovationApplication.objects.get().registered_contractor is None
