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
from handover.selectors_previews import preview_counts
from salesite.models import Attachment, Tenant
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent():
    demo_snapshot.seed_demo()  # a fresh seed of the whole demo
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
    # Problem photos: the first defect of each batch (3) and each preview finding (6 on
    # binjiang, 6 on yunqi); photos of the fix: the fixed and closed findings (2 + 2) and the
    # defects the second round found fixed (1 on binjiang, 3 on yunqi).
    assert Attachment.objects.filter(description="问题照片").count() == 3 + 12
    assert Attachment.objects.filter(description="整改后照片").count() == 4 + 4
    for code, overdue in (("binjiang", 1), ("yunqi", 3)):
        counts = preview_counts(DeliveryBatch.objects.get(project__code=code))
        assert counts == {"total": 6, "open": 4, "fixed": 1, "closed": 1, "overdue": overdue}
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
