"""The handover demo builds a batch in progress and is idempotent."""

import pytest

from handover.demo import seed_demo
from handover.models import (
    CaseStatus,
    DeliveryBatch,
    HandoverCase,
    ItemRelease,
    MilestoneStatus,
    MockInspection,
    ProgressNotice,
)
from salesite.demo import seed_core

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent():
    seed_core()
    seed_demo()
    batch = DeliveryBatch.objects.get(project__code="binjiang")
    statuses = set(batch.milestones.values_list("status", flat=True))
    assert statuses == {MilestoneStatus.DONE, MilestoneStatus.OVERDUE, MilestoneStatus.OPEN}
    assert HandoverCase.objects.filter(status=CaseStatus.COMPLETED, paid_at__isnull=False).exists()
    assert HandoverCase.objects.filter(status=CaseStatus.NOT_TAKEN).exists()
    assert ProgressNotice.objects.filter(status="sent").exists()
    assert ItemRelease.objects.exists()
    assert MockInspection.objects.filter(round=2, completed_at__isnull=False).exists()
    counts = (HandoverCase.objects.count(), ItemRelease.objects.count())
    seed_demo()
    assert (HandoverCase.objects.count(), ItemRelease.objects.count()) == counts
    assert DeliveryBatch.objects.count() == 1
