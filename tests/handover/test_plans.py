"""Milestone plans and progress milestones as admin-edited rows (issue #20, items 3): a batch
copies its plan when created; a later edit of the plan changes new batches only; an empty plan
is refused; the defaults are the SPEC's figures (R-HO-1, R-HO-3)."""

import datetime

import pytest
from django.urls import reverse

from handover import selectors, services
from handover.forms import NoticeForm
from handover.models import (
    MilestonePlan,
    MilestonePlanStep,
    ProgressMilestoneOption,
)
from salesite.exceptions import DomainError
from salesite.models import Project, Role
from tests import factories as f
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db

D = datetime.date


def default_plan():
    return MilestonePlan.objects.get(company__isnull=True, is_default=True)


def snapshot(batch):
    return sorted(
        (m.kind, m.name, m.offset_months, m.offset_days, m.mock_round, m.scope_note, m.due_date)
        for m in batch.milestones.all()
    )


def test_default_plan_is_the_spec_plan():
    steps = [
        (s.order, s.code, s.name, s.offset_months, s.offset_days, s.mock_round)
        for s in default_plan().steps.order_by("order")
    ]
    assert steps == [
        (1, "design_survey", "前期设计质量摸底", 5, 0, None),
        (2, "first_mock", "第一次模拟验收", 0, 100, 1),
        (3, "risk_meeting", "项目风险预控会议", 3, 0, None),
        (4, "second_mock", "第二次模拟验收", 0, 70, 2),
        (5, "preview_prep", "提前看房准备会议", 2, 0, None),
        (6, "risk_screening", "风险排查", 0, 50, None),
        (7, "finishing", "细部和收尾处理", 0, 40, None),
        (8, "preview_event", "提前看房活动", 1, 0, None),
    ]
    event = default_plan().steps.get(code="preview_event")
    assert {r.code for r in event.responsible_roles.all()} == {
        "cs_lead",
        "front_desk",
        "engineering",
    }


def test_a_new_batch_copies_the_default_plan(project):
    batch = make_batch(project, date=D(2027, 7, 31))
    assert batch.plan == default_plan()
    for step in default_plan().steps.prefetch_related("responsible_roles"):
        m = batch.milestones.get(kind=step.code)
        assert (m.name, m.offset_months, m.offset_days, m.mock_round, m.scope_note) == (
            step.name,
            step.offset_months,
            step.offset_days,
            step.mock_round,
            step.scope_note,
        )
        assert m.due_date == step.due_for(D(2027, 7, 31))
        assert set(m.responsible_roles.all()) == set(step.responsible_roles.all())
    assert batch.milestones.get(kind="design_survey").get_kind_display() == "前期设计质量摸底"


def test_editing_the_plan_later_does_not_change_an_existing_batch(project):
    old = make_batch(project, date=D(2027, 7, 31), name="一期")
    before = snapshot(old)
    plan = default_plan()
    step = plan.steps.get(code="design_survey")
    step.offset_months, step.name = 6, "设计质量摸底（提前）"
    step.save()
    plan.steps.get(code="finishing").delete()
    extra = MilestonePlanStep.objects.create(
        plan=plan, order=9, code="keys_ready", name="钥匙与资料准备", offset_days=7
    )
    extra.responsible_roles.set(Role.objects.filter(code="front_desk"))

    assert snapshot(old) == before  # the existing batch keeps its copy
    # ...and its copy drives a date change: the old offset, not the edited one.
    services.batch_change_date(batch=old, planned_delivery_date=D(2027, 8, 31))
    assert old.milestones.get(kind="design_survey").due_date == D(2027, 3, 31)  # T−5 months
    assert old.milestones.filter(kind="finishing").exists()

    new = make_batch(project, date=D(2027, 7, 31), name="二期")
    survey = new.milestones.get(kind="design_survey")
    assert (survey.name, survey.due_date) == ("设计质量摸底（提前）", D(2027, 1, 31))
    assert not new.milestones.filter(kind="finishing").exists()
    keys = new.milestones.get(kind="keys_ready")
    assert keys.due_date == D(2027, 7, 24)
    assert [r.code for r in keys.responsible_roles.all()] == ["front_desk"]


def test_the_property_company_plan_wins_over_the_global_default(project):
    own = MilestonePlan.objects.create(
        name="本公司计划", company=project.property_company, is_default=True
    )
    MilestonePlanStep.objects.create(
        plan=own, order=1, code="walkthrough", name="巡检", offset_days=30
    )
    batch = make_batch(project, date=D(2027, 7, 31))
    assert batch.plan == own
    assert list(batch.milestones.values_list("kind", "due_date")) == [
        ("walkthrough", D(2027, 7, 1))
    ]
    other = f.ProjectFactory()  # another company: the global default
    assert make_batch(other, date=D(2027, 7, 31)).milestones.count() == 8


def test_a_plan_without_steps_is_refused_when_a_batch_is_created(project):
    default_plan().steps.all().delete()
    with pytest.raises(DomainError):
        make_batch(project)
    assert not project.delivery_batches.exists()


def test_a_custom_mock_round_rule_is_copied_and_enforced(project):
    step = default_plan().steps.get(code="finishing")
    step.mock_round = 2
    step.save()
    batch = make_batch(project)
    lead = f.UserFactory()
    with pytest.raises(DomainError):
        services.milestone_complete(
            milestone=batch.milestones.get(kind="finishing"), user=lead, result_note="x"
        )


@pytest.fixture
def admin_client(client_for):
    return client_for(f.UserFactory(is_staff=True, is_superuser=True))


def plan_post(steps, name="新计划"):
    data = {
        "name": name,
        "company": "",
        "note": "",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, (order, code) in enumerate(steps):
        data.update(
            {
                f"steps-{i}-order": str(order),
                f"steps-{i}-code": code,
                f"steps-{i}-name": code,
                f"steps-{i}-offset_months": "0",
                f"steps-{i}-offset_days": "10",
                f"steps-{i}-scope_note": "",
                f"steps-{i}-mock_round": "",
            }
        )
    return data


def test_admin_refuses_an_empty_plan_and_duplicate_orders(admin_client):
    url = reverse("admin:handover_milestoneplan_add")
    r = admin_client.post(url, plan_post([]))
    assert r.status_code == 200 and not MilestonePlan.objects.filter(name="新计划").exists()
    r = admin_client.post(url, plan_post([(1, "a"), (1, "b")]))
    assert r.status_code == 200 and not MilestonePlan.objects.filter(name="新计划").exists()
    r = admin_client.post(url, plan_post([(1, "a"), (2, "b")]))
    assert r.status_code == 302
    assert MilestonePlan.objects.get(name="新计划").steps.count() == 2


def test_admin_refuses_deleting_every_step_of_a_plan(admin_client):
    plan = default_plan()
    steps = list(plan.steps.order_by("order"))
    data = {
        "name": plan.name,
        "company": "",
        "is_default": "on",
        "note": plan.note,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(steps):
        data.update(
            {
                f"steps-{i}-id": str(s.pk),
                f"steps-{i}-plan": str(plan.pk),
                f"steps-{i}-order": str(s.order),
                f"steps-{i}-code": s.code,
                f"steps-{i}-name": s.name,
                f"steps-{i}-offset_months": str(s.offset_months),
                f"steps-{i}-offset_days": str(s.offset_days),
                f"steps-{i}-scope_note": s.scope_note,
                f"steps-{i}-mock_round": s.mock_round or "",
                f"steps-{i}-DELETE": "on",
            }
        )
    r = admin_client.post(reverse("admin:handover_milestoneplan_change", args=[plan.pk]), data)
    assert r.status_code == 200
    assert plan.steps.count() == 8


SPEC_PROGRESS_MILESTONES = [
    "样板示范区开放",
    "主体结构封顶",
    "外装修工程竣工",
    "内装修及机电安装工程竣工",
    "市政配套竣工",
    "外围园林竣工",
    "整体竣工验收通过",
    "物业接管验收通过",
    "各项市政管线接驳贯通",
    "收楼样板区开放",
]


def test_the_ten_progress_milestones_match_the_spec(project):
    rows = ProgressMilestoneOption.objects.filter(active=True)
    assert [r.name for r in rows] == SPEC_PROGRESS_MILESTONES
    missing = selectors.missing_mandatory([project.pk])[project.pk]
    assert [m.name for m in missing] == SPEC_PROGRESS_MILESTONES


def test_progress_milestones_are_read_from_the_rows(project):
    ProgressMilestoneOption.objects.filter(code="landscape_done").update(active=False)
    ProgressMilestoneOption.objects.create(code="school_open", name="配套学校开学", order=11)
    missing = selectors.missing_mandatory([project.pk])[project.pk]
    assert "外围园林竣工" not in [m.name for m in missing]
    assert missing[-1].name == "配套学校开学" and len(missing) == 10
    offered = dict(
        NoticeForm(projects=Project.objects.filter(pk=project.pk)).fields["milestone"].choices
    )
    assert "school_open" in offered and "landscape_done" not in offered
