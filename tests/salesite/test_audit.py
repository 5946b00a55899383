"""Audit (R-X-2): a change through the views is logged with who, when and what changed, shown
on the record's page and reachable in admin."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def customer_form_data(customer, **changes):
    data = {
        "name": customer.name,
        "phone": customer.phone,
        "id_type": customer.id_type,
        "id_number": customer.id_number,
        "emergency_contact": customer.emergency_contact,
        "emergency_phone": customer.emergency_phone,
        "birthday": customer.birthday.isoformat() if customer.birthday else "",
        "email": customer.email,
        "address": customer.address,
        "notes": customer.notes,
    }
    data.update(changes)
    return data


@pytest.fixture
def customer(project):
    return f.CustomerFactory(project=project, name="审计客户", notes="旧备注")


def test_editing_a_customer_logs_actor_and_changed_fields(member, client_for, project, customer):
    desk = member("front_desk", project)
    before = LogEntry.objects.get_for_object(customer).count()
    response = client_for(desk).post(
        reverse("salesite:customer_edit", args=[customer.pk]),
        customer_form_data(customer, notes="新备注", is_vip="on"),
    )
    assert response.status_code == 302
    entries = LogEntry.objects.get_for_object(customer)
    assert entries.count() == before + 1
    entry = entries.filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == desk
    assert entry.changes_dict["notes"] == ["旧备注", "新备注"]
    assert entry.changes_dict["is_vip"] == ["False", "True"]
    assert set(entry.changes_dict) == {"notes", "is_vip"}  # unchanged fields are not logged
    assert entry.timestamp is not None


def test_customer_page_shows_the_change(member, client_for, project, customer):
    desk = member("front_desk", project)
    c = client_for(desk)
    c.post(
        reverse("salesite:customer_edit", args=[customer.pk]),
        customer_form_data(customer, notes="新备注"),
    )
    html = c.get(reverse("salesite:customer_detail", args=[customer.pk])).content.decode()
    section = html[html.index('id="audit"') :]
    assert "变更记录" in html
    assert desk.name in section
    assert "备注" in section and "旧备注" in section and "新备注" in section
    assert "修改" in section


def test_page_without_changes_says_so(member, client_for, project, customer):
    LogEntry.objects.get_for_object(customer).delete()
    html = (
        client_for(member("front_desk", project))
        .get(reverse("salesite:customer_detail", args=[customer.pk]))
        .content.decode()
    )
    assert "暂无变更记录。" in html


def test_unit_and_project_pages_show_their_history(member, client_for, project):
    lead = member("cs_lead", project)
    unit = f.UnitFactory(building=f.BuildingFactory(project=project), unit_type="旧户型")
    c = client_for(lead)
    response = c.post(
        reverse("salesite:unit_edit", args=[unit.pk]),
        {"building": unit.building_id, "number": unit.number, "unit_type": "新户型", "area": "99"},
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(unit).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == lead
    assert entry.changes_dict["unit_type"] == ["旧户型", "新户型"]
    html = c.get(reverse("salesite:unit_detail", args=[unit.pk])).content.decode()
    assert "新户型" in html[html.index('id="audit"') :]


def test_admin_history_is_reachable(admin_client, customer):
    customer.notes = "管理员修改"
    customer.save()
    response = admin_client.get(reverse("admin:salesite_customer_history", args=[customer.pk]))
    assert response.status_code == 200
    changelist = admin_client.get(reverse("admin:auditlog_logentry_changelist"))
    assert changelist.status_code == 200
    assert "审计客户" in changelist.content.decode()
    change = admin_client.get(reverse("admin:salesite_customer_change", args=[customer.pk]))
    assert reverse("admin:salesite_customer_history", args=[customer.pk]) in (
        change.content.decode()
    )
