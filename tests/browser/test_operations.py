"""Sales-site operations in the browser (R-CORE-5): the customer-service lead opens today's
roster through the menu, sees the post the demo leaves empty (水吧岗, late shift, 滨江壹号) and
fills it through the roster form; the same person twice on that post and shift is refused."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from operations.models import RosterEntry, ServicePost, Shift
from salesite.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_cs_lead_fills_the_empty_post_on_todays_roster(page, signed_in, demo_site):
    today = timezone.localdate()  # Asia/Shanghai, as the server sees it
    post = ServicePost.objects.get(project__code="binjiang", name="水吧岗")
    late = Shift.objects.get(project=None, name="晚班")
    staff = User.objects.get(username="binjiang_front_desk")
    lead = User.objects.get(username="binjiang_cs_lead")
    assert not RosterEntry.objects.filter(date=today, post=post, shift=late).exists()

    signed_in(page, "binjiang_cs_lead")
    page.get_by_role("button", name="案场服务").click()
    page.locator("#mainnav").get_by_role("link", name="排班", exact=True).click()
    expect(page.get_by_role("heading", name="岗位排班")).to_be_visible()
    expect(page.get_by_label("日期", exact=True)).to_have_value(f"{today:%Y-%m-%d}")

    # The short post/shift of the day is highlighted and marked 空岗.
    post_cell = page.locator("tbody td").filter(has_text=f"{post.area.name} · {post.name}")
    late_row = post_cell.locator("xpath=parent::tr/following-sibling::tr[1]")
    expect(late_row).to_have_class(re.compile(r"\btable-warning\b"))
    expect(late_row).to_contain_text("晚班")
    expect(late_row).to_contain_text("空岗")
    expect(late_row).to_contain_text("0/1")

    add = page.locator("form").filter(has=page.get_by_role("button", name="排班", exact=True))
    add.get_by_label("岗位").select_option(label=f"{post.area.name}·{post.name}")
    add.get_by_label("班次").select_option(label=str(late))
    add.get_by_label("上岗人员").select_option(label=str(staff))
    add.get_by_label("备注").fill("临时顶岗")
    add.get_by_role("button", name="排班", exact=True).click()

    expect(page.get_by_role("alert").filter(has_text=f"已排班：{staff}。")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/ops/roster/\?project=\d+&date={today:%Y-%m-%d}$"))
    expect(late_row).not_to_have_class(re.compile(r"\btable-warning\b"))
    expect(late_row).not_to_contain_text("空岗")
    expect(late_row).to_contain_text(str(staff))
    expect(late_row).to_contain_text("1/1")
    entry = RosterEntry.objects.get(date=today, post=post, shift=late)
    assert (entry.user, entry.note, entry.created_by) == (staff, "临时顶岗", lead)
    assert entry.project.code == "binjiang"

    # The same person on the same post and shift again: refused, nothing written.
    add.get_by_label("岗位").select_option(label=f"{post.area.name}·{post.name}")
    add.get_by_label("班次").select_option(label=str(late))
    add.get_by_label("上岗人员").select_option(label=str(staff))
    add.get_by_role("button", name="排班", exact=True).click()
    expect(
        page.get_by_role("alert").filter(has_text="该员工当天该班次已排在此岗位。")
    ).to_be_visible()
    assert RosterEntry.objects.filter(date=today, post=post, shift=late).count() == 1
