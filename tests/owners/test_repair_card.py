"""The repair card on the owner portal (issue #16 item 6): the owner of a dispatched repair
sees the registered contractor with its on-site lead, the supervisor and the ambassador with
their phones; another owner gets a 404 and a tenant reading a shared repair no card."""

import pytest
from django.urls import reverse

from feedback import services as fs
from feedback.models import AmbassadorAssignment, CaseKind
from owners.models import UnitSharing
from owners.selectors import load_owner
from owners.services.cases import owner_case_submit
from tests import factories as f
from tests.contractor_factories import contractor_for, training_for

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
TENANT = "13700000009"


def test_only_the_cases_owner_sees_the_card(purchase, owner_client, member):
    project = purchase.unit.project
    case = owner_case_submit(
        owner=load_owner(MOBILE),
        unit_id=purchase.unit_id,
        kind=CaseKind.REPAIR,
        content="厨房水龙头滴水",
        location="厨房",
    )
    contractor = contractor_for(
        project, name="安居水电", tech_lead_name="赵工", tech_lead_phone="13600000001"
    )
    training_for(contractor, project)
    supervisor = member("repair_team", project, name="钱监理", phone="13600000002")
    ambassador = member("customer_ambassador", project, name="孙大使", phone="13600000003")
    AmbassadorAssignment.objects.create(
        project=project, user=ambassador, building=purchase.unit.building
    )
    fs.case_dispatch(
        case=case, responsible_person="维修组", contractor=contractor, repair_supervisor=supervisor
    )
    url = reverse("owners:case_detail", args=[case.pk])
    body = owner_client(MOBILE).get(url).content.decode()
    for text in (
        "安居水电",
        "赵工",
        "13600000001",
        "钱监理",
        "13600000002",
        "孙大使",
        "13600000003",
    ):
        assert text in body
    # Another owner: a 404, nothing of the card.
    f.PurchaseFactory(customer__phone="13900000002")
    other = owner_client("13900000002").get(url)
    assert other.status_code == 404 and "安居水电" not in other.content.decode()
    # A tenant of the unit reading the shared repair: the case, not the card.
    f.TenantFactory(unit=purchase.unit, phone=TENANT)
    UnitSharing.objects.create(unit=purchase.unit, share_repairs=True)
    tenant = owner_client(TENANT).get(url)
    assert tenant.status_code == 200
    assert "13600000002" not in tenant.content.decode()
