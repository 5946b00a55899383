"""Warranty ledger and notices (R-FB-7), greetings and club events (R-FB-8)."""

import datetime

import pytest
from django.core import mail

from feedback import services
from feedback.exceptions import DomainError
from feedback.models import (
    ClubEvent,
    Greeting,
    Holiday,
    WarrantyNotice,
    WarrantyReport,
)
from salesite.models import SMSMessage
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


END = D(2026, 6, 30)


def _item(project, ends_on=END, **kw):
    return services.warranty_item_create(
        project=project,
        name="屋面防水",
        responsible_unit="某防水公司",
        starts_on=D(2021, 6, 30),
        ends_on=ends_on,
        **kw,
    )


def test_item_dates_validated(project):
    with pytest.raises(DomainError):
        _item(project, ends_on=D(2020, 1, 1))


def test_notice_window_two_months_before_expiry_and_once(
    project, django_capture_on_commit_callbacks
):
    a = f.PurchaseFactory(unit__building__project=project, customer__email="a@example.com")
    f.PurchaseFactory(unit__building__project=project)
    item = _item(project)
    assert services.warranty_notices_send(today=D(2026, 4, 29))["notices"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.warranty_notices_send(today=D(2026, 4, 30))
    assert counts == {"items": 1, "notices": 2, "emails": 1}
    item.refresh_from_db()
    assert item.notice_sent_on == D(2026, 4, 30) and item.collection_until == D(2026, 6, 30)
    assert SMSMessage.objects.filter(dedupe_key__startswith="feedback:warranty:").count() == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.com"]
    assert WarrantyNotice.objects.get(customer=a.customer).by_email
    # Second run: nothing twice; a later buyer is notified on the next run.
    assert services.warranty_notices_send(today=D(2026, 5, 1))["notices"] == 0
    f.PurchaseFactory(unit__building__project=project)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert services.warranty_notices_send(today=D(2026, 5, 2))["notices"] == 1
    assert SMSMessage.objects.count() == 3
    # After expiry nothing more.
    f.PurchaseFactory(unit__building__project=project)
    assert services.warranty_notices_send(today=D(2026, 7, 1))["notices"] == 0


def test_leads_told_when_collection_window_opens(project, member):
    lead = member("cs_lead", project)
    _item(project)
    services.warranty_notices_send(today=D(2026, 5, 1))
    services.warranty_notices_send(today=D(2026, 5, 2))
    assert lead.notifications.filter(title__contains="屋面防水").count() == 1


def test_building_item_notifies_only_its_owners(project):
    a = f.PurchaseFactory(unit__building__project=project)
    f.PurchaseFactory(unit__building__project=project)
    _item(project, building=a.unit.building)
    services.warranty_notices_send(today=D(2026, 5, 1))
    assert list(WarrantyNotice.objects.values_list("customer_id", flat=True)) == [a.customer_id]


def test_reports_collected_in_window_and_sent_with_deadline(project, owner):
    item = _item(project)
    with pytest.raises(DomainError):  # window not open yet
        services.warranty_report_add(item=item, description="渗水", today=D(2026, 4, 1))
    services.warranty_notices_send(today=D(2026, 5, 1))
    item.refresh_from_db()
    r = services.warranty_report_add(
        item=item, description="屋面渗水", customer=owner, today=D(2026, 5, 3)
    )
    assert r.status == WarrantyReport.Status.COLLECTED
    with pytest.raises(DomainError):  # window closed after the expiry
        services.warranty_report_add(item=item, description="x", today=D(2026, 7, 1))
    assert services.warranty_reports_send(item=item, today=D(2026, 5, 10), response_days=15) == 1
    r.refresh_from_db()
    assert r.status == "sent" and r.response_due == D(2026, 5, 25)
    with pytest.raises(DomainError):
        services.warranty_reports_send(item=item, today=D(2026, 5, 11))


def test_report_of_other_project_customer_refused(project, other_project):
    item = _item(project)
    services.warranty_notices_send(today=D(2026, 5, 1))
    item.refresh_from_db()
    stranger = f.CustomerFactory(project=other_project)
    with pytest.raises(DomainError):
        services.warranty_report_add(
            item=item, description="x", customer=stranger, today=D(2026, 5, 2)
        )


def test_birthday_greeting_once_per_year(project, django_capture_on_commit_callbacks):
    member = f.CustomerFactory(project=project, is_club_member=True, birthday=D(1980, 3, 15))
    f.CustomerFactory(project=project, is_club_member=False, birthday=D(1980, 3, 15))
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert services.greetings_send(today=D(2026, 3, 15))["birthday"] == 1
        assert services.greetings_send(today=D(2026, 3, 15))["birthday"] == 0
        assert Greeting.objects.get().customer == member
        assert services.greetings_send(today=D(2027, 3, 15))["birthday"] == 1
    assert SMSMessage.objects.filter(dedupe_key__startswith="feedback:greeting:").count() == 2


def test_leap_day_birthday_greeted_on_28_february(project):
    f.CustomerFactory(project=project, is_club_member=True, birthday=D(1984, 2, 29))
    assert services.greetings_send(today=D(2026, 2, 28))["birthday"] == 1
    assert services.greetings_send(today=D(2028, 2, 28))["birthday"] == 0
    assert services.greetings_send(today=D(2028, 2, 29))["birthday"] == 1


def test_holiday_greeting_once_per_holiday_and_year(project):
    f.CustomerFactory(project=project, is_club_member=True)
    f.CustomerFactory(project=project, is_club_member=True)
    assert services.greetings_send(today=D(2026, 10, 1))["holiday"] == 2  # 国庆节 by default
    assert services.greetings_send(today=D(2026, 10, 1))["holiday"] == 0
    Holiday.objects.filter(name="国庆节").update(is_active=False)
    assert services.greetings_send(today=D(2027, 10, 1))["holiday"] == 0
    assert services.greetings_send(today=D(2026, 10, 2))["holiday"] == 0


def test_greetings_job_records_run(project):
    from feedback.tasks import feedback_greetings, feedback_warranty_notices
    from salesite.models import JobRun

    feedback_greetings()
    feedback_warranty_notices()
    assert set(JobRun.objects.values_list("job_name", flat=True)) >= {
        "feedback_greetings",
        "feedback_warranty_notices",
    }


def test_club_event_registration_capacity_and_attendance(project, other_project):
    event = ClubEvent.objects.create(
        project=project,
        title="亲子活动",
        starts_at=datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC),
        capacity=1,
    )
    c = f.CustomerFactory(project=project, is_club_member=True)
    a = services.club_event_register(event=event, customer=c)
    assert services.club_event_register(event=event, customer=c) == a
    with pytest.raises(DomainError):
        services.club_event_register(event=event, customer=f.CustomerFactory(project=project))
    with pytest.raises(DomainError):
        services.club_event_register(event=event, customer=f.CustomerFactory(project=other_project))
    assert services.club_event_mark_attended(attendee=a).attended
