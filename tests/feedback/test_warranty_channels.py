"""Warranty-expiry notices by notice board and phone (R-FB-7, issue 19 item 5): the service's
rules, the staff form, the list's channel column and its "told by no channel" filter, the
denials, the admin."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from feedback import selectors, services
from feedback.exceptions import DomainError
from feedback.models import WarrantyItem, WarrantyNotice, WarrantyNoticeChannel
from tests import factories as f

pytestmark = pytest.mark.django_db

BOARD = WarrantyNoticeChannel.Kind.NOTICE_BOARD
PHONE = WarrantyNoticeChannel.Kind.PHONE


def _item(project, name="外墙", **kw):
    today = datetime.date.today()
    return services.warranty_item_create(
        project=project,
        name=name,
        responsible_unit="某总包",
        starts_on=today - datetime.timedelta(days=700),
        ends_on=today + datetime.timedelta(days=30),
        **kw,
    )


def _ago(**kw):
    return timezone.now() - datetime.timedelta(**kw)


def _url(item):
    return reverse("feedback:warranty_channel_create", args=[item.pk])


def _post(client, item, **data):
    local = timezone.localtime(data.pop("done_at", _ago(hours=1)))
    payload = {"channel": BOARD, "done_at": local.strftime("%Y-%m-%dT%H:%M"), "note": ""}
    payload.update(data)
    return client.post(_url(item), payload)


# --- service --------------------------------------------------------------------------------


def test_record_board_and_phone_with_who_and_when(project, member):
    item = _item(project)
    desk, lead = member("front_desk", project), member("cs_lead", project)
    when = _ago(days=1)
    board = services.warranty_channel_record(
        item=item, channel=BOARD, done_at=when, done_by=desk, note=" 1号楼大堂 ", user=lead
    )
    phone = services.warranty_channel_record(
        item=item, channel=PHONE, done_at=when, done_by=desk, reached=True, user=desk
    )
    board.refresh_from_db()
    assert (board.done_by, board.recorded_by, board.done_at) == (desk, lead, when)
    assert board.note == "1号楼大堂" and board.reached is None and board.project == project
    assert phone.reached is True and phone.channel == PHONE
    assert WarrantyNoticeChannel.objects.filter(item=item).count() == 2


def test_done_at_in_the_future_refused(project, member):
    item = _item(project)
    with pytest.raises(DomainError, match="完成时间不能晚于现在"):
        services.warranty_channel_record(
            item=item, channel=BOARD, done_at=timezone.now() + datetime.timedelta(hours=1)
        )
    assert not WarrantyNoticeChannel.objects.exists()


def test_phone_needs_reached(project):
    item = _item(project)
    with pytest.raises(DomainError, match="是否接通"):
        services.warranty_channel_record(item=item, channel=PHONE, done_at=_ago(hours=1))
    assert not WarrantyNoticeChannel.objects.exists()


def test_a_channel_recorded_twice_is_refused(project, member):
    item = _item(project)
    first = services.warranty_channel_record(item=item, channel=BOARD, done_at=_ago(days=2))
    with pytest.raises(DomainError, match="已记录过“公告栏张贴”，不能重复记录"):
        services.warranty_channel_record(
            item=item, channel=BOARD, done_at=_ago(days=1), note="again"
        )
    row = WarrantyNoticeChannel.objects.get()
    assert row.pk == first.pk and row.note == "" and row.done_at == first.done_at


def test_a_phone_round_that_reached_nobody_is_replaced_then_locked(project, member):
    item = _item(project)
    desk = member("front_desk", project)
    first = services.warranty_channel_record(
        item=item, channel=PHONE, done_at=_ago(days=2), reached=False, note="无人接听"
    )
    second = services.warranty_channel_record(
        item=item, channel=PHONE, done_at=_ago(days=1), reached=True, done_by=desk
    )
    assert second.pk == first.pk
    row = WarrantyNoticeChannel.objects.get()
    assert row.reached is True and row.done_by == desk and row.note == ""
    with pytest.raises(DomainError, match="电话通知"):
        services.warranty_channel_record(
            item=item, channel=PHONE, done_at=_ago(hours=1), reached=True
        )


def test_the_database_refuses_a_duplicate_channel(project):
    item = _item(project)
    services.warranty_channel_record(item=item, channel=BOARD, done_at=_ago(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        WarrantyNoticeChannel.objects.create(
            project=project, item=item, channel=BOARD, done_at=_ago(hours=1)
        )


def test_doer_must_be_staff_of_the_project(project, other_project, member):
    item = _item(project)
    stranger = member("front_desk", other_project)
    with pytest.raises(DomainError, match="执行人不是该项目的员工"):
        services.warranty_channel_record(
            item=item, channel=BOARD, done_at=_ago(hours=1), done_by=stranger
        )
    assert not WarrantyNoticeChannel.objects.exists()


# --- flags and the "told by no channel" filter ----------------------------------------------


def test_channel_flags_and_unnotified_filter(project, member, unit):
    lead = member("cs_lead", project)
    sms_only, board, phone_no, phone_yes, _nothing = (
        _item(project, name=n) for n in ["短信", "公告", "未接通", "已接通", "无"]
    )
    owner = f.PurchaseFactory(unit=unit).customer
    WarrantyNotice.objects.create(
        project=project, item=sms_only, customer=owner, sent_on=datetime.date.today()
    )
    services.warranty_channel_record(item=board, channel=BOARD, done_at=_ago(hours=2))
    services.warranty_channel_record(
        item=phone_no, channel=PHONE, done_at=_ago(hours=2), reached=False
    )
    services.warranty_channel_record(
        item=phone_yes, channel=PHONE, done_at=_ago(hours=2), reached=True
    )
    rows = {i.name: i for i in selectors.warranty_items_visible(lead)}
    flags = {name: (i.by_sms, i.by_email, i.by_board, i.by_phone) for name, i in rows.items()}
    assert flags == {
        "短信": (True, False, False, False),
        "公告": (False, False, True, False),
        "未接通": (False, False, False, False),
        "已接通": (False, False, False, True),
        "无": (False, False, False, False),
    }
    unnotified = selectors.warranty_items_unnotified(selectors.warranty_items_visible(lead))
    assert sorted(i.name for i in unnotified) == sorted(["未接通", "无"])


# --- pages ----------------------------------------------------------------------------------


def test_desk_records_board_from_the_form_and_sees_it(project, member, client_for):
    item = _item(project)
    desk = member("front_desk", project)
    c = client_for(desk)
    page = c.get(_url(item))
    assert page.status_code == 200
    assert page.context["form"]["done_by"].initial == desk.pk  # the current user by default
    r = _post(c, item, done_by=desk.pk, note="大堂公告栏")
    assert r.status_code == 302 and r.url == item.get_absolute_url()
    assert [str(m) for m in get_messages(r.wsgi_request)] == ["通知记录已保存。"]
    row = WarrantyNoticeChannel.objects.get()
    assert (row.channel, row.done_by, row.recorded_by, row.note) == (
        BOARD,
        desk,
        desk,
        "大堂公告栏",
    )
    body = c.get(item.get_absolute_url()).content.decode()
    assert "大堂公告栏" in body and "公告栏张贴" in body
    listing = c.get(reverse("feedback:warranty_list")).content.decode()
    assert "公告栏</span>" in listing


def test_form_errors_in_chinese(project, member, client_for):
    item = _item(project)
    desk = member("front_desk", project)
    c = client_for(desk)
    future = _post(c, item, done_by=desk.pk, done_at=timezone.now() + datetime.timedelta(days=1))
    assert future.status_code == 200
    assert "完成时间不能晚于现在。" in future.content.decode()
    phone = _post(c, item, channel=PHONE, done_by=desk.pk)
    assert "电话通知请填写是否接通。" in phone.content.decode()
    assert not WarrantyNoticeChannel.objects.exists()
    assert _post(c, item, done_by=desk.pk).status_code == 302
    twice = _post(c, item, done_by=desk.pk)
    assert twice.status_code == 200
    assert "不能重复记录" in twice.content.decode()
    assert WarrantyNoticeChannel.objects.count() == 1


def test_phone_with_reached_from_the_form(project, member, client_for):
    item = _item(project)
    desk, amb = member("front_desk", project), member("customer_ambassador", project)
    r = _post(client_for(desk), item, channel=PHONE, done_by=amb.pk, reached="no")
    assert r.status_code == 302
    row = WarrantyNoticeChannel.objects.get()
    assert row.reached is False and row.done_by == amb and row.recorded_by == desk


def test_list_filters_items_told_by_no_channel(project, member, client_for):
    told, untold = _item(project, name="已公示外墙"), _item(project, name="未通知屋面")
    services.warranty_channel_record(item=told, channel=BOARD, done_at=_ago(hours=1))
    c = client_for(member("cs_lead", project))
    body = c.get(reverse("feedback:warranty_list"), {"unnotified": "true"}).content.decode()
    assert untold.name in body and told.name not in body
    body = c.get(reverse("feedback:warranty_list")).content.decode()
    assert untold.name in body and told.name in body


def test_other_projects_staff_get_404_and_nothing_written(
    project, other_project, member, client_for
):
    item = _item(project)
    stranger = member("front_desk", other_project)
    c = client_for(stranger)
    assert c.get(_url(item)).status_code == 404
    assert _post(c, item, done_by=stranger.pk).status_code == 404
    # A role without the permission anywhere learns nothing either: 404, not 403.
    guard = client_for(member("security", other_project))
    assert guard.get(_url(item)).status_code == 404
    assert not WarrantyNoticeChannel.objects.exists()


def test_role_without_the_permission_gets_403(project, member, client_for):
    item = _item(project)
    security = member("security", project)
    c = client_for(security)
    assert c.get(item.get_absolute_url()).status_code == 200  # may see the ledger
    assert c.get(_url(item)).status_code == 403
    assert _post(c, item, done_by=security.pk).status_code == 403
    assert not WarrantyNoticeChannel.objects.exists()


def test_anonymous_redirected_to_login(client, project):
    item = _item(project)
    r = client.get(_url(item))
    assert r.status_code == 302 and "login" in r.url


@pytest.mark.parametrize("n", [3, 30])
def test_list_with_channels_queries_bounded(
    n, project, member, client_for, django_assert_max_num_queries
):
    for i in range(n):
        item = _item(project, name=f"部位{i}")
        services.warranty_channel_record(item=item, channel=BOARD, done_at=_ago(hours=1))
    c = client_for(member("cs_lead", project))
    with django_assert_max_num_queries(12):
        r = c.get(reverse("feedback:warranty_list"), {"unnotified": "true"})
    assert r.status_code == 200


def test_admin_lists_and_filters(admin_client, project):
    item = _item(project)
    services.warranty_channel_record(item=item, channel=PHONE, done_at=_ago(hours=1), reached=True)
    url = reverse("admin:feedback_warrantynoticechannel_changelist")
    r = admin_client.get(url, {"channel__exact": PHONE, "q": item.name})
    assert r.status_code == 200 and item.name in r.content.decode()
    assert WarrantyItem.objects.filter(pk=item.pk).exists()


def test_export_names_the_channels(project, member, client_for):
    told, _untold = _item(project, name="已公示外墙"), _item(project, name="未通知屋面")
    services.warranty_channel_record(item=told, channel=BOARD, done_at=_ago(hours=1))
    services.warranty_channel_record(item=told, channel=PHONE, done_at=_ago(hours=1), reached=True)
    c = client_for(member("cs_lead", project))
    r = c.get(reverse("feedback:warranty_list"), {"format": "csv"})
    lines = b"".join(r.streaming_content).decode("utf-8-sig").splitlines()
    assert "通知方式" in lines[0]
    by_name = {line.split(",")[0]: line for line in lines[1:]}
    assert ",公告栏、电话," in by_name["已公示外墙"]
    assert ",未通知," in by_name["未通知屋面"]
