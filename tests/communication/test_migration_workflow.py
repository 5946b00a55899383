"""communication 0004_workflow fills from/to status on the history rows written before it."""

import importlib

import pytest
from django.apps import apps

from communication import services
from communication.models import Problem, ProblemEvent

pytestmark = pytest.mark.django_db

migration = importlib.import_module("communication.migrations.0004_workflow")


def test_existing_history_gets_its_state_changes(member, project, levels):
    lead = member("cs_lead", project)
    p = services.problem_create(
        project=project, level=levels["daily"], owner=lead, title="指引牌缺失", user=lead
    )
    p = services.problem_escalate(problem=p, to_level=levels["weekly"], reason="a", user=lead)
    p = services.problem_escalate(problem=p, to_level=levels["monthly"], reason="b", user=lead)
    services.problem_reassign(problem=p, owner=member("front_desk", project), user=lead)
    services.problem_resolve(problem=p, resolution="已处理", user=lead)
    expected = list(p.events.order_by("pk").values_list("kind", "from_status", "to_status"))
    ProblemEvent.objects.update(from_status="", to_status="")  # as before the migration
    migration.fill_statuses(apps, None)
    assert list(p.events.order_by("pk").values_list("kind", "from_status", "to_status")) == (
        expected
    )
    assert expected[-1] == (
        ProblemEvent.Kind.RESOLVED,
        Problem.Status.ESCALATED,
        Problem.Status.RESOLVED,
    )
