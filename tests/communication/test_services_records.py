import datetime

import pytest

from communication import services
from communication.exceptions import ConcurrentEdit, DomainError
from communication.models import MinutesRecipient, Problem, ProblemEvent
from salesite.models import Notification, Role
from tests import factories as f
from tests.communication.factories import at

pytestmark = pytest.mark.django_db


def test_record_with_participants_of_both_sides_and_inline_problems(member, project, levels):
    lead = member("cs_lead", project)
    contact = f.CompanyFactory(kind="developer_city")
    from salesite.models import Contact

    dev = f.MembershipFactory(
        project=project,
        user=None,
        contact=Contact.objects.create(name="策划主管", company=contact),
        role=Role.objects.get(code="dev_marketing_supervisor"),
    )
    mine = lead.memberships.get()
    record = services.record_create(
        project=project,
        level=levels["daily"],
        user=lead,
        held_at=at(2026, 3, 2, 16, 30),
        participants=[mine, dev],
        topics="周末活动客流",
        problems=[
            {"title": "停车场指引不足", "owner": lead, "due_date": datetime.date(2026, 3, 9)}
        ],
    )
    assert set(record.participants.all()) == {mine, dev}
    problem = record.problems_raised.get()
    # Daily level: due the same local day, whatever was asked.
    assert problem.due_date == datetime.date(2026, 3, 2)
    assert problem.events.get().kind == ProblemEvent.Kind.CREATED


def test_open_problems_carry_forward_to_next_record_of_their_level(member, project, levels):
    lead = member("cs_lead", project)
    first = services.record_create(
        project=project,
        level=levels["daily"],
        user=lead,
        held_at=at(2026, 3, 2),
        problems=[{"title": "A", "owner": lead}, {"title": "B", "owner": lead}],
    )
    a, b = first.problems_raised.order_by("title")
    services.problem_resolve(problem=b, resolution="已处理", user=lead)
    weekly = services.record_create(
        project=project, level=levels["weekly"], user=lead, held_at=at(2026, 3, 3)
    )
    assert list(weekly.agenda.all()) == []  # other levels' problems are not on its agenda
    second = services.record_create(
        project=project, level=levels["daily"], user=lead, held_at=at(2026, 3, 3)
    )
    assert list(second.agenda.all()) == [a]
    assert a.events.filter(kind=ProblemEvent.Kind.CARRIED_FORWARD, record=second).exists()
    third = services.record_create(
        project=project, level=levels["daily"], user=lead, held_at=at(2026, 3, 4)
    )
    assert list(third.agenda.all()) == [a]
    assert list(a.discussed_in.order_by("held_at")) == [second, third]


def test_minutes_distribution_and_acknowledgement(member, project, levels):
    head = member("centre_head", project)
    deputy = member("subsidiary_deputy", project)
    gm = member("subsidiary_gm", project)
    record = services.record_create(
        project=project,
        level=levels["weekly"],
        user=head,
        held_at=at(2026, 3, 6, 15),
        decisions="增加周末岗位",
        recipients=[deputy, gm],
    )
    assert set(record.recipients.values_list("user_id", flat=True)) == {deputy.pk, gm.pk}
    assert (
        Notification.objects.filter(recipient=deputy, dedupe_key=f"com-minutes:{record.pk}").count()
        == 1
    )
    row = services.minutes_acknowledge(record=record, user=deputy, now=at(2026, 3, 7, 9))
    again = services.minutes_acknowledge(record=record, user=deputy, now=at(2026, 3, 8, 9))
    assert again.acknowledged_at == row.acknowledged_at == at(2026, 3, 7, 9)
    with pytest.raises(DomainError):
        services.minutes_acknowledge(record=record, user=head)
    # Editing keeps acknowledged recipients, drops unacknowledged ones not chosen any more.
    services.record_update(
        record=record, user=head, version=record.version, held_at=record.held_at, recipients=[]
    )
    assert list(
        MinutesRecipient.objects.filter(record=record).values_list("user_id", flat=True)
    ) == [deputy.pk]


def test_stale_edit_is_refused(member, project, levels):
    lead = member("cs_lead", project)
    record = services.record_create(
        project=project, level=levels["daily"], user=lead, held_at=at(2026, 3, 2)
    )
    services.record_update(record=record, user=lead, version=1, held_at=record.held_at, topics="新")
    with pytest.raises(ConcurrentEdit):
        services.record_update(
            record=record, user=lead, version=1, held_at=record.held_at, topics="旧"
        )
    record.refresh_from_db()
    assert (record.topics, record.version) == ("新", 2)


def test_report_levels_take_no_problems_and_keep_next_plan_only_monthly(member, project, levels):
    head = member("centre_head", project)
    weekly = services.record_create(
        project=project,
        level=levels["weekly_report"],
        user=head,
        held_at=at(2026, 3, 6),
        summary="本周接待 320 组",
        next_plan="不应保存",
    )
    monthly = services.record_create(
        project=project,
        level=levels["monthly_report"],
        user=head,
        held_at=at(2026, 3, 31),
        summary="三月总结",
        next_plan="四月计划",
    )
    assert (weekly.next_plan, monthly.next_plan) == ("", "四月计划")
    with pytest.raises(DomainError):
        services.problem_create(
            project=project, level=levels["weekly_report"], owner=head, title="x", user=head
        )
    assert not Problem.objects.exists()
