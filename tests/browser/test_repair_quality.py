"""Repair quality in the browser (issue #16 items 5, 7): the repair team submits a case to
the case library and finds it with the search box; the dashboard shows the first-time fix
rate of the demo's year of repairs, and its page lists the repeat cases."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_repair_team_submits_and_finds_a_library_case(page, signed_in, demo_site):
    signed_in(page, "binjiang_repair_team")
    page.locator("#mainnav").get_by_role("link", name="客户反馈").click()
    page.get_by_role("link", name="维修监理、培训考试与案例库").click()
    page.get_by_role("link", name="维修组案例库").click()
    page.get_by_role("link", name="提交案例").click()
    page.get_by_label("标题").fill("排水立管接口渗漏")
    page.get_by_label("问题描述").fill("楼下顶棚滴水")
    page.get_by_label("原因分析").fill("立管接口胶圈老化")
    page.get_by_label("处理方法").fill("更换胶圈并做通水试验")
    page.get_by_label("标签").fill("渗漏 排水")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("案例已提交")).to_be_visible()
    expect(page.get_by_role("heading", name="排水立管接口渗漏")).to_be_visible()
    page.get_by_role("link", name="维修组案例库").click()
    page.get_by_role("searchbox").fill("胶圈")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_text("排水立管接口渗漏")).to_be_visible()
    expect(page.locator(".list-group-item-action")).to_have_count(1)


def test_dashboard_shows_the_fix_rate_and_its_repeat_cases(page, signed_in, demo_site):
    signed_in(page, "binjiang_centre_head", at=f"{demo_site.url}/dashboard/")
    expect(page.get_by_text("维修一次成功率").first).to_be_visible()
    page.get_by_role("link", name="返修/重开的维修").first.click()
    expect(page.get_by_text("返修明细（原维修 → 再次报修）")).to_be_visible()
    expect(page.locator("#repeats tbody tr").first).to_contain_text("第")
