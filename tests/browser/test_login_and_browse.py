"""A demo user logs in through the real login form in headless Chromium and browses customers."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_front_desk_logs_in_and_browses_customers(page, login, demo_site, tmp_path):
    login(page, "binjiang_front_desk")
    expect(page).to_have_url(f"{demo_site.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    expect(page.get_by_role("link", name="滨江壹号", exact=True)).to_be_visible()
    # Only the user's own project: another project of the demo is not listed.
    expect(page.get_by_role("link", name="海棠湾")).to_have_count(0)

    # Navigate as a person would: the 基础数据 dropdown, then 客户.
    page.get_by_role("button", name="基础数据").click()
    page.get_by_role("link", name="客户", exact=True).click()
    expect(page).to_have_url(re.compile(r"/core/customers/"))
    expect(page.get_by_role("heading", name="客户")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    # Phones are masked in the list: 138****5678.
    phone_cell = rows.first.locator("td").nth(1)
    expect(phone_cell).to_have_text(re.compile(r"^1\d\d\*{4}\d{4}$"))
    expect(page.locator("table tbody")).to_contain_text("滨江壹号")
    expect(page.locator("table tbody")).not_to_contain_text("海棠湾")

    name = rows.first.locator("td a").first.inner_text()
    rows.first.locator("td a").first.click()
    expect(page).to_have_url(re.compile(r"/core/customers/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("#customer-phone")).to_have_text(re.compile(r"1\d{10}|\*"))

    shot = tmp_path / "customer.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000


def test_wrong_password_shows_chinese_error(page, login):
    login(page, "binjiang_front_desk", password="not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("用户名或密码不正确，请重新输入。")).to_be_visible()


def test_phone_layout_has_navbar_toggler(browser, browser_context_args, login):
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": 390, "height": 844}}
    )
    page = context.new_page()
    try:
        login(page, "binjiang_front_desk")
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        menu_link = page.get_by_role("link", name="客户反馈")
        expect(menu_link).to_be_hidden()
        toggler.click()
        expect(menu_link).to_be_visible()
    finally:
        context.close()
