"""The owner portal in a phone browser (issue #14), 390 px wide, on the demo data: the demo owner
logs in with the code read from the SMS log, reports a repair with a photo, the front desk
dispatches it and marks it done, the owner sees the new state, confirms and rates it; another
owner's case is 404; a callback survey link is answered without login and refused when reused.
"""

import base64
import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import CallbackTask, Case
from feedback.services import send_survey_link
from owners.demo import DEMO_OWNER_MOBILE
from owners.selectors import load_owner
from salesite.models import Attachment, OutboundMessage, SMSMessage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
# A 1×1 PNG: a real image for the upload checks.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
CONTENT = "卫生间洗手盆下水管漏水，地面有积水。"


def _last_code(mobile: str) -> str:
    """The login code, read where staff would find it: the SMS log (or the outbox before the
    worker delivered it)."""
    sms = SMSMessage.objects.filter(phone=mobile).order_by("-pk").first()
    body = sms.body if sms else None
    if body is None or "验证码" not in body:
        body = (
            OutboundMessage.objects.filter(recipient=mobile, channel="sms")
            .order_by("-pk")
            .first()
            .body
        )
    return re.search(r"\d{6}", body).group(0)


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _owner_login(page, site):
    page.set_default_timeout(10_000)
    page.goto(f"{site.url}/owner/")
    expect(page).to_have_url(re.compile(r"/owner/login/"))
    page.get_by_label("手机号码").fill(DEMO_OWNER_MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已通过短信发送")).to_be_visible()
    page.get_by_label("短信验证码").fill(_last_code(DEMO_OWNER_MOBILE))
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("我的房屋")
    _no_horizontal_scroll(page)


def test_owner_reports_a_repair_that_the_desk_dispatches_then_confirms_and_rates(
    browser, browser_context_args, signed_in, demo_site, tmp_path
):
    owner_ctx = browser.new_context(**browser_context_args, viewport=PHONE, is_mobile=True)
    staff_ctx = browser.new_context(**browser_context_args)
    try:
        owner = owner_ctx.new_page()
        _owner_login(owner, demo_site)

        # 报事报修: a repair with a photo and a preferred visit time.
        owner.get_by_role("navigation").get_by_role("link", name="报事报修").click()
        owner.goto(f"{demo_site.url}/owner/cases/new/")
        owner.get_by_label("报修", exact=True).check()
        unit_select = owner.get_by_label("房屋", exact=True)
        binjiang = [o for o in unit_select.locator("option").all_inner_texts() if "滨江壹号" in o]
        unit_select.select_option(label=binjiang[0])
        owner.get_by_label("户内位置").fill("卫生间")
        owner.get_by_label("问题描述").fill(CONTENT)
        photo = tmp_path / "leak.png"
        photo.write_bytes(PNG)
        owner.get_by_label("照片（可多选，最多 6 张）").set_input_files(str(photo))
        visit = timezone.localtime() + datetime.timedelta(days=1)
        owner.get_by_label("期望上门时间").fill(f"{visit:%Y-%m-%d}T10:00")
        _no_horizontal_scroll(owner)
        owner.get_by_role("button", name="提交").click()
        expect(owner.get_by_role("status").first).to_contain_text("已提交")
        case = Case.objects.get(content=CONTENT)
        assert case.channel == "owner" and case.kind == "repair"
        assert case.dispatch_due == case.received_at + datetime.timedelta(minutes=10)
        assert (
            Attachment.objects.filter(
                content_type=ContentType.objects.get_for_model(Case), object_id=case.pk
            ).count()
            == 1
        )
        expect(owner.locator("main")).to_contain_text(case.number)
        _no_horizontal_scroll(owner)

        # Another owner's case: 404, whatever the id.
        mine = load_owner(DEMO_OWNER_MOBILE)
        other = (
            Case.objects.exclude(unit_id__in=mine.unit_ids)
            .exclude(customer_id__in=mine.customer_ids)
            .first()
        )
        response = owner.goto(f"{demo_site.url}/owner/cases/{other.pk}/")
        assert response.status == 404

        # The front desk finds it at the top of its list, marked 业主端, and dispatches it.
        staff = staff_ctx.new_page()
        signed_in(staff, "binjiang_front_desk", at=f"{demo_site.url}/feedback/cases/")
        first_row = staff.locator("table tbody tr").first
        expect(first_row).to_contain_text(case.number)
        expect(first_row).to_contain_text("业主端")
        first_row.get_by_role("link", name=case.number).click()
        staff.get_by_label("责任人").fill("王师傅")
        # A contractor of the register (issue #16): the first one the project's select offers.
        staff.get_by_label("维修单位").select_option(index=1)
        staff.get_by_role("button", name="转派").click()
        expect(staff.get_by_role("alert").first).to_be_visible()
        case.refresh_from_db()
        assert case.dispatched_at is not None and case.responsible_person == "王师傅"
        assert case.contractor is not None

        # The owner sees it dispatched, with the repair card.
        owner.goto(f"{demo_site.url}/owner/cases/{case.pk}/")
        expect(owner.locator("main")).to_contain_text(case.contractor.name)
        expect(owner.locator("main")).to_contain_text("王师傅")
        expect(owner.get_by_role("button", name="已修好")).to_have_count(0)

        # The desk marks the repair done; the owner confirms it and rates it.
        staff.reload()
        staff.get_by_role("button", name="维修完成").click()
        expect(staff.get_by_role("alert").first).to_contain_text("维修完成")
        owner.reload()
        owner.get_by_role("button", name="已修好").click()
        expect(owner.get_by_role("status").first).to_be_visible()
        owner.locator("input[name=rating][value='5']").check()
        owner.get_by_label("评价（选填）").fill("师傅准时上门，修得很好。")
        owner.get_by_role("button", name="提交评价").click()
        expect(owner.get_by_role("status").first).to_be_visible()
        case.refresh_from_db()
        assert (case.owner_confirmation, case.owner_rating) == ("fixed", 5)
        _no_horizontal_scroll(owner)
    finally:
        owner_ctx.close()
        staff_ctx.close()


def test_a_survey_link_is_answered_without_login_then_refused(
    browser, browser_context_args, demo_site
):
    task = (
        CallbackTask.objects.filter(status="pending", customer__phone__gt="")
        .select_related("rule")
        .order_by("pk")
        .first()
    )
    link = send_survey_link(task)
    ctx = browser.new_context(**browser_context_args, viewport=PHONE, is_mobile=True)
    try:
        page = ctx.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{demo_site.url}/s/{link.token}/")
        _no_horizontal_scroll(page)
        for group in page.locator("fieldset").filter(has=page.locator("input[type=radio]")).all():
            group.locator("input[type=radio]").last.check()
        page.get_by_role("button", name=re.compile("提交")).click()
        expect(page.locator("main")).to_contain_text("感谢")
        task.refresh_from_db()
        assert task.status != "pending"
        response = page.goto(f"{demo_site.url}/s/{link.token}/")
        assert response.status == 410
        expect(page.locator("main")).to_contain_text("已")
    finally:
        ctx.close()
