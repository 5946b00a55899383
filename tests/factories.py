"""factory_boy factories for the core models, shared by every app's tests."""

import datetime
import random

import factory
from django.contrib.auth.hashers import make_password

from salesite.models import (
    Building,
    Company,
    Customer,
    Project,
    ProjectMembership,
    Purchase,
    Role,
    Tenant,
    Unit,
    User,
)

PASSWORD = "pw-Test-2026"
_PASSWORD_HASH = make_password(PASSWORD, hasher="md5")


def valid_id_number(seq: int) -> str:
    """A mainland ID number with a correct check digit, unique per seq."""
    body = (
        f"330106{datetime.date(1980, 1, 1) + datetime.timedelta(days=seq):%Y%m%d}{seq % 1000:03d}"
    )
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"公司{n}")
    kind = Company.Kind.SERVICE_CENTRE


class HQFactory(CompanyFactory):
    kind = Company.Kind.PROPERTY_HQ


class SubsidiaryFactory(CompanyFactory):
    kind = Company.Kind.PROPERTY_SUBSIDIARY
    parent = factory.SubFactory(HQFactory)


class CentreFactory(CompanyFactory):
    kind = Company.Kind.SERVICE_CENTRE
    parent = factory.SubFactory(SubsidiaryFactory)


class DeveloperCityFactory(CompanyFactory):
    kind = Company.Kind.DEVELOPER_CITY


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"项目{n}")
    code = factory.Sequence(lambda n: f"p{n}")
    developer_company = factory.SubFactory(DeveloperCityFactory)
    service_centre = factory.SubFactory(CentreFactory)
    property_company = factory.LazyAttribute(lambda o: o.service_centre.parent)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = _PASSWORD_HASH


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = factory.LazyFunction(lambda: Role.objects.get(code="front_desk"))


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"{n}幢")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: f"{100 + n}")
    floor = 1
    unit_type = "三室两厅"
    area = "100.00"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = factory.Sequence(valid_id_number)
    birthday = datetime.date(1985, 5, 1)
    emergency_contact = "联系人"
    emergency_phone = factory.LazyFunction(lambda: f"138{random.randint(10**7, 10**8 - 1)}")


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purchase

    unit = factory.SubFactory(UnitFactory)
    customer = factory.SubFactory(
        CustomerFactory, project=factory.SelfAttribute("..unit.building.project")
    )
    subscribed_on = datetime.date(2026, 1, 5)
    signed_on = datetime.date(2026, 1, 15)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"租户{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")


def member(role_code: str, project=None, **user_kwargs):
    """A user with that role on the project (a new project if none is given); the ``member``
    fixture."""
    project = project or ProjectFactory()
    user = UserFactory(company=project.service_centre, **user_kwargs)
    MembershipFactory(user=user, project=project, role=Role.objects.get(code=role_code))
    return user
