"""The handover demo builds a batch in progress (and smaller ones on the other projects) and is
idempotent."""

import pytest

from handover.demo import seed_demo
from handover.models import (
    CaseStatus,
    DeliveryBatch,
    HandoverCase,
    ItemRelease,
    MilestoneStatus,
    MockInspection,
    MoveInTenantInfo,
    ProgressNotice,
)
from salesite.demo import seed_core
from salesite.models import Attachment, Tenant

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
    # The other projects: a batch each; on 海棠湾 (delivered) a tenant moved in with the form.
    assert set(DeliveryBatch.objects.values_list("project__code", flat=True)) == {
        "binjiang",
        "yunqi",
        "haitang",
    }
    info = MoveInTenantInfo.objects.select_related("move_in", "tenant").get()
    assert info.project.code == "haitang"
    assert info.move_in.tenant == info.tenant and info.tenant.id_number
    assert (
        HandoverCase.objects.filter(project__code="haitang", status=CaseStatus.COMPLETED).count()
        == 2
    )
    assert Attachment.objects.filter(description="问题照片").count() == 3
    counts = (
        HandoverCase.objects.count(),
        ItemRelease.objects.count(),
        Tenant.objects.count(),
        Attachment.objects.count(),
    )
    seed_demo()
    assert (
        HandoverCase.objects.count(),
        ItemRelease.objects.count(),
        Tenant.objects.count(),
        Attachment.objects.count(),
    ) == counts
    assert DeliveryBatch.objects.count() == 3
