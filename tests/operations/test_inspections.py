import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from operations import selectors, services
from operations.models import (
    Inspection,
    InspectionStatus,
    RectificationItem,
    RectificationStatus,
)
from salesite.exceptions import DomainError, InvalidTransition
from salesite.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def hq(member, project):
    return member("hq_inspector", project)


@pytest.fixture
def inspection(project, checklist, hq, today):
    return services.inspection_create(
        project=project, checklist=checklist, date=today, inspector=hq
    )


def _scores(inspection, values):
    rows = list(inspection.scores.select_related("item").order_by("item__order"))
    return {s.pk: (v, f"note {i}") for i, (s, v) in enumerate(zip(rows, values, strict=True))}


def test_create_makes_one_score_per_item_and_the_max_total(inspection):
    assert inspection.scores.count() == 3 and inspection.max_total == 20


def test_score_above_max_is_refused_and_nothing_saved(inspection):
    with pytest.raises(DomainError):
        services.inspection_score(inspection=inspection, scores=_scores(inspection, [5, 11, 5]))
    assert not inspection.scores.filter(score__isnull=False).exists()


def test_score_above_max_in_the_browser(client_for, hq, inspection):
    scores = _scores(inspection, [5, 11, 5])
    data = {f"score_{pk}": v for pk, (v, _n) in scores.items()}
    r = client_for(hq).post(f"/ops/inspections/{inspection.pk}/scores/", data, follow=True)
    assert "得分不能超过满分 10" in r.content.decode()
    assert not inspection.scores.filter(score__isnull=False).exists()


def test_failed_items_become_rectifications(member, project, inspection, hq, today):
    owner = member("cs_lead", project)
    services.inspection_score(inspection=inspection, scores=_scores(inspection, [5, 6, 4]))
    inspection.refresh_from_db()
    assert inspection.total_score == 15
    items = services.inspection_complete(
        inspection=inspection, user=hq, owner=owner, deadline=today + datetime.timedelta(days=7)
    )
    assert len(items) == 2
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED and inspection.total_score == 15
    rects = RectificationItem.objects.order_by("score__item__order")
    assert [r.score.item.text for r in rects] == ["按排班到岗", "记录完整"]
    assert all(r.owner == owner and r.project == project for r in rects)
    assert "6/10" in rects[0].description
    with pytest.raises(InvalidTransition):
        services.inspection_score(inspection=inspection, scores=_scores(inspection, [5, 10, 5]))


def test_complete_needs_every_item_scored(member, project, inspection, hq, today):
    scores = _scores(inspection, [5, 10, 5])
    first = next(iter(scores))
    services.inspection_score(inspection=inspection, scores={first: (5, "")})
    with pytest.raises(DomainError):
        services.inspection_complete(inspection=inspection, user=hq, owner=hq, deadline=today)
    assert not RectificationItem.objects.exists()


def test_overdue_detection(member, project, inspection, hq, today):
    owner = member("cs_lead", project)
    services.inspection_score(inspection=inspection, scores=_scores(inspection, [4, 6, 5]))
    a, b = services.inspection_complete(inspection=inspection, user=hq, owner=owner, deadline=today)
    assert not a.is_overdue(today)
    tomorrow = today + datetime.timedelta(days=1)
    assert a.is_overdue(tomorrow)
    assert set(RectificationItem.objects.overdue(tomorrow)) == {a, b}
    services.rectification_done(item=b, user=owner, note="已整改")
    assert set(RectificationItem.objects.overdue(tomorrow)) == {a, b}  # done but not verified
    services.rectification_verify(item=b, user=hq, accepted=True)
    assert list(RectificationItem.objects.overdue(tomorrow)) == [a]
    assert list(selectors.overdue_rectifications(owner, tomorrow)) == [a]


def test_rectification_workflow_owner_done_hq_verifies(
    member, client_for, project, inspection, hq, today
):
    owner = member("front_desk", project)
    services.inspection_score(inspection=inspection, scores=_scores(inspection, [4, 10, 5]))
    (item,) = services.inspection_complete(
        inspection=inspection, user=hq, owner=owner, deadline=today
    )
    c = client_for(owner)
    c.post(f"/ops/rectifications/{item.pk}/done/", {"note": "已更换标识"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.DONE
    # only HQ verifies
    lead = member("cs_lead", project)
    assert (
        client_for(lead)
        .post(f"/ops/rectifications/{item.pk}/verify/", {"accepted": "1"})
        .status_code
        == 403
    )
    client_for(hq).post(
        f"/ops/rectifications/{item.pk}/verify/", {"accepted": "0", "note": "仍不合格"}
    )
    item.refresh_from_db()
    assert item.status == RectificationStatus.OPEN and item.verify_note == "仍不合格"
    services.rectification_done(item=item, user=owner, note="再次整改")
    client_for(hq).post(f"/ops/rectifications/{item.pk}/verify/", {"accepted": "1"})
    item.refresh_from_db()
    assert item.status == RectificationStatus.VERIFIED and item.verified_by == hq
    with pytest.raises(InvalidTransition):
        services.rectification_update(item=item, owner=owner, deadline=today)


def test_inspection_in_the_browser_with_photo(member, client_for, project, checklist, hq, today):
    c = client_for(hq)
    r = c.post(
        "/ops/inspections/new/",
        {"project": project.pk, "checklist": checklist.pk, "date": f"{today:%Y-%m-%d}"},
    )
    assert r.status_code == 302
    inspection = Inspection.objects.get()
    scores = _scores(inspection, [5, 8, 5])
    c.post(
        f"/ops/inspections/{inspection.pk}/scores/",
        {f"score_{pk}": v for pk, (v, _n) in scores.items()},
    )
    score = inspection.scores.get(item__text="按排班到岗")
    assert score.score == 8
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(score)
    c.post(
        f"/core/attachments/{ct.pk}/{score.pk}/upload/",
        {"file": SimpleUploadedFile("p.png", PNG, content_type="image/png")},
    )
    assert Attachment.objects.get().object_id == score.pk
    owner = member("cs_lead", project)
    c.post(
        f"/ops/inspections/{inspection.pk}/complete/",
        {"owner": owner.pk, "deadline": f"{today + datetime.timedelta(days=5):%Y-%m-%d}"},
    )
    assert RectificationItem.objects.get().score == score
    page = c.get(f"/ops/inspections/{inspection.pk}/").content.decode()
    assert "18" in page and "按排班到岗" in page


def test_only_hq_creates_inspections_and_scoping(
    member, client_for, project, other_project, checklist, inspection
):
    head = member("centre_head", project)
    c = client_for(head)
    assert c.get("/ops/inspections/new/").status_code == 403
    assert c.get(f"/ops/inspections/{inspection.pk}/").status_code == 200
    assert c.post(f"/ops/inspections/{inspection.pk}/scores/", {}).status_code == 403
    outsider = client_for(member("centre_head", other_project))
    assert outsider.get(f"/ops/inspections/{inspection.pk}/").status_code == 404
    assert (
        str(inspection.date.year)
        not in outsider.get("/ops/inspections/").content.decode().split("<tbody>")[1]
    )


def test_rectification_history_is_shown_on_its_pages(
    member, client_for, project, inspection, hq, today
):
    owner = member("front_desk", project)
    services.inspection_score(inspection=inspection, scores=_scores(inspection, [4, 10, 5]))
    (item,) = services.inspection_complete(
        inspection=inspection, user=hq, owner=owner, deadline=today
    )
    services.rectification_done(item=item, user=owner, note="已更换标识")
    c = client_for(hq)
    page = c.get(f"/ops/rectifications/{item.pk}/").content.decode()
    assert "状态记录" in page and "已更换标识" in page
    page = c.get(f"/ops/inspections/{inspection.pk}/").content.decode()
    assert "状态记录" in page and str(RectificationStatus.DONE.label) in page
