"""factory_boy factories for the renovation app."""

import datetime

import factory

from renovation import services
from renovation.models import ApplicationDocument, RenovationApplication
from tests.factories import UnitFactory

FAR = datetime.date(2036, 12, 31)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RenovationApplication

    unit = factory.SubFactory(UnitFactory)
    project = factory.LazyAttribute(lambda o: o.unit.building.project)
    number = factory.Sequence(lambda n: f"ZXT-{n:05d}")
    owner_name = factory.Sequence(lambda n: f"业主{n}")
    owner_phone = factory.Sequence(lambda n: f"139{n:08d}")
    contractor_name = "美家装饰有限公司"
    contractor_head_name = "王工"
    contractor_head_phone = "13800000000"
    contractor_head_id_number = "330106198001010011"
    contractor_head_id_valid_until = FAR
    business_licence_number = "91330100MA000000X"
    business_licence_valid_until = FAR
    qualification_number = "D233000001"
    qualification_valid_until = FAR


def complete_documents(app):
    services.application_save(application=app, user=None)
    ApplicationDocument.objects.filter(application=app).update(received=True)
    return app


def fee_schedule(
    project, deposit="2000.00", management_per_m2="3.00", debris="300.00", per_pass="10.00"
):
    from renovation.models import FeeItem

    for kind, basis, rate in [
        ("deposit", "fixed", deposit),
        ("management", "per_m2", management_per_m2),
        ("debris", "fixed", debris),
        ("worker_pass", "per_pass", per_pass),
    ]:
        FeeItem.objects.update_or_create(
            project=project, kind=kind, defaults={"basis": basis, "rate": rate}
        )


ACKS = {
    "ack_fire": True,
    "ack_working_hours": True,
    "ack_moving_hours": True,
    "ack_no_facade_change": True,
    "ack_no_window_grilles": True,
}


def active_in(project, n=1, permitted_on=datetime.date(2026, 3, 1), **kwargs):
    """``n`` permitted (active) renovations in a project, made directly (fast, for lists)."""
    from django.utils import timezone

    from renovation.models import Status
    from tests.factories import BuildingFactory

    building = BuildingFactory(project=project)
    permitted_at = timezone.make_aware(datetime.datetime.combine(permitted_on, datetime.time(9)))
    return [
        ApplicationFactory(
            unit=UnitFactory(building=building),
            status=Status.PERMITTED,
            permitted_at=permitted_at,
            **kwargs,
        )
        for _ in range(n)
    ]
