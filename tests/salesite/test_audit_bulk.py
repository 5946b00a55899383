"""Bulk writes in the audit trail (R-X-2, issue 19 item 7): salesite.audit_bulk."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from salesite.audit_bulk import (
    audit_job,
    bulk_create_audited,
    bulk_update_audited,
    bulk_update_objects_audited,
)
from salesite.models import Customer, Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


def _updates(obj):
    return LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.UPDATE)


def test_update_logs_each_changed_row_with_old_and_new_and_the_actor(member, project):
    desk = member("front_desk", project)
    a = f.CustomerFactory(project=project, notes="甲")
    b = f.CustomerFactory(project=project, notes="乙")
    same = f.CustomerFactory(project=project, notes="新")
    qs = Customer.objects.filter(pk__in=[a.pk, b.pk, same.pk])
    assert bulk_update_audited(qs, actor=desk, notes="新") == 3
    assert Customer.objects.filter(pk__in=[a.pk, b.pk], notes="新").count() == 2
    entry = _updates(a).get()
    assert entry.changes_dict == {"notes": ["甲", "新"]}
    assert entry.actor == desk
    assert _updates(b).get().changes_dict == {"notes": ["乙", "新"]}
    assert not _updates(same).exists()  # nothing changed, nothing logged


def test_request_user_is_the_actor_when_none_is_given(member, project):
    desk = member("front_desk", project)
    c = f.CustomerFactory(project=project, notes="旧")
    with set_actor(desk):
        bulk_update_audited(Customer.objects.filter(pk=c.pk), notes="新")
    assert _updates(c).get().actor == desk


def test_a_job_names_itself(project):
    c = f.CustomerFactory(project=project, notes="旧")
    with audit_job("nightly_cleanup"):
        bulk_update_audited(Customer.objects.filter(pk=c.pk), notes="新")
    entry = _updates(c).get()
    assert entry.actor is None
    assert entry.additional_data == {"job": "nightly_cleanup"}


@pytest.mark.parametrize("n", [2, 25])
def test_query_count_does_not_grow_with_rows(project, django_assert_num_queries, n):
    ids = [f.CustomerFactory(project=project, notes="旧").pk for _ in range(n)]
    qs = Customer.objects.filter(pk__in=ids)
    ContentType.objects.get_for_model(Customer)  # cached by the process, as in production
    # savepoint, read (locked), update, content type (cached), log entries, release
    with django_assert_num_queries(5):
        bulk_update_audited(qs, notes="新")
    assert (
        LogEntry.objects.filter(
            action=LogEntry.Action.UPDATE, object_id__in=ids, content_type__model="customer"
        ).count()
        == n
    )


@pytest.mark.parametrize("n", [2, 25])
def test_bulk_update_of_objects_is_bounded_and_logged(project, django_assert_num_queries, n):
    rows = [f.CustomerFactory(project=project, notes="旧") for _ in range(n)]
    for row in rows:
        row.notes = f"新{row.pk}"
    ContentType.objects.get_for_model(Customer)  # cached by the process, as in production
    with django_assert_num_queries(5):
        bulk_update_objects_audited(rows, ["notes"])
    assert _updates(rows[-1]).get().changes_dict == {"notes": ["旧", f"新{rows[-1].pk}"]}


def test_bulk_create_logs_creations(project, member):
    desk = member("front_desk", project)
    made = bulk_create_audited(
        Customer, [Customer(project=project, name="新客户", phone="13800000001")], actor=desk
    )
    entry = LogEntry.objects.get_for_object(made[0]).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == desk
    assert entry.changes_dict["name"] == ["None", "新客户"]


def test_unaudited_models_are_just_updated(member, project):
    user = member("front_desk", project)
    n = Notification.objects.create(recipient=user, title="t")
    bulk_update_audited(Notification.objects.filter(pk=n.pk), title="u")
    assert not LogEntry.objects.filter(content_type__model="notification").exists()
    n.refresh_from_db()
    assert n.title == "u"


def test_a_label_needing_a_query_falls_back_to_type_and_key(project):
    from salesite.models import Unit

    unit = f.UnitFactory(building__project=project, floor=1)
    bulk_update_audited(Unit.objects.filter(pk=unit.pk), floor=2)  # str(unit) reads building
    entry = LogEntry.objects.get_for_object(unit).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.object_repr == f"{Unit._meta.verbose_name} #{unit.pk}"
    assert entry.changes_dict == {"floor": ["1", "2"]}
