"""The one workflow engine (issue 13): ``salesite.workflow.transition`` and every transition
table declared on a model.

``test_undeclared_transitions_are_refused`` runs once per model that declares
``TRANSITIONS``: every (from, to) pair the table does not declare — staying in the same state
included — is refused, and every declared pair is allowed. ``EXPECTED_WORKFLOWS`` lists the
workflows that must be on the engine, so one cannot drop out unnoticed.
"""

from __future__ import annotations

import itertools

import pytest
from django.apps import apps

from feedback import services as feedback_services
from feedback.models import Case, CaseEvent, CaseStatus
from salesite.exceptions import InvalidTransition
from salesite.workflow import (
    allowed_next,
    can_transition,
    status_field,
    transition,
    workflow_models,
)
from tests import factories as f

# "app_label.Model" of every workflow that must be declared on the engine.
EXPECTED_WORKFLOWS: set[str] = {
    "communication.Problem",
    "feedback.CallbackTask",
    "feedback.Case",
    "feedback.Referral",
    "handover.HandoverCase",
    "handover.Milestone",
    "handover.ProgressNotice",
    "handover.RectificationItem",
    "operations.Inspection",
    "operations.MarketingEvent",
    "operations.RectificationItem",
    "operations.ServicePlan",
    "renovation.CompletionInspection",
    "renovation.Fine",
    "renovation.HotWorkPermit",
    "renovation.RenovationApplication",
    "renovation.Violation",
    "salesite.Contractor",
    "salesite.Project",
}


def _states(model) -> list[str]:
    field = model._meta.get_field(status_field(model))
    return [str(value) for value, _label in field.flatchoices]


def test_expected_workflows_are_declared():
    declared = {m._meta.label for m in workflow_models()}
    assert declared >= EXPECTED_WORKFLOWS, EXPECTED_WORKFLOWS - declared


def test_every_table_names_real_states_and_no_self_moves():
    for model in workflow_models():
        states = set(_states(model))
        for source, targets in model.TRANSITIONS.items():
            assert str(source) in states, (model, source)
            assert {str(t) for t in targets} <= states, (model, source, targets)
            assert str(source) not in {str(t) for t in targets}, (
                f"{model._meta.label}: {source} → {source} is a no-op, which the engine refuses"
            )


@pytest.mark.parametrize("label", sorted(m._meta.label for m in workflow_models()) or ["none"])
def test_undeclared_transitions_are_refused(label):
    if label == "none":
        pytest.skip("no model declares TRANSITIONS yet")
    model = apps.get_model(label)
    field = status_field(model)
    for source, target in itertools.product(_states(model), repeat=2):
        obj = model(**{field: source})  # unsaved: a refused move saves nothing
        declared = {str(t) for t in model.TRANSITIONS.get(source, ())}
        if target in declared:
            assert can_transition(obj, target), (label, source, target)
            assert target in allowed_next(obj)
        else:
            assert not can_transition(obj, target), (label, source, target)
            with pytest.raises(InvalidTransition):
                transition(obj, target, by=None)
            assert getattr(obj, field) == source


# --- the engine itself, on the feedback case (a workflow with a history) --------------------


@pytest.fixture
def case_workflow(monkeypatch):
    """Case with its table and history declared, whether or not the app has moved yet."""
    from feedback.models import cases

    monkeypatch.setattr(
        Case, "TRANSITIONS", getattr(Case, "TRANSITIONS", cases.CASE_TRANSITIONS), raising=False
    )
    monkeypatch.setattr(Case, "WORKFLOW_HISTORY", "feedback.CaseEvent", raising=False)
    monkeypatch.setattr(Case, "TRANSITION_ERROR", None, raising=False)


@pytest.fixture
def case(db, case_workflow):
    project = f.ProjectFactory()
    return feedback_services.case_create(
        project=project, kind="inquiry", subject="门禁卡补办", walk_in_name="王先生"
    )


def test_transition_saves_state_and_writes_one_history_row(case):
    user = f.UserFactory()
    before = CaseEvent.objects.filter(case=case).count()
    row = transition(case, CaseStatus.IN_PROGRESS, by=user, note="已受理")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert CaseEvent.objects.filter(case=case).count() == before + 1
    assert (row.from_status, row.to_status, row.by, row.note) == (
        CaseStatus.NEW,
        CaseStatus.IN_PROGRESS,
        user,
        "已受理",
    )


def test_refused_transition_saves_nothing_and_says_why(case):
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(InvalidTransition) as refused:
        transition(case, CaseStatus.CLOSED, by=None)
    assert "“待处理”" in str(refused.value) or "不能从" in str(refused.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert CaseEvent.objects.filter(case=case).count() == before


def test_staying_in_the_same_state_is_refused(case):
    with pytest.raises(InvalidTransition):
        transition(case, CaseStatus.NEW, by=None)


def test_allowed_next_follows_the_choices_order(case):
    order = [str(v) for v, _l in Case._meta.get_field("status").flatchoices]
    nxt = allowed_next(case)
    assert nxt == sorted(nxt, key=order.index)
    assert set(nxt) == {str(s) for s in Case.TRANSITIONS[CaseStatus.NEW]}


def test_model_message_template_is_used(case, monkeypatch):
    monkeypatch.setattr(Case, "TRANSITION_ERROR", "不可：%(from)s→%(to)s", raising=False)
    with pytest.raises(InvalidTransition, match="不可："):
        transition(case, CaseStatus.CLOSED, by=None)


def test_extra_fields_are_saved_with_the_state(case):
    case.reply = "已答复"
    transition(case, CaseStatus.REPLIED, by=None, fields=["reply"])
    case.refresh_from_db()
    assert (case.status, case.reply) == (CaseStatus.REPLIED, "已答复")
