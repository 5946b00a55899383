"""Owner portal pages 通知, 装修 and 交房: what the owner sees, the open-day RSVP and the
document upload, and the denials (another owner's id → 404, tenant sees no owner data, staff
→ 403, anonymous → owner login), with bounded query counts on the list pages."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback.models import WarrantyItem, WarrantyNotice
from handover import services as handover_services
from handover.models import NoticeRecipient, OpenDayInvitation, SiteOpenDay
from handover.services import notices as handover_notices
from renovation.models import (
    ApplicationDocument,
    DepositRefund,
    DocumentKind,
    Fine,
    RenovationApplication,
    Status,
    Violation,
)
from renovation.services import application_save
from salesite.models import Attachment, Notification
from tests import factories as f
from tests.handover.factories import run_steps
from tests.renovation.factories import ApplicationFactory, fee_schedule

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"
OTHER_MOBILE = "13900000002"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4 scan"


@pytest.fixture
def other(purchase):
    """Another owner of a unit in the same project."""
    unit = f.UnitFactory(building=purchase.unit.building)
    return f.PurchaseFactory(unit=unit, customer__phone=OTHER_MOBILE)


@pytest.fixture
def lead(member, purchase):
    return member("cs_lead", purchase.unit.project)


@pytest.fixture
def client(owner_client, purchase):
    return owner_client(MOBILE)


def _png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# --- 通知 ---------------------------------------------------------------------------------------


def _send_notice(project, lead, title, *, at, kind="progress"):
    notice = handover_notices.notice_create(
        project=project,
        kind=kind,
        title=title,
        body=f"{title}的内容",
        milestone="topped_out" if kind == "progress" else "",
        by_email=False,
    )
    handover_notices.notice_send(notice=notice, user=lead, now=at)
    return notice


def _open_day(project, lead, *, held_on, invited_at):
    day = SiteOpenDay.objects.create(project=project, title="工地开放日", held_on=held_on)
    handover_notices.openday_invite(open_day=day, user=lead, now=invited_at)
    return day


def _warranty(project, *, name="屋面防水"):
    return WarrantyItem.objects.create(
        project=project,
        name=name,
        responsible_unit="总包",
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )


def _at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def notices(purchase, other, lead):
    """A progress notice, a design change, a warranty notice and an open-day invitation sent
    to both owners (on different days), and a draft notice sent to nobody."""
    project = purchase.unit.project
    today = timezone.localdate()
    progress = _send_notice(project, lead, "主体结构封顶", at=_at(today - datetime.timedelta(30)))
    design = _send_notice(
        project, lead, "景观设计变更", at=_at(today - datetime.timedelta(10)), kind="design_change"
    )
    item = _warranty(project)
    for customer in (purchase.customer, other.customer):
        WarrantyNotice.objects.create(
            project=project, item=item, customer=customer, sent_on=today - datetime.timedelta(5)
        )
    day = _open_day(
        project,
        lead,
        held_on=today + datetime.timedelta(7),
        invited_at=_at(today - datetime.timedelta(1)),
    )
    handover_notices.notice_create(
        project=project, kind="design_change", title="草稿通报", body="x"
    )
    return {"progress": progress, "design": design, "item": item, "day": day}


def test_notices_newest_first_with_every_kind(client, notices, purchase):
    page = client.get(reverse("owners:notice_list"))
    assert page.status_code == 200
    html = page.content.decode()
    titles = ["工地开放日", "屋面防水保修期将于", "景观设计变更", "主体结构封顶"]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)  # newest first
    assert "草稿通报" not in html
    assert "待回复" in html


def test_notice_detail_shows_the_notice(client, notices, purchase):
    rec = NoticeRecipient.objects.get(notice=notices["design"], customer=purchase.customer)
    page = client.get(reverse("owners:notice_detail", args=["notice", rec.pk]))
    assert page.status_code == 200
    assert "景观设计变更的内容" in page.content.decode()
    warranty = WarrantyNotice.objects.get(customer=purchase.customer)
    page = client.get(reverse("owners:notice_detail", args=["warranty", warranty.pk]))
    assert page.status_code == 200 and "总包" in page.content.decode()


def test_another_owners_notices_are_404(client, notices, other):
    rec = NoticeRecipient.objects.get(notice=notices["progress"], customer=other.customer)
    warranty = WarrantyNotice.objects.get(customer=other.customer)
    invitation = OpenDayInvitation.objects.get(customer=other.customer)
    for kind, pk in (("notice", rec.pk), ("warranty", warranty.pk), ("openday", invitation.pk)):
        assert client.get(reverse("owners:notice_detail", args=[kind, pk])).status_code == 404
    # the id of the owner's own row under another kind, and an unknown kind
    own = OpenDayInvitation.objects.exclude(pk=invitation.pk).get()
    assert client.get(reverse("owners:notice_detail", args=["bogus", own.pk])).status_code == 404
    response = client.post(
        reverse("owners:notice_detail", args=["openday", invitation.pk]),
        {"attending": "yes", "people": "2"},
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.rsvp == "" and invitation.rsvp_people is None


def test_open_day_rsvp_feeds_the_staff_attendance_list(client, notices, purchase, lead, client_for):
    invitation = OpenDayInvitation.objects.get(customer=purchase.customer)
    url = reverse("owners:notice_detail", args=["openday", invitation.pk])
    response = client.post(url, {"attending": "yes", "people": "3"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.rsvp_people) == ("yes", 3)
    assert invitation.rsvp_at is not None and invitation.attended is False
    assert "已报名参加" in client.get(url).content.decode()
    staff_page = client_for(lead).get(reverse("handover:openday_detail", args=[notices["day"].pk]))
    html = staff_page.content.decode()
    assert "参加 3 人" in html and "报名参加 1 户共 3 人" in html
    export = client_for(lead).get(
        reverse("handover:openday_detail", args=[notices["day"].pk]) + "?format=csv"
    )
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert "业主回复" in body.decode("utf-8-sig") and ",参加,3," in body.decode("utf-8-sig")
    # changed to not attending: the number is cleared
    client.post(url, {"attending": "no", "people": "3"})
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.rsvp_people) == ("no", None)


@pytest.mark.parametrize(
    "data, error",
    [
        ({"attending": "yes", "people": ""}, "请填写参加人数"),
        ({"attending": "yes", "people": "0"}, "至少 1 人"),
        ({"attending": "yes", "people": "11"}, "最多 10 人"),
        ({"people": "2"}, "请选择是否参加"),
    ],
)
def test_rsvp_refuses_invalid_replies(client, notices, purchase, data, error):
    invitation = OpenDayInvitation.objects.get(customer=purchase.customer)
    response = client.post(reverse("owners:notice_detail", args=["openday", invitation.pk]), data)
    assert response.status_code == 200 and error in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.rsvp == ""


def test_rsvp_closed_after_the_open_day(client, notices, purchase):
    day = notices["day"]
    SiteOpenDay.objects.filter(pk=day.pk).update(
        held_on=timezone.localdate() - datetime.timedelta(1)
    )
    invitation = OpenDayInvitation.objects.get(customer=purchase.customer)
    url = reverse("owners:notice_detail", args=["openday", invitation.pk])
    assert "提交回复" not in client.get(url).content.decode()
    client.post(url, {"attending": "yes", "people": "2"})
    invitation.refresh_from_db()
    assert invitation.rsvp == ""
    with pytest.raises(Exception, match="开放日已结束"):
        handover_notices.invitation_rsvp(invitation=invitation, attending=True, people=2)


def test_a_tenant_sees_no_notices(owner_client, notices, purchase):
    f.TenantFactory(unit=purchase.unit, phone="13700009999")
    page = owner_client("13700009999").get(reverse("owners:notice_list"))
    assert page.status_code == 200 and "主体结构封顶" not in page.content.decode()


def test_notice_list_queries_do_not_grow(
    client, notices, purchase, lead, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client.get(reverse("owners:notice_list"))
    project = purchase.unit.project
    for i in range(25):
        _send_notice(project, lead, f"通报{i}", at=_at(timezone.localdate()))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("owners:notice_list"))
    assert page.content.decode().count("owner-card owner-row") == 20  # paginated
    assert "下一页" in page.content.decode()
    assert client.get(reverse("owners:notice_list") + "?page=2").status_code == 200


# --- 装修 ---------------------------------------------------------------------------------------


def _application(purchase, **kwargs):
    app = ApplicationFactory.build(unit=purchase.unit, owner=purchase.customer, number="", **kwargs)
    return application_save(application=app, user=None)


def test_renovation_list_and_detail(client, purchase, other):
    app = _application(purchase)
    other_app = _application(other)
    page = client.get(reverse("owners:renovation_list"))
    html = page.content.decode()
    assert app.number in html and other_app.number not in html
    assert "尚缺 10 项资料" in html
    detail = client.get(reverse("owners:renovation_detail", args=[app.pk]))
    assert detail.status_code == 200
    assert "平面布置图（盖章）" in detail.content.decode()
    assert client.get(reverse("owners:renovation_detail", args=[other_app.pk])).status_code == 404


def test_a_former_owners_application_of_the_unit_is_not_shown(client, purchase):
    former = f.CustomerFactory(project=purchase.unit.project, phone="13700001111")
    app = ApplicationFactory(unit=purchase.unit, owner=former)
    assert client.get(reverse("owners:renovation_detail", args=[app.pk])).status_code == 404


def test_a_tenant_sees_no_renovation(owner_client, purchase):
    app = _application(purchase)
    f.TenantFactory(unit=purchase.unit, phone="13700009999")
    tenant = owner_client("13700009999")
    assert app.number not in tenant.get(reverse("owners:renovation_list")).content.decode()
    assert tenant.get(reverse("owners:renovation_detail", args=[app.pk])).status_code == 404


def test_owner_uploads_a_missing_document(client, purchase, member, client_for):
    reviewer = member("engineering", purchase.unit.project)
    app = _application(purchase)
    doc = ApplicationDocument.objects.get(application=app, kind=DocumentKind.DRAWING_PLAN)
    url = reverse("owners:renovation_detail", args=[app.pk])
    response = client.post(url, {"document": doc.pk, "file": _png("plan.png")})
    assert response.status_code == 302
    att = Attachment.objects.get(object_id=doc.pk)
    assert att.owner == doc and att.uploaded_by is None and not att.personal
    doc.refresh_from_db()
    assert not doc.received  # staff check it
    assert Notification.objects.filter(recipient=reviewer, title__contains="业主上传").exists()
    page = client.get(url).content.decode()
    assert "已上传，待核对" in page and reverse("owners:renovation_file", args=[att.pk]) in page
    download = client.get(reverse("owners:renovation_file", args=[att.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Cache-Control"] == "private, no-store"
    # staff see it on the application's checklist and open it through the checked download
    staff = client_for(reviewer)
    html = staff.get(reverse("renovation:application_detail", args=[app.pk])).content.decode()
    staff_url = reverse("salesite:attachment_download", args=[att.pk])
    assert staff_url in html and "业主端上传" in html
    assert staff.get(staff_url).status_code == 200


def test_an_id_scan_is_personal_and_not_served_back(client, purchase):
    app = _application(purchase)
    doc = ApplicationDocument.objects.get(application=app, kind=DocumentKind.CONTRACTOR_HEAD_ID)
    client.post(
        reverse("owners:renovation_detail", args=[app.pk]),
        {"document": doc.pk, "file": SimpleUploadedFile("id.pdf", PDF)},
    )
    att = Attachment.objects.get(object_id=doc.pk)
    assert att.personal
    assert client.get(reverse("owners:renovation_file", args=[att.pk])).status_code == 404


@pytest.mark.parametrize(
    "upload, error",
    [
        (SimpleUploadedFile("virus.exe", b"MZ...."), "不支持的文件类型"),
        (SimpleUploadedFile("fake.png", b"not a png at all"), "文件内容与扩展名"),
    ],
)
def test_upload_checks_are_the_staff_ones(client, purchase, upload, error):
    app = _application(purchase)
    doc = ApplicationDocument.objects.get(application=app, kind=DocumentKind.DRAWING_PLAN)
    response = client.post(
        reverse("owners:renovation_detail", args=[app.pk]), {"document": doc.pk, "file": upload}
    )
    assert response.status_code == 200 and error in response.content.decode()
    assert not Attachment.objects.exists()


def test_upload_refused_for_another_owners_document_or_after_review(client, purchase, other):
    app = _application(purchase)
    other_doc = ApplicationDocument.objects.filter(application=_application(other)).first()
    url = reverse("owners:renovation_detail", args=[app.pk])
    response = client.post(url, {"document": other_doc.pk, "file": _png()})
    assert response.status_code == 200  # not one of this application's choices
    other_url = reverse("owners:renovation_detail", args=[other_doc.application_id])
    assert client.post(other_url, {"document": other_doc.pk, "file": _png()}).status_code == 404
    assert not Attachment.objects.exists()
    # once approved, the checklist is closed
    RenovationApplication.objects.filter(pk=app.pk).update(status=Status.APPROVED)
    doc = ApplicationDocument.objects.filter(application=app).first()
    response = client.post(url, {"document": doc.pk, "file": _png()}, follow=True)
    assert "当前没有需要上传的资料" in response.content.decode()
    assert not Attachment.objects.exists()


def test_another_owners_file_or_a_non_document_file_is_404(client, purchase, other):
    other_app = _application(other)
    other_doc = ApplicationDocument.objects.filter(application=other_app).first()
    mine = _application(purchase)

    def attach(owner_row, project):
        return Attachment.objects.create(
            project=project,
            content_type=ContentType.objects.get_for_model(owner_row),
            object_id=owner_row.pk,
            file=ContentFile(PDF, name="x.pdf"),
            original_name="x.pdf",
            mime_type="application/pdf",
            size=len(PDF),
        )

    project = purchase.unit.project
    theirs = attach(other_doc, project)
    # a file on the owner's application itself (not on a document line): not an owner file
    on_app = attach(mine, project)
    for att in (theirs, on_app):
        assert client.get(reverse("owners:renovation_file", args=[att.pk])).status_code == 404


def test_fees_permit_violations_fines_and_refund(client, purchase):
    project = purchase.unit.project
    fee_schedule(project)
    app = _application(purchase)
    RenovationApplication.objects.filter(pk=app.pk).update(status=Status.APPROVED)
    html = client.get(reverse("owners:renovation_detail", args=[app.pk])).content.decode()
    # deposit 2000 + management 3 × 100 m² + debris 300
    assert "应缴 2600.00 元" in html and "每张出入证 10.00 元" in html
    now = timezone.now()
    RenovationApplication.objects.filter(pk=app.pk).update(
        status=Status.REFUND_REQUESTED,
        permit_number="JC-001",
        permitted_at=now,
        completion_accepted_on=datetime.date(2026, 1, 10),
    )
    violation = Violation.objects.create(
        project=project,
        application=app,
        severity=Violation.Severity.SERIOUS,
        state=Violation.State.SIGNED,
        description="擅自改动外立面",
        found_at=now,
        requirement="恢复原状",
        rectify_by=datetime.date(2026, 2, 1),
    )
    Fine.objects.create(
        project=project,
        application=app,
        violation=violation,
        amount=Decimal("500.00"),
        reason="协议第五条",
        state=Fine.State.APPROVED,
        proposed_at=now,
    )
    DepositRefund.objects.create(
        project=project,
        application=app,
        requested_by="owner",
        requested_on=datetime.date(2026, 4, 15),
        deposit_amount=Decimal("2000.00"),
        fines_amount=Decimal("500.00"),
        unpaid_fees=Decimal("0.00"),
        refund_amount=Decimal("1500.00"),
        paid_at=_at(datetime.date(2026, 4, 20)),
    )
    html = client.get(reverse("owners:renovation_detail", args=[app.pk])).content.decode()
    for text in ("JC-001", "擅自改动外立面", "违约金 500.00 元", "1500.00", "2026-04-20"):
        assert text in html, text


def test_renovation_list_queries_do_not_grow(client, purchase, django_assert_max_num_queries):
    _application(purchase)
    with django_assert_max_num_queries(8):
        client.get(reverse("owners:renovation_list"))
    for _ in range(5):
        _application(purchase)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("owners:renovation_list"))
    assert page.content.decode().count("尚缺 10 项资料") == 6


# --- 交房 ---------------------------------------------------------------------------------------


@pytest.fixture
def case(purchase, member):
    desk = member("front_desk", purchase.unit.project)
    case = handover_services.case_start(unit=purchase.unit, user=desk)
    run_steps(case, desk, 3)
    item = handover_services.rectification_add(
        case=case,
        user=desk,
        location="主卫",
        description="地漏返味",
        responsible_unit="总包",
        deadline=datetime.date(2099, 1, 15),
        photo=_png("drain.png"),
    )
    case.item, case.desk = item, desk
    return case


def test_handover_steps_items_and_photos(client, case):
    page = client.get(reverse("owners:handover"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "核对业主身份证件与购房合同" in html  # done
    assert "签订安全责任制书" in html  # to come
    assert "地漏返味" in html and "2099-01-15" in html and "待整改" in html
    photo = Attachment.objects.get(object_id=case.item.pk)
    url = reverse("owners:handover_photo", args=[photo.pk])
    assert url in html and "/media/" not in html
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_staff_see_the_rectification_photo_on_the_case_page(client_for, case):
    photo = Attachment.objects.get(object_id=case.item.pk)
    html = client_for(case.desk).get(reverse("handover:case_detail", args=[case.pk])).content
    assert reverse("salesite:attachment_download", args=[photo.pk]) in html.decode()


def test_staff_add_a_rectification_item_with_a_photo(client_for, case):
    response = client_for(case.desk).post(
        reverse("handover:rectification_add", args=[case.pk]),
        {
            "location": "阳台",
            "description": "栏杆松动",
            "responsible_unit": "总包",
            "deadline": "2099-02-01",
            "photo": _png("rail.png"),
        },
    )
    assert response.status_code == 302
    item = case.rectifications.get(location="阳台")
    photo = Attachment.objects.get(object_id=item.pk, content_type__model="rectificationitem")
    assert photo.is_image and photo.owner == item


def test_another_owners_handover_and_photo_are_hidden(owner_client, case, other):
    other_client = owner_client(OTHER_MOBILE)
    html = other_client.get(reverse("owners:handover")).content.decode()
    assert "地漏返味" not in html
    photo = Attachment.objects.get(object_id=case.item.pk)
    assert other_client.get(reverse("owners:handover_photo", args=[photo.pk])).status_code == 404


def test_a_case_file_is_not_a_handover_photo(client, case):
    """An attachment of the case itself (e.g. the ID copies of step 2) is never served."""
    att = Attachment.objects.create(
        project=case.project,
        content_type=ContentType.objects.get_for_model(case),
        object_id=case.pk,
        file=ContentFile(PNG, name="id.png"),
        original_name="id.png",
        mime_type="image/png",
        size=len(PNG),
    )
    assert client.get(reverse("owners:handover_photo", args=[att.pk])).status_code == 404


def test_a_tenant_sees_no_handover(owner_client, case, purchase):
    f.TenantFactory(unit=purchase.unit, phone="13700009999")
    html = owner_client("13700009999").get(reverse("owners:handover")).content.decode()
    assert "地漏返味" not in html


def test_handover_queries_do_not_grow(client, case, purchase, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("owners:handover"))
    for i in range(5):
        handover_services.rectification_add(
            case=case,
            user=case.desk,
            location=f"部位{i}",
            description="问题",
            responsible_unit="总包",
            deadline=datetime.date(2099, 1, 1),
            photo=_png(),
        )
    second = f.PurchaseFactory(
        unit=f.UnitFactory(building=purchase.unit.building), customer=purchase.customer
    )
    handover_services.case_start(unit=second.unit, user=case.desk)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("owners:handover"))
    assert page.content.decode().count("/owner/handover/photos/") >= 12  # link + img each


# --- the doors: staff, anonymous --------------------------------------------------------------


PAGES = ["owners:notice_list", "owners:renovation_list", "owners:handover"]


@pytest.mark.parametrize("name", PAGES)
def test_staff_get_403_and_anonymous_the_owner_login(name, purchase, lead, client_for):
    url = reverse(name)
    assert client_for(lead).get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("owners:login"))


def test_bottom_nav_links_the_three_pages(client, purchase):
    html = client.get(reverse("owners:home")).content.decode()
    for name in PAGES:
        assert f'href="{reverse(name)}"' in html


def test_reading_the_owner_pages_replaces_no_dashboard_token(owner_client, purchase):
    """An owner's visits write nothing the staff dashboard's snapshots depend on."""
    from salesite import figure_versions
    from tests.dashboard.conftest import commit

    client = owner_client(purchase.customer.phone)
    commit()
    for name in ["home", "cases", "case_new", "notice_list", "renovation_list", "handover"]:
        assert client.get(reverse(f"owners:{name}")).status_code == 200, name
        assert not figure_versions.has_pending_writes(), name
