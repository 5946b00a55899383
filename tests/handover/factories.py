"""Factories for the handover app's tests."""

import datetime

import factory

from handover import services
from handover.models import FeeBasis, FeeItem
from tests import factories as f


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    project = factory.SubFactory(f.ProjectFactory)
    name = factory.Sequence(lambda n: f"物业管理费{n}")
    basis = FeeBasis.PER_SQM_MONTH
    rate = "2.50"


def make_batch(project, *, units=3, date=datetime.date(2027, 6, 30), name="一期"):
    building = f.BuildingFactory(project=project)
    for _ in range(units):
        f.UnitFactory(building=building)
    return services.batch_create(
        project=project, name=name, planned_delivery_date=date, buildings=[building]
    )


def sold_unit(project, *, area="100.00", building=None):
    building = building or f.BuildingFactory(project=project)
    unit = f.UnitFactory(building=building, area=area)
    purchase = f.PurchaseFactory(unit=unit)
    return unit, purchase


def run_steps(case, user, upto, *, handover_date=datetime.date(2027, 6, 30), cashier=None):
    """Complete the steps 1..upto of a case with valid data."""
    steps = [
        lambda: services.step_verify(case=case, user=user, id_checked=True, contract_checked=True),
        lambda: services.step_copies(case=case, user=user, copies=["id_copy"]),
        lambda: services.step_owner_file(
            case=case, user=user, emergency_phone="13900001111", birthday=datetime.date(1980, 2, 3)
        ),
        lambda: services.step_safety(case=case, user=user, signed=True),
        lambda: services.step_fees(case=case, user=user, handover_date=handover_date),
        lambda: services.step_payment(
            case=case,
            user=cashier or user,
            amount=type(case).objects.get(pk=case.pk).fee_total,
            receipt_number="R001",
        ),
        lambda: services.step_keys_ready(case=case, user=user, keys_count=3, handbooks_ready=True),
        lambda: services.step_handed_over(case=case, user=user, owner_signed=True),
        lambda: services.step_summary(case=case, user=user),
    ]
    for fn in steps[:upto]:
        fn()
    case.refresh_from_db()
    return case
