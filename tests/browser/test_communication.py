"""Communication in the browser (R-COM-2, R-COM-3): the customer-service lead writes today's
daily communication record (日沟通) with two problems; one is escalated to the weekly level, the
other resolved, and the problem list shows both in their new state."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communication.models import CommunicationRecord, Problem
from salesite.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ESCALATED = "样板房空调不制冷，客户投诉闷热"
RESOLVED = "停车场临时指示牌缺失"


def test_daily_record_with_problems_escalated_and_resolved(page, signed_in, demo_site):
    today = timezone.localdate()
    lead = User.objects.get(username="binjiang_cs_lead")
    records_before = CommunicationRecord.objects.filter(project__code="binjiang").count()

    signed_in(page, "binjiang_cs_lead")
    page.locator("#mainnav").get_by_role("link", name="沟通机制").click()
    page.get_by_role("link", name="新建记录").click()
    # 滨江壹号 is the lead's only project: straight to the levels the lead may record.
    expect(page.get_by_role("heading", level=1)).to_contain_text("选择沟通层级")
    page.get_by_role("link", name=re.compile(r"^日沟通")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("滨江壹号 · 新建日沟通")

    # held_at defaults to now; both sides take part.
    expect(page.get_by_label("时间")).to_have_value(re.compile(rf"^{today:%Y-%m-%d}T"))
    page.get_by_label("地点").fill("营销中心洽谈室")
    page.get_by_label(f"{lead.name}（客服负责人）").check()
    page.get_by_label(re.compile(r"（营销/策划主管/主任）")).first.check()
    page.get_by_label("沟通事项").fill("本周末开盘加推，案场接待动线调整。")
    page.get_by_label("决定事项").fill("周六增派两名客户大使。")
    page.locator("#id_problems-0-title").fill(ESCALATED)
    page.locator("#id_problems-0-owner").select_option(label=str(lead))
    page.locator("#id_problems-1-title").fill(RESOLVED)
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert").filter(has_text="日沟通记录已保存。")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/communication/records/\d+/$"))
    raised = page.locator(".card").filter(has_text="本次提出的问题")
    # Daily problems are due the same day (R-COM-3).
    for title in (ESCALATED, RESOLVED):
        row = raised.locator("li").filter(has_text=title)
        expect(row).to_contain_text(f"期限 {today:%m-%d}")
        expect(row).to_contain_text("日沟通")
    assert (
        CommunicationRecord.objects.filter(project__code="binjiang").count() == records_before + 1
    )
    record = CommunicationRecord.objects.latest("pk")
    assert (record.level.code, record.created_by) == ("daily", lead)
    assert record.participants.count() == 2

    # Escalate the first problem to the weekly meeting, with a reason.
    raised.get_by_role("link", name=ESCALATED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ESCALATED)
    page.get_by_label("升级到").select_option(label="周沟通")
    page.get_by_label("升级原因").fill("需地产方协调空调维保单位，当天无法解决。")
    page.get_by_role("button", name="升级", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="问题已升级")).to_be_visible()
    expect(page.locator("main")).to_contain_text("滨江壹号 · 周沟通")
    expect(page.locator(".badge").filter(has_text="已升级")).to_be_visible()
    expect(page.locator("li").filter(has_text="日沟通 → 周沟通")).to_be_visible()

    # Resolve the second one from its page.
    # Back to the record through the problem's "提出于" link.
    page.get_by_role("link", name=f"{today:%Y-%m-%d}", exact=True).click()
    raised.get_by_role("link", name=RESOLVED).click()
    page.get_by_label("处理结果").fill("已补设临时指示牌 3 块。")
    page.get_by_role("button", name="标记为已解决").click()
    expect(page.get_by_role("alert").filter(has_text="问题已标记为已解决。")).to_be_visible()
    expect(page.get_by_role("button", name="标记为已解决")).to_have_count(0)

    # Both in the problem list, each in its state and level.
    page.get_by_role("link", name="问题跟踪").click()
    page.get_by_label("关键字").fill("样板房空调")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ESCALATED)
    expect(rows.first).to_contain_text("已升级")
    expect(rows.first).to_contain_text("周沟通")
    page.get_by_label("关键字").fill("指示牌缺失")
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("已解决")

    escalated = Problem.objects.get(title=ESCALATED)
    assert (escalated.status, escalated.level.code) == ("escalated", "weekly")
    assert escalated.events.filter(to_level__code="weekly").exists()
    resolved = Problem.objects.get(title=RESOLVED)
    assert resolved.status == "resolved"
    assert resolved.resolution == "已补设临时指示牌 3 块。"
