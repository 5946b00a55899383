"""Construction progress notices, design changes and site open days (R-HO-3)."""

import pytest
from django.core import mail
from django.urls import reverse

from handover import selectors
from handover.models import (
    NoticeKind,
    NoticeRecipient,
    NoticeStatus,
    OpenDayInvitation,
    ProgressMilestone,
    ProgressNotice,
    SiteOpenDay,
)
from handover.services import notices
from salesite.exceptions import DomainError
from salesite.models import SMSMessage
from tests import factories as f

pytestmark = pytest.mark.django_db


def buyers(project, n):
    building = f.BuildingFactory(project=project)
    result = []
    for i in range(n):
        unit = f.UnitFactory(building=building)
        p = f.PurchaseFactory(unit=unit)
        if i % 2 == 0:
            p.customer.email = f"buyer{i}@example.com"
            p.customer.save(update_fields=["email"])
        result.append(p.customer)
    return result


def test_notice_goes_to_every_buyer_by_sms_and_email_once(
    project, other_project, member, django_capture_on_commit_callbacks
):
    people = buyers(project, 3)
    buyers(other_project, 2)
    notice = notices.notice_create(
        project=project,
        kind=NoticeKind.PROGRESS,
        milestone=ProgressMilestone.TOPPED_OUT,
        title="主体结构封顶",
        body="1-3幢已封顶",
        by_sms=True,
        by_email=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.notice_send(notice=notice, user=member("cs_lead", project)) == 3
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and notice.recipient_count == 3
    assert NoticeRecipient.objects.filter(notice=notice, sms_sent=True).count() == 3
    assert SMSMessage.objects.filter(dedupe_key=f"handover:notice:{notice.pk}").count() == 3
    assert {m.to[0] for m in mail.outbox} == {people[0].email, people[2].email}
    assert NoticeRecipient.objects.filter(email_sent_at__isnull=False).count() == 2
    with pytest.raises(DomainError):
        notices.notice_send(notice=notice, user=None)
    assert notices.notice_send_emails(notice.pk) == 0  # the email task is idempotent
    assert SMSMessage.objects.count() == 3


def test_missing_mandatory_notices(project):
    buyers(project, 1)
    assert len(selectors.missing_mandatory([project.pk])[project.pk]) == 10
    n = notices.notice_create(
        project=project,
        kind=NoticeKind.PROGRESS,
        milestone=ProgressMilestone.SHOWROOM_OPEN,
        title="t",
        body="b",
    )
    assert (
        len(selectors.missing_mandatory([project.pk])[project.pk]) == 10
    )  # a draft does not count
    notices.notice_send(notice=n, user=None)
    missing = selectors.missing_mandatory([project.pk])[project.pk]
    assert len(missing) == 9 and ProgressMilestone.SHOWROOM_OPEN not in missing
    design = notices.notice_create(
        project=project, kind=NoticeKind.DESIGN_CHANGE, title="设计变更", body="b"
    )
    notices.notice_send(notice=design, user=None)
    assert len(selectors.missing_mandatory([project.pk])[project.pk]) == 9


def test_progress_notice_needs_milestone(project):
    with pytest.raises(DomainError):
        notices.notice_create(project=project, kind=NoticeKind.PROGRESS, title="t", body="b")


def test_open_day_invitations_attendance_and_opinions(
    project, member, django_capture_on_commit_callbacks
):
    buyers(project, 3)
    day = SiteOpenDay.objects.create(project=project, title="开放日", held_on="2027-03-01")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert notices.openday_invite(open_day=day, user=None) == 3
        assert notices.openday_invite(open_day=day, user=None) == 3
    assert OpenDayInvitation.objects.filter(open_day=day).count() == 3
    assert SMSMessage.objects.filter(dedupe_key=f"handover:openday:{day.pk}").count() == 3
    inv = OpenDayInvitation.objects.first()
    with pytest.raises(DomainError):
        notices.invitation_record(invitation=inv, attended=False, opinion="好", user=None)
    notices.invitation_record(invitation=inv, attended=True, opinion="园林不错", user=None)
    inv.refresh_from_db()
    assert inv.attended and inv.opinion == "园林不错"


def test_notice_pages_scoping_and_permissions(client_for, member, project, other_project):
    buyers(project, 2)
    lead = client_for(member("cs_lead", project))
    r = lead.post(
        reverse("handover:notice_create"),
        {
            "project": project.pk,
            "kind": "progress",
            "milestone": "topped_out",
            "title": "封顶通报",
            "body": "已封顶",
            "by_sms": "on",
        },
    )
    assert r.status_code == 302
    notice = ProgressNotice.objects.get(title="封顶通报")
    desk = client_for(member("front_desk", project))
    assert desk.post(reverse("handover:notice_send", args=[notice.pk])).status_code == 403
    assert lead.post(reverse("handover:notice_send", args=[notice.pk])).status_code == 302
    page = lead.get(reverse("handover:notice_list")).content.decode()
    assert "封顶通报" in page and "样板示范区开放" in page
    assert "主体结构封顶</span>" not in page.split("必须通报")[1].split("</ul>")[0]
    assert lead.get(notice.get_absolute_url()).status_code == 200
    index = lead.get(reverse("handover:index")).content.decode()
    assert "外装修工程竣工" in index
    other = client_for(member("cs_lead", other_project))
    assert other.get(notice.get_absolute_url()).status_code == 404
    assert "封顶通报" not in other.get(reverse("handover:notice_list")).content.decode()


def test_open_day_pages(client_for, member, project):
    buyers(project, 2)
    lead = client_for(member("cs_lead", project))
    r = lead.post(
        reverse("handover:openday_create"),
        {"project": project.pk, "title": "工地开放日", "held_on": "2027-03-01"},
    )
    assert r.status_code == 302
    day = SiteOpenDay.objects.get()
    assert lead.post(reverse("handover:openday_invite", args=[day.pk])).status_code == 302
    inv = day.invitations.first()
    desk = client_for(member("front_desk", project))
    r = desk.post(
        reverse("handover:invitation_record", args=[inv.pk]),
        {"attended": "on", "opinion": "很满意"},
    )
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.attended and inv.opinion == "很满意"
    assert "很满意" in lead.get(day.get_absolute_url()).content.decode()
    assert lead.get(reverse("handover:openday_list")).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_notice_pages_bounded(client_for, member, project, django_assert_max_num_queries, n):
    buyers(project, n)
    for i in range(n // 3 + 1):
        notice = notices.notice_create(
            project=project, kind=NoticeKind.DESIGN_CHANGE, title=f"变更{i}", body="b"
        )
        notices.notice_send(notice=notice, user=None)
    c = client_for(member("cs_lead", project))
    c.get(reverse("handover:index"))
    with django_assert_max_num_queries(14):
        c.get(reverse("handover:notice_list"))
    with django_assert_max_num_queries(18):
        c.get(notice.get_absolute_url())
