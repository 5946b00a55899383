"""Front-desk feedback in the browser (R-FB-1, R-FB-3, R-X-7): a complaint registered through
the one entry form (customer found by the htmx search) shows its reply deadline; closing it
without a reply is refused; with the reply recorded it closes. And the entry form works on a
390-px phone without horizontal scrolling."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Case
from salesite.models import Purchase, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUBJECT = "卫生间地漏返味"


def _card(page, header):
    return page.locator(".card").filter(
        has=page.locator(".card-header").get_by_text(header, exact=True)
    )


def test_front_desk_registers_replies_and_closes_a_complaint(page, signed_in, demo_site):
    purchase = (
        Purchase.objects.filter(project__code="binjiang", is_active=True)
        .select_related("customer", "unit__building")
        .order_by("unit__building__name", "unit__number")
        .first()
    )
    customer, unit = purchase.customer, purchase.unit
    desk = User.objects.get(username="binjiang_front_desk")
    promised = timezone.localdate() + datetime.timedelta(days=1)

    signed_in(page, "binjiang_front_desk")
    page.locator("#mainnav").get_by_role("link", name="客户反馈").click()
    page.get_by_role("link", name="前台登记").click()
    expect(page.get_by_label("项目")).to_have_value(str(purchase.project_id))
    page.get_by_label("投诉", exact=True).check()
    page.get_by_label("来电", exact=True).check()
    page.get_by_label("投诉类别").select_option(label="工程质量")
    # The customer is found by the search box (htmx), never from a list of every customer.
    page.get_by_placeholder("输入姓名 / 手机尾号 / 房号").fill(customer.name)
    results = page.locator("#customer-results")
    results.get_by_label(re.compile(rf"{customer.name}.*{re.escape(str(unit))}")).check()
    page.get_by_label("楼栋").select_option(label=unit.building.name)
    page.get_by_label("房号").fill(unit.number)
    page.get_by_label("事由").fill(SUBJECT)
    page.get_by_label("内容", exact=True).fill(
        "业主来电：主卫地漏返臭味，已持续一周，要求尽快处理。"
    )
    page.get_by_label("承诺答复时间").fill(f"{promised:%Y-%m-%d}T17:00")
    page.get_by_role("button", name="登记").click()

    expect(
        page.get_by_role("alert").filter(has_text=re.compile(r"事项 .+ 已登记。"))
    ).to_be_visible()
    case = Case.objects.get(subject=SUBJECT)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{case.number} · 投诉")
    expect(page.locator("main")).to_contain_text(customer.name)
    expect(page.locator("main")).to_contain_text("工程质量")
    deadlines = _card(page, "期限")
    expect(deadlines.locator("li").filter(has_text="答复期限")).to_contain_text(
        f"{promised:%Y-%m-%d} 17:00"
    )
    assert (case.kind, case.status, case.customer, case.unit, case.received_by) == (
        "complaint",
        "new",
        customer,
        unit,
        desk,
    )
    assert f"{timezone.localtime(case.answer_due):%Y-%m-%d %H:%M}" == f"{promised:%Y-%m-%d} 17:00"

    # No close button before a reply; a close posted anyway (stale page) is refused.
    expect(page.get_by_role("button", name="关闭事项")).to_have_count(0)
    with page.expect_navigation():
        page.evaluate(
            """(url) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = url;
                form.append(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
                document.body.append(form);
                form.submit();
            }""",
            f"/feedback/cases/{case.pk}/close/",
        )
    expect(
        page.get_by_role("alert").filter(has_text="未记录答复客户的内容，不能关闭。")
    ).to_be_visible()
    case.refresh_from_db()
    assert case.status == "new" and case.closed_at is None

    # Reply, then close.
    reply = _card(page, "答复客户")
    reply.get_by_label("答复客户内容").fill("已安排工程部明早上门更换防臭地漏芯，业主同意。")
    reply.get_by_label("处理情况").fill("工程部已派单。")
    reply.get_by_role("button", name="记录答复").click()
    expect(page.get_by_role("alert").filter(has_text="答复已记录。")).to_be_visible()
    expect(deadlines.locator("li").filter(has_text="答复期限")).to_contain_text("已完成")
    page.get_by_role("button", name="关闭事项").click()
    expect(page.get_by_role("alert").filter(has_text="事项已关闭。")).to_be_visible()
    expect(page.get_by_role("heading", level=1).locator("xpath=..")).to_contain_text("已关闭")

    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at is not None
    assert case.reply == "已安排工程部明早上门更换防臭地漏芯，业主同意。"
    assert list(case.events.order_by("pk").values_list("to_status", flat=True))[-2:] == [
        "replied",
        "closed",
    ]


def test_case_entry_form_fits_a_phone(browser, browser_context_args, signed_in, demo_site):
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": 390, "height": 844}}
    )
    page = context.new_page()
    try:
        signed_in(page, "binjiang_front_desk", at=f"{demo_site.url}/feedback/cases/new/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("前台登记")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == 390, widths

        # Usable, not just narrow: a walk-in visit is registered from the phone.
        page.get_by_label("来访人（未登记客户）").fill("陈先生")
        page.get_by_label("联系电话/来电号码").fill("13600001111")
        page.get_by_label("事由").fill("咨询交房时间")
        submit = page.get_by_role("button", name="登记")
        submit.scroll_into_view_if_needed()
        box = submit.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        submit.click()
        expect(page.get_by_role("alert").filter(has_text="已登记")).to_be_visible()
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        assert Case.objects.filter(walk_in_name="陈先生", kind="visit").exists()
    finally:
        context.close()
