import datetime

import pytest
from django.utils import timezone

from operations import services
from operations.models import EventHistory, EventStatus, MarketingEvent
from salesite.exceptions import DomainError, InvalidTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_event(member):
    def make(project, user=None, **kw):
        user = user or member("cs_lead", project)
        kw.setdefault("kind", MarketingEvent.Kind.MARKETING)
        kw.setdefault("title", "开盘活动")
        kw.setdefault("starts_at", timezone.now() + datetime.timedelta(days=2))
        kw.setdefault("place", "营销中心")
        return services.event_create(user=user, project=project, **kw)

    return make


def _to_held(event, user):
    for item in event.checklist.all():
        services.event_checklist_toggle(item=item, user=user, done=True)
    services.event_transition(event=event, to=EventStatus.PREPARED, user=user)
    services.event_transition(event=event, to=EventStatus.HELD, user=user)


def test_event_gets_default_checklist(project, make_event):
    event = make_event(project)
    assert [i.kind for i in event.checklist.all()] == [
        "notice",
        "materials",
        "decoration",
        "briefing",
    ]
    assert not event.checklist.filter(done=True).exists()


def test_prepared_requires_every_checklist_item_done(member, project, make_event):
    lead = member("cs_lead", project)
    event = make_event(project, lead)
    with pytest.raises(DomainError):
        services.event_transition(event=event, to=EventStatus.PREPARED, user=lead)
    for item in event.checklist.all():
        item = services.event_checklist_toggle(item=item, user=lead, done=True)
        assert item.done_by == lead and item.done_at
    services.event_transition(event=event, to=EventStatus.PREPARED, user=lead)
    event.refresh_from_db()
    assert event.status == EventStatus.PREPARED


def test_closing_without_evaluation_is_refused(member, project, make_event):
    lead = member("cs_lead", project)
    event = make_event(project, lead)
    with pytest.raises(InvalidTransition):
        services.event_transition(event=event, to=EventStatus.CLOSED, user=lead)
    _to_held(event, lead)
    with pytest.raises(DomainError):
        services.event_transition(event=event, to=EventStatus.CLOSED, user=lead)
    event.refresh_from_db()
    assert event.status == EventStatus.HELD and event.closed_at is None
    services.event_record_outcome(
        event=event, user=lead, visitor_count=80, evaluation="效果好", rating=5
    )
    services.event_transition(event=event, to=EventStatus.CLOSED, user=lead)
    event.refresh_from_db()
    assert event.status == EventStatus.CLOSED and event.closed_by == lead
    assert EventHistory.objects.filter(event=event).count() == 3


def test_evaluation_only_after_the_event_is_held(member, project, make_event):
    lead = member("cs_lead", project)
    event = make_event(project, lead)
    with pytest.raises(InvalidTransition):
        services.event_record_outcome(
            event=event, user=lead, visitor_count=1, evaluation="x", rating=3
        )


def test_close_in_the_browser_without_evaluation_is_refused(
    member, client_for, project, make_event
):
    lead = member("cs_lead", project)
    event = make_event(project, lead)
    _to_held(event, lead)
    c = client_for(lead)
    r = c.post(f"/ops/events/{event.pk}/status/closed/", follow=True)
    assert "后评估" in r.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    c.post(
        f"/ops/events/{event.pk}/outcome/", {"visitor_count": 50, "evaluation": "顺利", "rating": 4}
    )
    c.post(f"/ops/events/{event.pk}/status/closed/")
    event.refresh_from_db()
    assert event.status == EventStatus.CLOSED and event.rating == 4 and event.visitor_count == 50


def test_create_event_in_the_browser_with_staff(member, client_for, project, other_project):
    lead = member("cs_lead", project)
    desk = member("front_desk", project)
    stranger = member("front_desk", other_project)
    c = client_for(lead)
    data = {
        "project": project.pk,
        "kind": "investment",
        "title": "招商会",
        "starts_at": "2026-05-01T10:00",
        "place": "营销中心",
        "staff": [desk.pk],
    }
    assert c.post("/ops/events/new/", data).status_code == 302
    event = MarketingEvent.objects.get()
    assert list(event.staff.all()) == [desk] and event.checklist.count() == 4
    c.post("/ops/events/new/", {**data, "title": "越权", "staff": [stranger.pk]})
    assert not MarketingEvent.objects.filter(title="越权").exists()


def test_front_desk_ticks_checklist_but_cannot_close_or_create(
    member, client_for, project, make_event
):
    event = make_event(project)
    c = client_for(member("front_desk", project))
    item = event.checklist.first()
    assert c.post(f"/ops/events/{event.pk}/checklist/{item.pk}/", {"done": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.done
    assert c.post(f"/ops/events/{event.pk}/status/prepared/").status_code == 403
    assert c.get("/ops/events/new/").status_code == 403


def test_another_projects_event_is_404_and_not_listed(
    member, client_for, project, other_project, make_event
):
    mine = make_event(project, title="我的活动")
    theirs = make_event(other_project, title="别人的活动")
    c = client_for(member("front_desk", project))
    assert c.get(f"/ops/events/{mine.pk}/").status_code == 200
    assert c.get(f"/ops/events/{theirs.pk}/").status_code == 404
    assert (
        c.post(f"/ops/events/{theirs.pk}/checklist/{theirs.checklist.first().pk}/").status_code
        == 404
    )
    listing = c.get("/ops/events/").content.decode()
    assert "我的活动" in listing and "别人的活动" not in listing
