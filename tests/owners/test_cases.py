"""报事报修 on the owner portal: submission as a feedback case (channel 业主端, deadlines from
submission, photos checked like staff attachments), the staff side, case tracking, the owner's
confirmation (not fixed reopens and alerts once) and rating (the repair callback's outcome in
its window), tenant sharing, and the denials (another owner's case → 404, a tenant without
sharing → 404, staff → 403, anonymous → owner login)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from feedback import services as fs
from feedback.models import (
    CallbackAttempt,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    OwnerConfirmation,
)
from owners.models import UnitSharing
from owners.selectors import load_owner
from owners.services.cases import owner_case_submit
from salesite.dashboard.helpers import day_start
from salesite.models import Attachment, Notification
from tests import factories as f

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name="leak.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def _submit(client, purchase, **extra):
    data = {
        "kind": "repair",
        "unit": purchase.unit_id,
        "location": "卫生间",
        "content": "洗手台下水管漏水",
        **extra,
    }
    return client.post(reverse("owners:case_new"), data)


def _case(purchase, **kwargs) -> Case:
    owner = load_owner(purchase.customer.phone)
    return owner_case_submit(
        owner=owner,
        unit_id=purchase.unit_id,
        kind=kwargs.pop("kind", CaseKind.REPAIR),
        content=kwargs.pop("content", "厨房水龙头滴水"),
        location=kwargs.pop("location", "厨房"),
        **kwargs,
    )


def _repaired(case, user=None) -> Case:
    case = fs.case_dispatch(
        case=case, user=user, responsible_person="王师傅", repair_contractor="甲维修"
    )
    case = fs.case_start(case=case, user=user)
    return fs.case_rectification_done(case=case, user=user)


# --- submission ----------------------------------------------------------------------------


def test_an_owner_submits_a_repair_with_a_photo_and_deadlines_start_at_submission(
    purchase, owner_client
):
    client = owner_client(MOBILE)
    before = timezone.now()
    visit = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    response = _submit(client, purchase, photos=[png()], preferred_visit_at=visit)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("owners:case_detail", args=[case.pk])
    assert case.channel == Channel.OWNER and case.kind == CaseKind.REPAIR
    assert case.customer_id == purchase.customer_id and case.unit_id == purchase.unit_id
    assert case.location == "卫生间" and case.status == CaseStatus.NEW
    assert case.contact_phone == MOBILE and case.received_by is None
    assert case.preferred_visit_at is not None
    # SPEC deadlines from the service policy, counted from the submission.
    assert before <= case.received_at <= timezone.now()
    assert case.dispatch_due == case.received_at + datetime.timedelta(minutes=10)
    assert case.answer_due is None  # a repair: dispatched in 10 min, callback after closing
    assert case.rule_values["dispatch_minutes"] == 10
    (photo,) = Attachment.objects.filter(object_id=case.pk)
    assert photo.mime_type == "image/png" and photo.owner == case
    page = client.get(response["Location"])
    assert "洗手台下水管漏水" in page.content.decode()
    assert client.get(reverse("owners:case_photo", args=[case.pk, photo.pk])).status_code == 200


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("a.exe", b"MZ" + b"\x00" * 20), "不支持的文件类型"),
        (SimpleUploadedFile("a.png", b"not a png at all"), "文件内容与扩展名"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4 " + b"x" * 20), "只能上传照片"),
    ],
)
def test_a_photo_is_checked_like_a_staff_attachment(purchase, owner_client, upload, message):
    response = _submit(owner_client(MOBILE), purchase, photos=[upload])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(purchase, owner_client, settings):
    settings.ATTACHMENT_MAX_BYTES = 32
    response = _submit(owner_client(MOBILE), purchase, photos=[png()])
    assert "文件过大" in response.content.decode()
    assert not Case.objects.exists()


def test_an_empty_description_and_a_past_visit_time_are_refused(purchase, owner_client):
    response = _submit(
        owner_client(MOBILE), purchase, content="", preferred_visit_at="2020-01-01T10:00"
    )
    body = response.content.decode()
    assert "请描述您的问题" in body and "期望上门时间不能早于现在" in body
    assert not Case.objects.exists()


def test_an_owner_cannot_submit_for_another_owners_unit(purchase, owner_client):
    other = f.PurchaseFactory(customer__phone="13900000002")
    response = _submit(owner_client(MOBILE), purchase, unit=other.unit_id)
    assert response.status_code == 200  # not among the choices
    assert not Case.objects.exists()
    with pytest.raises(Http404):  # from the service itself
        owner_case_submit(
            owner=load_owner(MOBILE), unit_id=other.unit_id, kind="repair", content="x"
        )
    assert not Case.objects.exists()


def test_a_request_from_the_portal_is_answered_within_a_day_of_submission(purchase):
    now = timezone.now()
    case = _case(purchase, kind=CaseKind.REQUEST, content="希望增加快递柜", now=now)
    assert case.received_at == now
    assert case.dispatch_due == now + datetime.timedelta(minutes=10)
    assert case.answer_due == now + datetime.timedelta(hours=24)


def test_a_complaint_from_the_portal_gets_a_category(purchase):
    case = _case(purchase, kind=CaseKind.COMPLAINT, content="保安态度差")
    assert case.complaint_category == "other" and case.channel == Channel.OWNER


# --- the staff side ------------------------------------------------------------------------


def test_front_desk_sees_it_first_with_its_channel_in_list_filter_export_and_my_work(
    purchase, member, client_for
):
    project = purchase.unit.project
    desk = member("front_desk", project)
    # Submitted now, but at the latest half an hour before midnight: "my work" lists what is
    # due by the end of today (R-DASH-2), and a repair is due for dispatch 10 minutes after
    # it is received (a run in the last ten minutes of the day found it due tomorrow).
    now = min(timezone.now(), day_start(timezone.localdate()) + datetime.timedelta(hours=23.5))
    fs.case_create(
        project=project,
        kind=CaseKind.VISIT,
        subject="较早的来访",
        walk_in_name="路人",
        now=now - datetime.timedelta(hours=1),
    )
    case = _case(purchase, now=now)
    client = client_for(desk)
    page = client.get(reverse("feedback:case_list")).content.decode()
    assert page.index(case.number) < page.index("较早的来访")  # at the top
    assert "业主端" in page
    only = client.get(reverse("feedback:case_list"), {"channel": "owner"}).content.decode()
    assert case.number in only and "较早的来访" not in only
    export = client.get(reverse("feedback:case_list"), {"format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "方式" in body and "业主端" in body
    work = client.get(reverse("dashboard:my_work")).content.decode()
    assert case.number in work
    detail = client.get(case.get_absolute_url()).content.decode()
    assert "业主端" in detail and "厨房" in detail


def test_the_desk_form_does_not_offer_the_owner_channel():
    from feedback.forms import CaseForm

    assert "owner" not in dict(CaseForm.base_fields["channel"].choices)


# --- tracking ------------------------------------------------------------------------------


def test_the_timeline_shows_the_promised_times_and_the_repair_card(purchase, owner_client, member):
    case = _case(purchase)
    client = owner_client(MOBILE)
    page = client.get(reverse("owners:case_detail", args=[case.pk])).content.decode()
    assert "已提交" in page and "已派单" in page and "承诺" in page
    assert timezone.localtime(case.dispatch_due).strftime("%m-%d %H:%M") in page
    handler = member("repair_team", purchase.unit.project, phone="13811112222")
    fs.case_dispatch(
        case=case,
        assignee=handler,
        responsible_person="王师傅",
        repair_contractor="甲维修公司",
        supervisor="李监督",
    )
    fs.case_start(case=case)
    fs.case_reply(case=case, reply="已更换水龙头阀芯")
    page = client.get(reverse("owners:case_detail", args=[case.pk])).content.decode()
    for text in ("甲维修公司", "李监督", "王师傅", "13811112222", "师傅上门中", "已更换水龙头阀芯"):
        assert text in page


def test_my_cases_lists_only_the_owners_cases_in_bounded_queries(
    purchase, owner_client, django_assert_max_num_queries
):
    mine = [_case(purchase, content=f"问题{i}") for i in range(3)]
    other = _case(f.PurchaseFactory(customer__phone="13900000002"), content="别人的问题")
    client = owner_client(MOBILE)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("owners:cases")).content.decode()
    assert all(c.number in page for c in mine) and other.number not in page
    for i in range(10):
        _case(purchase, content=f"更多{i}")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("owners:cases")).status_code == 200


# --- confirmation and rating ---------------------------------------------------------------


def test_not_fixed_reopens_the_case_and_alerts_its_owner_once(purchase, owner_client, member):
    handler = member("repair_team", purchase.unit.project)
    case = _case(purchase)
    fs.case_dispatch(case=case, assignee=handler, responsible_person="王师傅")
    fs.case_start(case=case)
    fs.case_rectification_done(case=case)
    fs.case_reply(case=case, reply="已修复")
    client = owner_client(MOBILE)
    url = reverse("owners:case_confirm", args=[case.pk])
    response = client.post(url, {"fixed": "no", "note": "还在漏"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.owner_confirmation == OwnerConfirmation.NOT_FIXED
    assert case.rectification_done_at is None
    assert CaseEvent.objects.filter(case=case, note__contains="还在漏").count() == 1
    alerts = Notification.objects.filter(recipient=handler, title__contains="未修好")
    assert alerts.count() == 1
    # A second post is refused (nothing to confirm until staff mark it done again).
    client.post(url, {"fixed": "no"})
    assert alerts.count() == 1
    assert CaseEvent.objects.filter(case=case, note__contains="未修好").count() == 1
    # Marked done again, the owner confirms.
    fs.case_rectification_done(case=case)
    client.post(url, {"fixed": "yes"})
    case.refresh_from_db()
    assert case.owner_confirmation == OwnerConfirmation.FIXED


def test_confirmation_is_refused_before_staff_mark_the_repair_done(purchase, owner_client):
    case = _case(purchase)
    response = owner_client(MOBILE).post(
        reverse("owners:case_confirm", args=[case.pk]), {"fixed": "no"}, follow=True
    )
    assert "无需确认" in response.content.decode()
    case.refresh_from_db()
    assert case.owner_confirmation == "" and case.status == CaseStatus.NEW


def test_a_rating_within_the_window_is_the_repair_callbacks_outcome(purchase, owner_client):
    case = _repaired(_case(purchase))
    client = owner_client(MOBILE)
    client.post(reverse("owners:case_confirm", args=[case.pk]), {"fixed": "yes"})
    fs.case_reply(case=case, reply="已修复")
    fs.case_close(case=case)
    task = CallbackTask.objects.get(case=case, rule="repair")
    assert task.status == CallbackStatus.PENDING
    response = client.post(
        reverse("owners:case_rate", args=[case.pk]), {"rating": "4", "comment": "师傅很准时"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    task.refresh_from_db()
    assert case.owner_rating == 4 and case.owner_comment == "师傅很准时"
    assert task.status == CallbackStatus.REACHED and task.score == 4
    assert task.answers["owner_rating"] == 4 and not task.dissatisfied
    (attempt,) = task.attempt_rows.all()
    assert attempt.channel == CallbackAttempt.Channel.OWNER
    # Rated once.
    client.post(reverse("owners:case_rate", args=[case.pk]), {"rating": "1"})
    case.refresh_from_db()
    assert case.owner_rating == 4


def test_a_low_rating_opens_a_follow_up_like_a_dissatisfied_callback(purchase):
    case = _repaired(_case(purchase))
    fs.case_owner_confirm(case=case, fixed=True)
    fs.case_reply(case=case, reply="已修复")
    fs.case_close(case=case)
    fs.case_owner_rate(case=case, rating=2, comment="又坏了")
    task = CallbackTask.objects.get(case=case, rule="repair")
    assert task.dissatisfied
    follow_up = Case.objects.get(source_callback=task)
    assert follow_up.kind == CaseKind.COMPLAINT and follow_up.channel == Channel.OWNER


def test_a_rating_after_the_window_leaves_the_callback_to_staff(purchase):
    case = _repaired(_case(purchase))
    fs.case_owner_confirm(case=case, fixed=True)
    fs.case_reply(case=case, reply="已修复")
    fs.case_close(case=case)
    late = timezone.now() + datetime.timedelta(days=3)
    fs.case_owner_rate(case=case, rating=5, now=late)
    task = CallbackTask.objects.get(case=case, rule="repair")
    assert task.status == CallbackStatus.PENDING and not task.attempt_rows.exists()
    case.refresh_from_db()
    assert case.owner_rating == 5


def test_a_rating_before_closing_is_applied_when_the_case_closes(purchase):
    case = _repaired(_case(purchase))
    fs.case_owner_confirm(case=case, fixed=True)
    fs.case_owner_rate(case=case, rating=5)
    fs.case_reply(case=case, reply="已修复")
    fs.case_close(case=case)
    task = CallbackTask.objects.get(case=case, rule="repair")
    assert task.status == CallbackStatus.REACHED and task.score == 5


def test_rating_is_refused_before_the_repair_is_confirmed(purchase):
    case = _repaired(_case(purchase))
    from salesite.exceptions import DomainError

    with pytest.raises(DomainError):
        fs.case_owner_rate(case=case, rating=5)
    case.refresh_from_db()
    assert case.owner_rating is None


def test_staff_case_detail_shows_the_owners_confirmation_and_rating(purchase, member, client_for):
    desk = member("front_desk", purchase.unit.project)
    case = _repaired(_case(purchase))
    fs.case_owner_confirm(case=case, fixed=True)
    fs.case_owner_rate(case=case, rating=3, comment="一般般")
    page = client_for(desk).get(case.get_absolute_url()).content.decode()
    assert "业主确认已修好" in page and "一般般" in page


# --- tenant sharing ------------------------------------------------------------------------


TENANT = "13700000009"


def test_a_tenant_sees_the_units_repairs_only_when_the_owner_shares_them(purchase, owner_client):
    f.TenantFactory(unit=purchase.unit, phone=TENANT)
    repair = _case(purchase)
    complaint = _case(purchase, kind=CaseKind.COMPLAINT, content="投诉内容")
    tenant = owner_client(TENANT)
    detail = reverse("owners:case_detail", args=[repair.pk])
    assert tenant.get(detail).status_code == 404
    assert repair.number not in tenant.get(reverse("owners:cases")).content.decode()
    # The owner turns sharing on, on the unit page.
    owner = owner_client(MOBILE)
    unit_page = owner.get(reverse("owners:unit_detail", args=[purchase.unit_id])).content.decode()
    assert "与租户共享报修记录" in unit_page
    owner.post(reverse("owners:unit_sharing", args=[purchase.unit_id]), {"share": "on"})
    assert UnitSharing.objects.get(unit=purchase.unit).share_repairs
    page = tenant.get(detail)
    assert page.status_code == 200
    body = page.content.decode()
    assert purchase.customer.name not in body and MOBILE not in body  # not the owner's data
    assert "维修已完成，请确认" not in body and "服务评价" not in body
    # Never another kind of case; never an answer in the owner's place.
    assert tenant.get(reverse("owners:case_detail", args=[complaint.pk])).status_code == 404
    assert (
        tenant.post(reverse("owners:case_confirm", args=[repair.pk]), {"fixed": "no"}).status_code
        == 404
    )
    # A tenant has no switch and cannot flip the owner's.
    assert (
        tenant.post(
            reverse("owners:unit_sharing", args=[purchase.unit_id]), {"share": "off"}
        ).status_code
        == 404
    )
    owner.post(reverse("owners:unit_sharing", args=[purchase.unit_id]), {"share": "off"})
    assert tenant.get(detail).status_code == 404


# --- denials -------------------------------------------------------------------------------


def test_another_owners_case_and_photo_are_404(purchase, owner_client):
    other_purchase = f.PurchaseFactory(customer__phone="13900000002")
    theirs = _case(other_purchase, photos=[png()])
    photo = Attachment.objects.get(object_id=theirs.pk)
    mine = _case(purchase)
    client = owner_client(MOBILE)
    assert client.get(reverse("owners:case_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("owners:case_photo", args=[theirs.pk, photo.pk])).status_code == 404
    # Another case's photo through my case's URL.
    assert client.get(reverse("owners:case_photo", args=[mine.pk, photo.pk])).status_code == 404
    assert (
        client.post(reverse("owners:case_confirm", args=[theirs.pk]), {"fixed": "no"}).status_code
        == 404
    )
    assert (
        client.post(reverse("owners:case_rate", args=[theirs.pk]), {"rating": "1"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("owners:unit_sharing", args=[other_purchase.unit_id]), {"share": "on"}
        ).status_code
        == 404
    )
    assert not UnitSharing.objects.exists()


def test_staff_get_403_and_anonymous_the_owner_login(purchase, member, client_for):
    case = _case(purchase)
    desk = client_for(member("front_desk", purchase.unit.project))
    from django.test import Client

    anonymous = Client()
    for name, args, method in [
        ("owners:cases", [], "get"),
        ("owners:case_new", [], "get"),
        ("owners:case_detail", [case.pk], "get"),
        ("owners:case_confirm", [case.pk], "post"),
        ("owners:case_rate", [case.pk], "post"),
        ("owners:unit_sharing", [purchase.unit_id], "post"),
    ]:
        url = reverse(name, args=args)
        assert getattr(desk, method)(url).status_code == 403, name
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("owners:login")
        ), name
