"""Fixtures of the dashboard tests: small rows of every app, created directly."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from communication.models import Problem
from feedback.models import CallbackTask, Case, DeadlineBreach
from salesite import figure_versions
from tests import factories as f
from tests.communication.factories import ProblemFactory


def commit():
    """What a commit does to the figure tokens of the writes before it (a test never
    commits): the transaction's pending replacement runs (salesite.figure_versions)."""
    pending = figure_versions._pending(connection)
    if pending.callback is not None:
        pending.flush()


@pytest.fixture
def today():
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def problem(project, owner, due, status=Problem.Status.OPEN, **kwargs):
    return ProblemFactory(project=project, owner=owner, due_date=due, status=status, **kwargs)


def callback(project, due, *, assigned_to=None, status="pending", score=None, completed_at=None):
    return CallbackTask.objects.create(
        project=project,
        customer=f.CustomerFactory(project=project),
        rule="residence_3m",
        source_key=f"k{CallbackTask.objects.count()}",
        due_date=due,
        assigned_to=assigned_to,
        status=status,
        score=score,
        completed_at=completed_at,
    )


def case_with_breach(project, when):
    case = Case.objects.create(project=project, kind="repair", subject="漏水", received_at=when)
    DeadlineBreach.objects.create(
        project=project, case=case, kind="dispatch", due_at=when, detected_at=when
    )
    return case
