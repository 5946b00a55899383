"""factory_boy factories of the communication app."""

import datetime
import zoneinfo

import factory

from communication.models import CommunicationLevel, CommunicationRecord, Problem
from tests import factories as f

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0) -> datetime.datetime:
    """An aware Asia/Shanghai datetime."""
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def level(code: str) -> CommunicationLevel:
    return CommunicationLevel.objects.get(code=code)


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunicationRecord

    project = factory.SubFactory(f.ProjectFactory)
    level = factory.LazyFunction(lambda: level("daily"))
    held_at = factory.LazyFunction(lambda: at(2026, 3, 2))
    topics = "样板房接待安排"


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    project = factory.SubFactory(f.ProjectFactory)
    level = factory.LazyFunction(lambda: level("daily"))
    title = factory.Sequence(lambda n: f"问题{n}")
    owner = factory.SubFactory(f.UserFactory)
    due_date = datetime.date(2026, 3, 2)
