import datetime

import pytest

from operations import selectors, services
from operations.models import RosterEntry
from salesite.exceptions import DomainError
from salesite.models import MarketingPhase

pytestmark = pytest.mark.django_db


def _gaps(user, day):
    return {
        (g.post.name, g.shift.name if g.shift else None) for g in selectors.empty_posts(user, day)
    }


def test_post_is_empty_when_a_shift_has_fewer_staff_than_headcount(
    member, open_project, shifts, make_post, today
):
    head = member("centre_head", open_project)
    a, b = member("front_desk", open_project), member("customer_ambassador", open_project)
    post = make_post(open_project, headcount=2, shifts=shifts)
    services.roster_add(post=post, shift=shifts[0], date=today, user=a, by=head)
    services.roster_add(post=post, shift=shifts[0], date=today, user=b, by=head)
    services.roster_add(post=post, shift=shifts[1], date=today, user=a, by=head)
    assert _gaps(head, today) == {("前台接待岗", "晚班")}
    services.roster_add(post=post, shift=shifts[1], date=today, user=b, by=head)
    assert _gaps(head, today) == set()
    # Tomorrow nobody is rostered: both shifts are empty.
    assert len(selectors.empty_posts(head, today + datetime.timedelta(days=1))) == 2


def test_post_without_shifts_is_checked_for_the_whole_day(
    member, open_project, shifts, make_post, today
):
    head = member("centre_head", open_project)
    post = make_post(open_project, name="水吧岗", headcount=1)
    assert _gaps(head, today) == {("水吧岗", None)}
    services.roster_add(post=post, shift=shifts[0], date=today, user=head, by=head)
    assert _gaps(head, today) == set()


def test_closed_site_and_inactive_posts_are_not_reported(member, project, shifts, make_post, today):
    head = member("centre_head", project)
    make_post(project, shifts=shifts)
    for phase, expected in [
        (MarketingPhase.PREPARING, 0),
        (MarketingPhase.DISPLAYING, 2),
        (MarketingPhase.SOLD_OUT, 2),
        (MarketingPhase.CLOSED, 0),
    ]:
        project.marketing_phase = phase
        project.save(update_fields=["marketing_phase"])
        assert len(selectors.empty_posts(head, today)) == expected, phase
    project.marketing_phase = MarketingPhase.OPENED
    project.save(update_fields=["marketing_phase"])
    project.service_posts.update(is_active=False)
    assert selectors.empty_posts(head, today) == []


def test_other_projects_posts_are_not_reported(
    member, open_project, other_project, make_post, today
):
    other_project.marketing_phase = MarketingPhase.OPENED
    other_project.save(update_fields=["marketing_phase"])
    make_post(other_project, name="别人的岗位")
    me = member("centre_head", open_project)
    assert selectors.empty_posts(me, today) == []


def test_same_person_twice_on_the_same_post_and_shift_is_refused(
    member, open_project, shifts, make_post, today
):
    head = member("centre_head", open_project)
    post = make_post(open_project, shifts=shifts)
    services.roster_add(post=post, shift=shifts[0], date=today, user=head, by=head)
    with pytest.raises(DomainError):
        services.roster_add(post=post, shift=shifts[0], date=today, user=head, by=head)
    assert RosterEntry.objects.count() == 1


def test_copy_day_is_idempotent(member, open_project, shifts, make_post, today):
    head = member("centre_head", open_project)
    post = make_post(open_project, shifts=shifts)
    services.roster_add(post=post, shift=shifts[0], date=today, user=head, by=head)
    tomorrow = today + datetime.timedelta(days=1)
    assert (
        services.roster_copy_day(project=open_project, from_date=today, to_date=tomorrow, by=head)
        == 1
    )
    assert (
        services.roster_copy_day(project=open_project, from_date=today, to_date=tomorrow, by=head)
        == 0
    )


def test_roster_page_add_and_remove_in_the_browser(
    member, client_for, open_project, shifts, make_post, today
):
    head = member("centre_head", open_project)
    desk = member("front_desk", open_project)
    post = make_post(open_project, shifts=shifts)
    c = client_for(head)
    page = c.get(f"/ops/roster/?project={open_project.pk}&date={today:%Y-%m-%d}")
    assert page.status_code == 200 and "空岗" in page.content.decode()
    r = c.post(
        f"/ops/roster/{open_project.pk}/{today:%Y-%m-%d}/add/",
        {"post": post.pk, "shift": shifts[0].pk, "user": desk.pk},
    )
    assert r.status_code == 302
    entry = RosterEntry.objects.get()
    assert entry.project == open_project and entry.user == desk and entry.date == today
    # Front desk may see the roster but not change it.
    fd = client_for(desk)
    assert fd.get(f"/ops/roster/?project={open_project.pk}").status_code == 200
    assert fd.post(f"/ops/roster/entries/{entry.pk}/delete/").status_code == 403
    assert c.post(f"/ops/roster/entries/{entry.pk}/delete/").status_code == 302
    assert not RosterEntry.objects.exists()


def test_roster_add_refuses_a_person_from_another_project(
    member, client_for, open_project, other_project, shifts, make_post, today
):
    head = member("centre_head", open_project)
    stranger = member("front_desk", other_project)
    post = make_post(open_project, shifts=shifts)
    c = client_for(head)
    c.post(
        f"/ops/roster/{open_project.pk}/{today:%Y-%m-%d}/add/",
        {"post": post.pk, "shift": shifts[0].pk, "user": stranger.pk},
    )
    assert not RosterEntry.objects.exists()
    # and a project the user cannot see is a 404
    other_head = member("centre_head", other_project)
    assert (
        client_for(other_head)
        .post(f"/ops/roster/{open_project.pk}/{today:%Y-%m-%d}/add/", {})
        .status_code
        == 404
    )


def test_area_and_post_pages(member, client_for, open_project, shifts):
    head = member("centre_head", open_project)
    c = client_for(head)
    r = c.post(
        "/ops/areas/new/",
        {"project": open_project.pk, "name": "样板房A", "kind": "show_unit", "order": 1},
    )
    assert r.status_code == 302
    area = open_project.site_areas.get()
    r = c.post(
        f"/ops/areas/{area.pk}/posts/new/",
        {
            "name": "样板房接待岗",
            "headcount": 2,
            "shifts": [s.pk for s in shifts],
            "duties": "讲解",
            "work_standard": "规范",
            "is_active": "on",
            "order": 1,
        },
    )
    assert r.status_code == 302
    post = area.posts.get()
    assert post.project == open_project and post.headcount == 2 and post.shifts.count() == 2
    assert "样板房接待岗" in c.get(f"/ops/areas/{area.pk}/").content.decode()
    assert c.get(f"/ops/posts/{post.pk}/").status_code == 200
    # front desk cannot create areas
    assert client_for(member("front_desk", open_project)).get("/ops/areas/new/").status_code == 403
