"""Issue 20 item 1 in feedback: case deadlines and warranty items use the project's service
policy and keep the values they were made with."""

import datetime

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import WarrantyReport
from feedback.services.policy_recompute import warranty_recompute
from salesite.models import ServicePolicy
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
T0 = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 0))


def _case(project, kind="request", at=T0, **kw):
    return services.case_create(
        project=project, kind=kind, subject="事由", walk_in_name="张三", now=at, **kw
    )


def test_default_deadlines_are_10_minutes_and_1_day(project):
    case = _case(project)
    assert case.dispatch_due == T0 + datetime.timedelta(minutes=10)
    assert case.answer_due == T0 + datetime.timedelta(days=1)
    assert case.rule_values == {"dispatch_minutes": 10, "answer_hours": 24}
    repair = _case(project, kind="repair")
    assert repair.dispatch_due == T0 + datetime.timedelta(minutes=10)
    assert repair.deadlines()[0][0] == "转派期限（10分钟）"


def test_30_minute_dispatch_for_a_project_changes_new_cases_only(project, other_project):
    old = _case(project)
    ServicePolicy.objects.create(
        company=project.property_company, project=project, dispatch_minutes=30
    )
    later = T0 + datetime.timedelta(hours=1)
    new = _case(project, at=later)
    assert new.dispatch_due == later + datetime.timedelta(minutes=30)
    assert new.rule_values["dispatch_minutes"] == 30
    assert new.deadlines()[0][0] == "转派期限（30分钟）"
    old.refresh_from_db()
    assert old.dispatch_due == T0 + datetime.timedelta(minutes=10)
    assert old.rule_values == {"dispatch_minutes": 10, "answer_hours": 24}
    # Another project of the same company keeps the company's 10 minutes.
    elsewhere = _case(other_project, at=later)
    assert elsewhere.dispatch_due == later + datetime.timedelta(minutes=10)


def test_breach_uses_the_stored_deadline(project):
    _case(project)
    ServicePolicy.objects.filter(company=project.property_company).update(dispatch_minutes=60)
    counts = services.deadline_breaches_mark(now=T0 + datetime.timedelta(minutes=11))
    assert counts["dispatch"] == 1


def _item(project, ends_on):
    return services.warranty_item_create(
        project=project,
        name="屋面防水",
        responsible_unit="某防水公司",
        starts_on=D(2021, 6, 30),
        ends_on=ends_on,
    )


def test_warranty_notice_lead_is_stored_per_item(project):
    f.PurchaseFactory(unit__building__project=project)
    old = _item(project, D(2026, 7, 31))
    assert old.rule_values == {"warranty_notice_months": 2, "warranty_response_days": 15}
    ServicePolicy.objects.filter(company=project.property_company).update(
        warranty_notice_months=3, warranty_response_days=10
    )
    new = _item(project, D(2026, 7, 31))
    assert new.rule_values == {"warranty_notice_months": 3, "warranty_response_days": 10}
    # 1 May: within three months of 31 July, not within two: only the new item is due.
    assert services.warranty_notices_send(today=D(2026, 5, 1))["items"] == 1
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.notice_sent_on == D(2026, 5, 1) and old.notice_sent_on is None
    assert services.warranty_notices_send(today=D(2026, 5, 31))["items"] == 1
    old.refresh_from_db()
    assert old.notice_sent_on == D(2026, 5, 31)


def test_warranty_response_days_from_the_item_and_recompute(project):
    f.PurchaseFactory(unit__building__project=project)
    item = _item(project, D(2026, 6, 30))
    services.warranty_notices_send(today=D(2026, 5, 1))
    item.refresh_from_db()
    services.warranty_report_add(item=item, description="渗水", today=D(2026, 5, 2))
    ServicePolicy.objects.filter(company=project.property_company).update(warranty_response_days=30)
    services.warranty_reports_send(item=item, today=D(2026, 5, 10))
    report = WarrantyReport.objects.get(item=item)
    assert report.response_due == D(2026, 5, 25)  # the item's 15 days, not the new 30
    changes = warranty_recompute([project.pk])
    report.refresh_from_db()
    assert report.response_due == D(2026, 6, 9)
    assert len(changes) == 1 and "2026-05-25 → 2026-06-09" in changes[0]
    assert warranty_recompute([project.pk]) == []
