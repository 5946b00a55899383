"""Fixtures of the operations tests: a project with an open sales site, its posts and shifts,
and helpers for plans, events and inspections."""

import datetime

import pytest
from django.utils import timezone

from operations import services
from operations.models import (
    InspectionChecklist,
    InspectionItem,
    ServicePost,
    ServiceType,
    Shift,
    SiteArea,
)
from salesite.models import MarketingPhase
from tests import factories as f


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def open_project(project):
    project.marketing_phase = MarketingPhase.OPENED
    project.save(update_fields=["marketing_phase"])
    return project


@pytest.fixture
def shifts(db):
    return [
        Shift.objects.create(name="早班", start=datetime.time(8), end=datetime.time(14)),
        Shift.objects.create(name="晚班", start=datetime.time(13), end=datetime.time(19)),
    ]


def new_post(project, name="前台接待岗", headcount=1, shifts=(), area_name="营销中心"):
    area, _ = SiteArea.objects.get_or_create(
        project=project, name=area_name, defaults={"kind": SiteArea.Kind.CENTRE}
    )
    post = ServicePost.objects.create(area=area, name=name, headcount=headcount)
    post.shifts.set(shifts)
    return post


@pytest.fixture
def make_post(db):
    return new_post


def new_plan(project, lead=None, **sections):
    """A draft plan with one service, written by the project's customer-service lead."""
    lead = lead or f.member("cs_lead", project)
    sections.setdefault("external_customers", "改善型家庭客户")
    plan = services.plan_create(project=project, user=lead, title="服务方案", **sections)
    services.plan_service_set(
        plan=plan,
        service_type=ServiceType.objects.get(name="迎宾指引", project__isnull=True),
        standard="3 秒内问候",
    )
    return plan


@pytest.fixture
def make_plan(db):
    return new_plan


def new_checklist():
    c = InspectionChecklist.objects.create(name="检查表")
    InspectionItem.objects.bulk_create(
        [
            InspectionItem(
                checklist=c, category="appearance", text="形象整洁", max_score=5, order=1
            ),
            InspectionItem(checklist=c, category="posts", text="按排班到岗", max_score=10, order=2),
            InspectionItem(checklist=c, category="records", text="记录完整", max_score=5, order=3),
        ]
    )
    return c


@pytest.fixture
def checklist(db):
    return new_checklist()
