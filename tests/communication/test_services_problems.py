import pytest

from communication import services
from communication.exceptions import DomainError, InvalidTransition
from communication.models import Problem, ProblemEvent
from salesite.models import Notification
from tests.communication.factories import ProblemFactory, RecordFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(member, project):
    return member("cs_lead", project)


def test_escalation_chain_daily_to_quarterly(lead, project, levels):
    p = ProblemFactory(project=project, owner=lead)
    for code in ["weekly", "monthly", "quarterly"]:
        p = services.problem_escalate(
            problem=p, to_level=levels[code], reason=f"升级到{code}", user=lead, now=at(2026, 3, 2)
        )
        assert (p.level.code, p.status) == (code, Problem.Status.ESCALATED)
    moves = list(
        p.events.filter(kind=ProblemEvent.Kind.ESCALATED).values_list(
            "from_level__code", "to_level__code"
        )
    )
    assert moves == [("daily", "weekly"), ("weekly", "monthly"), ("monthly", "quarterly")]
    # Quarterly is the top: the one-tap escalation has nowhere to go.
    with pytest.raises(InvalidTransition):
        services.problem_escalate_now(problem=p, user=lead)


def test_jump_to_any_higher_level_and_due_date_moves(lead, project, levels):
    p = ProblemFactory(project=project, owner=lead)
    p = services.problem_escalate(
        problem=p, to_level=levels["quarterly"], reason="重大问题", user=lead, now=at(2026, 3, 2)
    )
    assert p.level.code == "quarterly"
    assert str(p.due_date) == "2026-03-31"  # end of the quarter it now belongs to


def test_escalated_problem_is_on_the_next_record_of_its_new_level(lead, project, levels):
    p = ProblemFactory(project=project, owner=lead)
    services.problem_escalate(
        problem=p, to_level=levels["monthly"], reason="需销售总监决定", user=lead
    )
    rec = services.record_create(
        project=project, level=levels["monthly"], user=lead, held_at=at(2026, 3, 25)
    )
    assert list(rec.agenda.all()) == [p]


@pytest.mark.parametrize("target", ["daily", "dept_daily_review"])
def test_escalating_down_same_or_across_kinds_is_refused(lead, project, levels, target):
    p = ProblemFactory(project=project, owner=lead, level=levels["weekly"])
    with pytest.raises(InvalidTransition):
        services.problem_escalate(problem=p, to_level=levels[target], reason="x", user=lead)
    with pytest.raises(InvalidTransition):
        services.problem_escalate(problem=p, to_level=levels["weekly"], reason="x", user=lead)
    p.refresh_from_db()
    assert (p.level.code, p.status) == ("weekly", Problem.Status.OPEN)
    assert not p.events.exists()


def test_resolving_twice_and_moving_a_resolved_problem_are_refused(lead, project, levels):
    p = ProblemFactory(project=project, owner=lead)
    services.problem_resolve(
        problem=p, resolution="已增加指引牌", user=lead, now=at(2026, 3, 2, 15)
    )
    with pytest.raises(InvalidTransition):
        services.problem_resolve(problem=p, resolution="再次", user=lead)
    with pytest.raises(InvalidTransition):
        services.problem_escalate(problem=p, to_level=levels["weekly"], reason="x", user=lead)
    with pytest.raises(InvalidTransition):
        services.problem_reassign(problem=p, owner=lead, user=lead)
    p.refresh_from_db()
    assert (p.resolution, p.status) == ("已增加指引牌", Problem.Status.RESOLVED)
    assert list(p.events.values_list("kind", flat=True)) == [ProblemEvent.Kind.RESOLVED]


def test_reason_is_required(lead, project, levels):
    p = ProblemFactory(project=project, owner=lead)
    with pytest.raises(DomainError):
        services.problem_escalate(problem=p, to_level=levels["weekly"], reason=" ", user=lead)


def test_daily_escalate_now_notifies_both_sides_leaders(member, lead, project, levels):
    head = member("centre_head", project)
    dev_manager = member("dev_marketing_manager", project)
    p = ProblemFactory(project=project, owner=lead)
    services.problem_escalate_now(problem=p, user=lead)
    p.refresh_from_db()
    assert p.level.code == "weekly"
    notified = set(
        Notification.objects.filter(level=Notification.Level.ESCALATION).values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {head.pk, dev_manager.pk}


def test_department_problem_goes_up_to_the_centre_head(member, lead, project, levels):
    head = member("centre_head", project)
    record = RecordFactory(project=project, level=levels["dept_daily_review"])
    p = services.problem_create(
        project=project,
        level=levels["dept_daily_review"],
        owner=lead,
        title="保安排班不足",
        user=lead,
        record=record,
    )
    services.problem_escalate_now(problem=p, user=lead)
    p.refresh_from_db()
    assert p.level.code == "centre_daily_review"
    assert Notification.objects.filter(recipient=head, level="escalation").count() == 1


def test_reassign_writes_history_and_notifies(member, lead, project):
    other = member("front_desk", project)
    p = ProblemFactory(project=project, owner=lead)
    services.problem_reassign(problem=p, owner=other, user=lead, note="前台跟进")
    services.problem_reassign(problem=p, owner=other, user=lead)  # unchanged: no second event
    ev = p.events.get()
    assert (ev.kind, ev.from_owner, ev.to_owner) == (ProblemEvent.Kind.REASSIGNED, lead, other)
    assert Notification.objects.filter(recipient=other).count() == 1
    outsider = member("cs_lead")
    with pytest.raises(DomainError):
        services.problem_reassign(problem=p, owner=outsider, user=lead)


def test_history_rows_record_the_state_changes_through_the_workflow_engine(lead, project, levels):
    """Problem moves go through salesite.workflow: the state-changing rows carry from/to and
    who; a second escalation (a level change only) and a reassignment carry no state."""
    p = services.problem_create(
        project=project, level=levels["daily"], owner=lead, title="指引牌缺失", user=lead
    )
    p = services.problem_escalate(problem=p, to_level=levels["weekly"], reason="a", user=lead)
    p = services.problem_escalate(problem=p, to_level=levels["monthly"], reason="b", user=lead)
    p = services.problem_resolve(problem=p, resolution="已处理", user=lead)
    rows = list(p.events.order_by("pk").values_list("kind", "from_status", "to_status", "by"))
    assert rows == [
        (ProblemEvent.Kind.CREATED, "", Problem.Status.OPEN, lead.pk),
        (ProblemEvent.Kind.ESCALATED, Problem.Status.OPEN, Problem.Status.ESCALATED, lead.pk),
        (ProblemEvent.Kind.ESCALATED, "", "", lead.pk),
        (ProblemEvent.Kind.RESOLVED, Problem.Status.ESCALATED, Problem.Status.RESOLVED, lead.pk),
    ]
    with pytest.raises(InvalidTransition, match="该问题已解决，不能重复解决。"):
        services.problem_resolve(problem=p, resolution="再次", user=lead)
