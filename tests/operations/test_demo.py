import pytest
from django.apps import apps
from django.utils import timezone

from operations import selectors
from operations.demo import seed_demo
from operations.models import (
    Inspection,
    MarketingEvent,
    PlanStatus,
    RectificationItem,
    ServicePlan,
)
from salesite.models import Attachment, Project, User
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def _counts():
    return {m.__name__: m.objects.count() for m in apps.get_app_config("operations").get_models()}


def test_demo_builds_every_workflow_and_is_idempotent():
    today = timezone.localdate()
    demo_snapshot.seed_demo()  # a fresh seed of the whole demo
    first = _counts()
    seed_demo(today)
    assert _counts() == first
    binjiang = Project.objects.get(code="binjiang")
    versions = dict(ServicePlan.objects.filter(project=binjiang).values_list("version", "status"))
    assert versions == {1: PlanStatus.FILED, 2: PlanStatus.SUBMITTED}
    assert (
        MarketingEvent.objects.filter(project=binjiang, status="closed")
        .exclude(evaluation="")
        .exists()
    )
    assert MarketingEvent.objects.filter(project=binjiang, status="planned").exists()
    assert RectificationItem.objects.filter(project=binjiang).overdue(today).count() == 1
    head = User.objects.get(username="binjiang_centre_head")
    gaps = selectors.empty_posts(head, today)
    assert [(g.post.name, g.shift.name) for g in gaps] == [("水吧岗", "晚班")]
    assert first["TrainingAttendance"] >= 6
    # The other projects: a first plan (submitted, filed) and an HQ inspection with a photo.
    plans = dict(
        ServicePlan.objects.exclude(project=binjiang).values_list("project__code", "status")
    )
    assert plans == {"yunqi": PlanStatus.SUBMITTED, "haitang": PlanStatus.FILED}
    assert set(Inspection.objects.values_list("project__code", flat=True)) == {
        "binjiang",
        "yunqi",
        "haitang",
    }
    assert Attachment.objects.filter(description="检查时拍摄的营销中心现场").count() == 3


def test_every_page_renders_on_the_demo(client):
    demo_snapshot.seed_demo()
    binjiang = Project.objects.get(code="binjiang")
    plan = ServicePlan.objects.get(project=binjiang, version=2)
    area = binjiang.site_areas.first()
    urls = [
        "/",
        "/ops/areas/",
        f"/ops/areas/{area.pk}/",
        f"/ops/areas/{area.pk}/edit/",
        f"/ops/areas/{area.pk}/posts/new/",
        f"/ops/posts/{area.posts.first().pk}/",
        f"/ops/posts/{area.posts.first().pk}/edit/",
        "/ops/shifts/",
        f"/ops/roster/?project={binjiang.pk}",
        "/ops/roster/all/",
        "/ops/services/",
        "/ops/services/new/",
        "/ops/plans/",
        f"/ops/plans/{plan.pk}/",
        f"/ops/plans/{plan.pk}/?compare={plan.revised_from_id}",
        "/ops/training/",
        f"/ops/training/{binjiang.training_sessions.first().pk}/",
        "/ops/training/new/",
        "/ops/events/",
        "/ops/events/new/",
        "/ops/inspections/",
        f"/ops/inspections/{binjiang.inspections.first().pk}/",
        "/ops/rectifications/?overdue=true",
        f"/ops/rectifications/{binjiang.rectifications.first().pk}/",
    ] + [f"/ops/events/{e.pk}/" for e in binjiang.marketing_events.all()]
    for username in ("binjiang_centre_head", "binjiang_hq_inspector", "binjiang_front_desk"):
        client.force_login(User.objects.get(username=username))
        for url in urls:
            r = client.get(url)
            assert r.status_code in (200, 403), (username, url, r.status_code)
            if username == "binjiang_centre_head":
                assert r.status_code == 200, url
    client.force_login(User.objects.get(username="binjiang_centre_head"))
    home = client.get("/").content.decode()
    assert "今日空岗" in home and "水吧岗" in home and "逾期整改项" in home
