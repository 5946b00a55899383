"""Issue 20 item 1 in handover: prepaid months and the milestone reminder lead come from the
project's service policy."""

import datetime

import pytest

from handover import services
from handover.models import FeeLine, MilestoneKind
from salesite.models import Notification, ServicePolicy
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db


def test_reminder_lead_is_the_projects_policy(project, member):
    member("engineering", project)
    batch = make_batch(project, date=datetime.date(2027, 6, 30))
    due = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK).due_date
    today = due - datetime.timedelta(days=10)
    assert services.milestones_remind(today=today) == 0  # default lead: 7 days
    ServicePolicy.objects.create(
        company=project.property_company, project=project, milestone_reminder_days=14
    )
    assert services.milestones_remind(today=today) >= 1
    assert Notification.objects.filter(title__contains="第一次模拟验收").exists()


def test_prepaid_months_from_the_policy(project, case, front_desk):
    from tests.handover.factories import run_steps

    ServicePolicy.objects.filter(company=project.property_company).update(prepaid_months=3)
    run_steps(case, front_desk, 5, handover_date=datetime.date(2027, 1, 1))
    assert case.fee_end == datetime.date(2027, 3, 31)
    line = FeeLine.objects.get(case=case)
    assert line.months == 3
    assert line.amount == 3 * 2.5 * 100
