"""The 6+2 steps in the browser (issue #19 item 1, R-FB-9): the customer ambassador opens the
project's list of actions due and done, filters one action, opens a customer whose action is
open and records it (date, channel, note); the customer's page then shows it done, by phone,
by the ambassador. The demo customer with all 19 actions shows them all done."""

import re

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import CustomerStepRecord
from salesite.models import Customer, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_ambassador_records_a_6_plus_2_action(page, signed_in, demo_site):
    amb = User.objects.get(username="binjiang_customer_ambassador")
    today = timezone.localdate()

    signed_in(page, "binjiang_customer_ambassador")
    page.locator("#mainnav").get_by_role("link", name="客户反馈").click()
    page.get_by_role("link", name="6+2服务动作（到期与完成）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("6+2服务动作")
    page.get_by_label("状态").select_option(value="")
    page.get_by_label("动作").select_option(label="温馨牵手 · 告知沟通渠道")
    page.get_by_role("button", name="筛选").click()

    first = page.locator("table tbody tr").first
    expect(first).to_contain_text("告知沟通渠道")
    expect(first).not_to_contain_text("已完成")  # open actions come first
    name = first.locator("td").first.inner_text().strip()
    first.get_by_role("link", name=name).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("6+2服务步法")
    form = page.locator("#step-record-form")
    form.get_by_label("动作").select_option(label="温馨牵手 · 告知沟通渠道")
    form.get_by_label("完成日期").fill(f"{today:%Y-%m-%d}")
    form.get_by_label("方式").select_option(label="电话")
    form.get_by_label("说明").fill("电话告知客服热线与客户大使联系方式")
    form.get_by_role("button", name="记录").click()

    expect(page.get_by_role("alert").filter(has_text="已记录：告知沟通渠道。")).to_be_visible()
    row = page.locator("tr[data-action='channels_told']")
    expect(row).to_contain_text("已完成")
    expect(row).to_contain_text("电话")
    expect(row).to_contain_text(str(amb))
    rec = CustomerStepRecord.objects.get(action__code="channels_told", customer__name=name)
    assert (rec.done_on, rec.channel, rec.recorded_by) == (today, "phone", amb)


def test_demo_customer_with_all_19_actions(page, signed_in, demo_site):
    full = (
        Customer.objects.filter(project__code="binjiang")
        .annotate(n=Count("step_records"))
        .get(n=19)
    )
    signed_in(
        page,
        "binjiang_customer_ambassador",
        at=demo_site.url + reverse("feedback:customer_steps", args=[full.pk]),
    )
    expect(page.locator("#steps-summary")).to_contain_text("已完成 19 / 19 项")
    expect(page.locator("main")).to_contain_text(re.compile(r"四年之约"))
    expect(page.locator("#step-record-form")).to_have_count(0)
