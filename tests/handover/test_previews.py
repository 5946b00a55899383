"""Pre-delivery preview findings (R-HO-1 提前看房活动) and defect before/after photos (R-HO-2)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from handover.models import (
    FindingStatus,
    InspectionDefect,
    MilestoneKind,
    PhotoRole,
    PhotoTag,
    PreviewFinding,
    PreviewFindingHistory,
    Verification,
)
from handover.selectors_previews import preview_counts, with_role_photos
from handover.services import inspections, previews
from handover.tasks import handover_findings_overdue
from salesite.exceptions import DomainError, InvalidTransition
from salesite.models import Attachment, Notification
from tests import factories as f
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db

FOUND = datetime.date(2027, 5, 30)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def png(name="p.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def batch(project):
    batch = make_batch(project, units=3)
    for unit in batch.units.all():
        f.PurchaseFactory(unit=unit)
    return batch


def item(**kw):
    data = dict(
        category="finish",
        location="客厅",
        description="墙面裂缝",
        responsible_unit="装修单位",
        deadline=FOUND + datetime.timedelta(days=10),
    )
    data.update(kw)
    return data


def add(batch, unit=None, user=None, found_on=None, **kw):
    unit = unit or batch.units.order_by("pk").first()
    found_on = found_on or getattr(batch, "found_on", FOUND)
    return previews.findings_add(
        batch=batch, unit=unit, user=user, found_on=found_on, items=[item(**kw)]
    )[0]


def test_several_findings_of_one_unit_in_one_go(batch, member, project):
    lead = member("cs_lead", project)
    eng = member("engineering", project)
    unit = batch.units.order_by("pk").first()
    found = previews.findings_add(
        batch=batch,
        unit=unit,
        user=lead,
        found_on=FOUND,
        items=[
            item(photos=[png("a.png"), png("b.png")]),
            item(category="design", location="阳台", assignee=eng),
        ],
    )
    assert len(found) == 2
    a, b = found
    # Linked to the batch's preview-event milestone and to the unit's owner.
    assert a.milestone.kind == MilestoneKind.PREVIEW_EVENT
    assert a.customer == unit.purchases.get().customer
    assert (a.status, b.status) == (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)
    assert b.assignee == eng
    assert list(b.history.values_list("from_status", "to_status")) == [("open", "in_progress")]
    (a,) = with_role_photos([a])
    assert len(a.before_photos) == 2 and a.after_photos == []
    assert set(PhotoTag.objects.values_list("role", flat=True)) == {"before"}


def test_findings_refused_for_a_unit_outside_the_batch_or_a_past_deadline(batch, project):
    stray = f.UnitFactory(building=f.BuildingFactory(project=project))
    with pytest.raises(DomainError, match="不在本交付批次"):
        previews.findings_add(batch=batch, unit=stray, user=None, items=[item()])
    with pytest.raises(DomainError, match="不能早于发现日期"):
        add(batch, deadline=FOUND - datetime.timedelta(days=1))
    assert PreviewFinding.objects.count() == 0


def test_life_cycle_to_closure_and_refused_moves(batch, member, project):
    lead, eng = member("cs_lead", project), member("engineering", project)
    finding = add(batch, user=lead)
    with pytest.raises(InvalidTransition, match="不能从“待处理”变为“已验证关闭”"):
        previews.finding_close(finding=finding, user=lead, note="好")
    with pytest.raises(DomainError, match="整改后照片"):
        previews.finding_mark_fixed(finding=finding, user=eng, photos=[])
    previews.finding_assign(
        finding=finding, user=lead, assignee=eng, deadline=FOUND + datetime.timedelta(days=5)
    )
    finding.refresh_from_db()
    assert (finding.status, finding.deadline) == ("in_progress", datetime.date(2027, 6, 4))
    previews.finding_mark_fixed(
        finding=finding, user=eng, photos=[png()], today=datetime.date(2027, 6, 3)
    )
    previews.finding_reopen(finding=finding, user=lead, note="仍有裂缝")
    finding.refresh_from_db()
    assert (finding.status, finding.fixed_on) == ("in_progress", None)
    previews.finding_mark_fixed(
        finding=finding, user=eng, photos=[png()], today=datetime.date(2027, 6, 4)
    )
    previews.finding_close(
        finding=finding, user=lead, note="业主确认", today=datetime.date(2027, 6, 5)
    )
    finding.refresh_from_db()
    assert finding.status == "closed"
    assert (finding.fixed_on, finding.closed_on) == (
        datetime.date(2027, 6, 4),
        datetime.date(2027, 6, 5),
    )
    assert finding.closure_note == "业主确认"
    assert list(
        PreviewFindingHistory.objects.filter(finding=finding).values_list("to_status", flat=True)
    ) == ["in_progress", "fixed", "in_progress", "fixed", "closed"]
    (finding,) = with_role_photos([finding])
    assert (len(finding.before_photos), len(finding.after_photos)) == (0, 2)
    with pytest.raises(InvalidTransition, match="已关闭"):
        previews.finding_update(finding=finding, user=lead, location="厨房")
    with pytest.raises(InvalidTransition):
        previews.finding_reopen(finding=finding, user=lead, note="x")


def _recent(batch, today):
    """Findings of ``batch`` found ten days ago (``add`` reads ``batch.found_on``)."""
    batch.found_on = today - datetime.timedelta(days=10)
    return batch


def test_counts_of_a_batch(batch, member, project):
    """5 findings: open (on time), open (late), in progress (late), fixed, closed → total 5,
    not done 3, fixed 1, closed 1, overdue 2 (the two late ones still open)."""
    eng = member("engineering", project)
    today = datetime.date.today()
    batch = _recent(batch, today)
    add(batch, deadline=today + datetime.timedelta(days=3))
    late = dict(deadline=today - datetime.timedelta(days=1))
    PreviewFinding.objects.filter(pk=add(batch).pk).update(**late)
    late_in_progress = add(batch)
    previews.finding_assign(finding=late_in_progress, user=None, assignee=eng)
    PreviewFinding.objects.filter(pk=late_in_progress.pk).update(**late)
    fixed = add(batch)
    previews.finding_mark_fixed(finding=fixed, user=eng, photos=[png()])
    closed = add(batch)
    previews.finding_mark_fixed(finding=closed, user=eng, photos=[png()])
    previews.finding_close(finding=closed, user=None, note="ok")
    PreviewFinding.objects.filter(pk__in=[fixed.pk, closed.pk]).update(**late)  # done: not late
    assert preview_counts(batch) == {"total": 5, "open": 3, "fixed": 1, "closed": 1, "overdue": 2}


def test_overdue_reminder_once_per_deadline(batch, member, project):
    lead, eng = member("cs_lead", project), member("engineering", project)
    finding = add(batch)
    previews.finding_assign(finding=finding, user=lead, assignee=eng)
    add(batch, deadline=FOUND + datetime.timedelta(days=30))  # not late on the day
    day = FOUND + datetime.timedelta(days=11)  # the first one's deadline was day 10
    assert previews.findings_notify_overdue(today=day) == 1
    assert set(Notification.objects.values_list("recipient", flat=True)) == {lead.pk, eng.pk}
    assert previews.findings_notify_overdue(today=day) == 0
    assert Notification.objects.count() == 2
    # A new deadline, missed again, is told again.
    previews.finding_assign(
        finding=finding, user=lead, assignee=eng, deadline=FOUND + datetime.timedelta(days=12)
    )
    assert previews.findings_notify_overdue(today=FOUND + datetime.timedelta(days=13)) == 1
    assert Notification.objects.count() == 4


def test_overdue_job_is_idempotent(batch, member, project):
    eng = member("engineering", project)
    today = datetime.date.today()
    finding = add(batch, found_on=today - datetime.timedelta(days=10))
    previews.finding_assign(finding=finding, user=None, assignee=eng)
    PreviewFinding.objects.filter(pk=finding.pk).update(deadline=today - datetime.timedelta(days=1))
    assert handover_findings_overdue()["notified"] == 1
    assert handover_findings_overdue()["notified"] == 0
    assert list(Notification.objects.values_list("recipient", flat=True)) == [eng.pk]
    entry = PeriodicTask.objects.get(task="handover.tasks.handover_findings_overdue")
    assert (entry.crontab.hour, entry.crontab.minute) == ("7", "40")


def test_staff_create_several_with_photos_then_fix_and_close(client_for, member, project, batch):
    lead = member("cs_lead", project)
    eng = member("engineering", project)
    unit = batch.units.order_by("pk").first()
    c = client_for(lead)
    url = reverse("handover:finding_create", args=[batch.pk])
    assert c.get(url).status_code == 200
    data = {
        "building": unit.building_id,
        "number": unit.number,
        "found_on": "2027-05-30",
        "item-TOTAL_FORMS": "3",
        "item-INITIAL_FORMS": "0",
        "item-MIN_NUM_FORMS": "1",
        "item-MAX_NUM_FORMS": "20",
        "item-0-category": "finish",
        "item-0-location": "客厅",
        "item-0-description": "墙面裂缝",
        "item-0-responsible_unit": "装修单位",
        "item-0-deadline": "2027-06-09",
        "item-0-photos": [png("a.png"), png("b.png")],
        "item-1-category": "landscape",
        "item-1-location": "楼前绿化",
        "item-1-description": "积水",
        "item-1-responsible_unit": "园林单位",
        "item-1-deadline": "2027-06-15",
        "item-1-assignee": eng.pk,
    }
    r = c.post(url, data)
    assert r.status_code == 302, r.content.decode()[-3000:]
    assert PreviewFinding.objects.count() == 2
    wall = PreviewFinding.objects.get(location="客厅")
    assert (
        Attachment.objects.filter(object_id=wall.pk, content_type__model="previewfinding").count()
        == 2
    )
    # A PDF is not a photo.
    bad = dict(data, **{"item-0-photos": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")})
    bad.pop("item-1-category")
    r = c.post(url, bad)
    assert r.status_code == 200 and "只能上传图片" in r.content.decode()
    assert PreviewFinding.objects.count() == 2

    detail = wall.get_absolute_url()
    page = c.get(detail).content.decode()
    assert "墙面裂缝" in page and "整改前" in page
    # Fixing needs a photo of the fix.
    r = c.post(detail, {"action": "fix", "fix-note": "已修补"})
    assert r.status_code == 200 and "这个字段是必填项" in r.content.decode()
    r = c.post(detail, {"action": "close", "close-note": "x"})  # not offered while open
    assert r.status_code == 302
    wall.refresh_from_db()
    assert wall.status == "open"
    r = client_for(eng).post(detail, {"action": "fix", "fix-photos": png("after.png")})
    assert r.status_code == 302
    r = c.post(detail, {"action": "close", "close-note": "业主确认合格"})
    assert r.status_code == 302
    wall.refresh_from_db()
    assert (wall.status, wall.closure_note) == ("closed", "业主确认合格")
    assert "整改后" in c.get(detail).content.decode()
    assert c.get(reverse("handover:finding_edit", args=[wall.pk])).status_code == 200
    # The batch page shows the counts on the preview-event milestone.
    page = c.get(batch.get_absolute_url()).content.decode()
    assert "共 2 条，未完成 1，待验证 0，已关闭 1" in page


def test_list_filters_and_overdue(client_for, member, project, batch):
    today = datetime.date.today()
    batch = _recent(batch, today)
    on_time = add(batch, deadline=today + datetime.timedelta(days=3), category="design")
    late = add(batch, deadline=today + datetime.timedelta(days=3), location="厨房")
    PreviewFinding.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=2))
    c = client_for(member("front_desk", project))
    url = reverse("handover:finding_list")
    page = c.get(url, {"overdue": "true"}).content.decode()
    assert late.get_absolute_url() in page and on_time.get_absolute_url() not in page
    assert "table-danger" in page
    page = c.get(url, {"category": "design"}).content.decode()
    assert on_time.get_absolute_url() in page and late.get_absolute_url() not in page
    page = c.get(url, {"status": "closed"}).content.decode()
    assert "暂无看房问题" in page


def test_denials(client_for, member, project, other_project, batch):
    finding = add(batch)
    other = client_for(member("cs_lead", other_project))
    assert other.get(finding.get_absolute_url()).status_code == 404
    assert other.get(reverse("handover:finding_edit", args=[finding.pk])).status_code == 404
    assert other.get(reverse("handover:finding_create", args=[batch.pk])).status_code == 404
    assert (
        finding.get_absolute_url()
        not in other.get(reverse("handover:finding_list")).content.decode()
    )
    security = client_for(member("security", project))
    assert security.get(finding.get_absolute_url()).status_code == 403
    assert security.get(reverse("handover:finding_list")).status_code == 403
    # Engineering may change a finding but not record new ones; the cashier only views.
    eng = client_for(member("engineering", project))
    assert eng.get(reverse("handover:finding_create", args=[batch.pk])).status_code == 403
    cashier = client_for(member("cashier", project))
    assert cashier.get(finding.get_absolute_url()).status_code == 200
    r = cashier.post(finding.get_absolute_url(), {"action": "fix", "fix-photos": png()})
    assert r.status_code == 403
    finding.refresh_from_db()
    assert finding.status == "open"


@pytest.mark.parametrize("n", [2, 20])
def test_list_bounded(client_for, member, project, batch, django_assert_max_num_queries, n):
    for _ in range(n):
        add(batch, photos=[png()])
    c = client_for(member("cs_lead", project))
    c.get(reverse("handover:index"))
    with django_assert_max_num_queries(16):
        r = c.get(reverse("handover:finding_list"), {"project": project.pk, "batch": batch.pk})
    assert r.content.decode().count("前 1 / 后 0") == n


def test_defect_before_and_after_photos(client_for, member, project):
    batch = make_batch(project, units=1)
    unit = batch.units.get()
    first = inspections.inspection_start(
        batch=batch, unit=unit, round=1, user=None, inspected_on=FOUND
    )
    defect = inspections.defect_add(
        inspection=first,
        user=None,
        location="主卫",
        category="plumbing",
        description="地漏排水不畅",
        responsible_unit="总包",
        deadline=FOUND + datetime.timedelta(days=20),
        photo=png("before.png"),
    )
    inspections.inspection_complete(inspection=first, user=None)
    second = inspections.inspection_start(batch=batch, unit=unit, round=2, user=None)
    c = client_for(member("engineering", project))
    url = reverse("handover:defect_verify", args=[second.pk, defect.pk])
    # "Fixed" without a photo of the fix is refused; with one it is recorded.
    r = c.post(url, {"result": "fixed"}, follow=True)
    assert "复验合格须上传整改后照片" in r.content.decode()
    defect.refresh_from_db()
    assert defect.verification == ""
    c.post(url, {"result": "fixed", "after_photos": [png("after.png")]})
    defect.refresh_from_db()
    assert defect.verification == Verification.FIXED
    (defect,) = with_role_photos([InspectionDefect.objects.get(pk=defect.pk)])
    assert [a.original_name for a in defect.before_photos] == ["before.png"]
    assert [a.original_name for a in defect.after_photos] == ["after.png"]
    assert PhotoTag.objects.get(attachment=defect.after_photos[0]).role == PhotoRole.AFTER
    page = c.get(second.get_absolute_url()).content.decode()
    assert "整改前" in page and "整改后" in page
    printed = c.get(reverse("handover:inspection_print", args=[first.pk])).content.decode()
    assert reverse("salesite:attachment_download", args=[defect.after_photos[0].pk]) in printed


def test_assign_and_edit_through_the_pages(client_for, member, project, other_project, batch):
    lead = member("cs_lead", project)
    eng = member("engineering", project)
    stranger = member("engineering", other_project)
    finding = add(batch)
    c = client_for(lead)
    url = finding.get_absolute_url()
    # Only the project's staff can be the assignee.
    r = c.post(url, {"action": "assign", "assign-assignee": stranger.pk})
    assert r.status_code == 200 and "选择一个有效的选项" in r.content.decode()
    r = c.post(
        url, {"action": "assign", "assign-assignee": eng.pk, "assign-deadline": "2027-06-20"}
    )
    assert r.status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.assignee, finding.deadline) == (
        "in_progress",
        eng,
        datetime.date(2027, 6, 20),
    )
    r = c.post(
        reverse("handover:finding_edit", args=[finding.pk]),
        {
            "category": "construction",
            "location": "次卧",
            "description": "墙面裂缝加长",
            "responsible_unit": "总包单位",
            "deadline": "2027-06-25",
            "photos": [png("more.png")],
        },
    )
    assert r.status_code == 302
    finding.refresh_from_db()
    assert (finding.category, finding.location, finding.deadline) == (
        "construction",
        "次卧",
        datetime.date(2027, 6, 25),
    )
    (finding,) = with_role_photos([finding])
    assert [a.original_name for a in finding.before_photos] == ["more.png"]
