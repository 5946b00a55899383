"""Pages of the warranty ledger and club events: flows, scoping, denials, query counts."""

import datetime

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import ClubEvent, ClubEventAttendee, WarrantyItem, WarrantyReport
from tests import factories as f

pytestmark = pytest.mark.django_db


def _item(project, **kw):
    today = datetime.date.today()
    return services.warranty_item_create(
        project=project,
        name=kw.pop("name", "外墙"),
        responsible_unit="某总包",
        starts_on=today - datetime.timedelta(days=700),
        ends_on=today + datetime.timedelta(days=30),
        **kw,
    )


def test_lead_creates_item_and_desk_records_report_and_sends(project, member, client_for, unit):
    lead = client_for(member("cs_lead", project))
    r = lead.post(
        reverse("feedback:warranty_create"),
        {
            "project": project.pk,
            "name": "屋面防水",
            "responsible_unit": "防水公司",
            "starts_on": "2021-01-01",
            "ends_on": (datetime.date.today() + datetime.timedelta(days=20)).isoformat(),
        },
    )
    item = WarrantyItem.objects.get()
    assert r.status_code == 302 and r.url == item.get_absolute_url()
    owner = f.PurchaseFactory(unit=unit).customer
    services.warranty_notices_send()
    desk = client_for(member("front_desk", project))
    r = desk.post(
        item.get_absolute_url(),
        {"building": unit.building.pk, "unit_number": unit.number, "description": "渗水"},
    )
    assert r.status_code == 302
    report = WarrantyReport.objects.get()
    assert report.customer == owner and report.unit == unit
    assert lead.post(item.get_absolute_url(), {"action": "send"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "sent" and report.response_due
    csv = lead.get(item.get_absolute_url(), {"format": "csv"})
    assert "渗水" in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_front_desk_cannot_create_items_or_send(project, member, client_for):
    item = _item(project)
    desk = client_for(member("front_desk", project))
    assert desk.get(reverse("feedback:warranty_create")).status_code == 403
    assert desk.post(item.get_absolute_url(), {"action": "send"}).status_code == 403


def test_other_projects_items_hidden(project, other_project, member, client_for):
    mine, theirs = _item(project, name="我的外墙"), _item(other_project, name="别人的外墙")
    c = client_for(member("front_desk", project))
    body = c.get(reverse("feedback:warranty_list")).content.decode()
    assert mine.name in body and theirs.name not in body
    assert c.get(theirs.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_warranty_list_queries_bounded(
    n, project, member, client_for, django_assert_max_num_queries
):
    for i in range(n):
        _item(project, name=f"部位{i}")
    c = client_for(member("cs_lead", project))
    with django_assert_max_num_queries(12):
        assert c.get(reverse("feedback:warranty_list")).status_code == 200


def _event(project, **kw):
    return ClubEvent.objects.create(
        project=project,
        title="亲子运动会",
        starts_at=datetime.datetime(2026, 6, 1, 1, tzinfo=datetime.UTC),
        **kw,
    )


def test_event_create_register_by_unit_and_check_in(project, member, client_for, unit):
    lead = client_for(member("cs_lead", project))
    r = lead.post(
        reverse("feedback:club_event_create"),
        {"project": project.pk, "title": "读书会", "starts_at": "2026-06-01T10:00", "capacity": 10},
    )
    event = ClubEvent.objects.get()
    assert r.status_code == 302 and r.url == event.get_absolute_url()
    owner = f.PurchaseFactory(unit=unit).customer
    desk = client_for(member("front_desk", project))
    r = desk.post(
        event.get_absolute_url(), {"building": unit.building.pk, "unit_number": unit.number}
    )
    assert r.status_code == 302
    attendee = ClubEventAttendee.objects.get()
    assert attendee.customer == owner
    desk.post(event.get_absolute_url(), {"attended": attendee.pk})
    attendee.refresh_from_db()
    assert attendee.attended


def test_event_pages_scoped_and_denied(project, other_project, member, client_for):
    theirs = _event(other_project)
    security = client_for(member("security", project))
    assert security.get(reverse("feedback:club_event_create")).status_code == 403
    assert security.get(theirs.get_absolute_url()).status_code == 404
    mine = _event(project)
    assert security.post(mine.get_absolute_url(), {"attended": "1"}).status_code == 403


@pytest.mark.parametrize("n", [3, 30])
def test_event_list_queries_bounded(n, project, member, client_for, django_assert_max_num_queries):
    for _ in range(n):
        _event(project)
    c = client_for(member("cs_lead", project))
    with django_assert_max_num_queries(12):
        assert c.get(reverse("feedback:club_event_list")).status_code == 200


def test_pages_render_for_a_lead(project, member, client_for, unit):
    lead = client_for(member("cs_lead", project))
    item = _item(project)
    services.warranty_notices_send()
    item.refresh_from_db()
    owner = f.PurchaseFactory(unit=unit).customer
    services.warranty_report_add(item=item, description="裂缝", customer=owner, unit=unit)
    event = _event(project)
    services.club_event_register(event=event, customer=owner)
    for url in [
        reverse("feedback:index"),
        reverse("feedback:warranty_create"),
        item.get_absolute_url(),
        reverse("feedback:club_event_create"),
        event.get_absolute_url(),
        reverse("feedback:warranty_list") + "?expiring=true&project=" + str(project.pk),
    ]:
        r = lead.get(url)
        assert r.status_code == 200, url
    assert "裂缝" in lead.get(item.get_absolute_url()).content.decode()
    assert owner.name in lead.get(event.get_absolute_url()).content.decode()
