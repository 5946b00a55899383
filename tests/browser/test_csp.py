"""The pages' behaviour under the Content-Security-Policy (issue 12, item 13a), in Chromium:
htmx loads the home page's work block, the dashboard draws its charts, the language select
submits, a confirm question guards its form, the print button prints, the user menu leads to
the password change, and the browser reports no policy violation on the way. The owner portal's
pages (every owner page of the URL conf) on a 390 px phone screen after an SMS-code login: no
violation, no sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from communication.models import CommunicationRecord
from owners.demo import DEMO_OWNER_MOBILE
from owners.selectors import load_owner
from salesite.models import OutboundMessage
from tests.browser.conftest import wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs before the pages' own scripts: records every CSP violation the browser reports, and
# replaces window.print (a real print dialog would block headless Chromium).
RECORDER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_scripts_work_under_the_policy(page, signed_in, demo_site):
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(RECORDER)
    signed_in(page, "binjiang_centre_head")
    expect(page).to_have_url(f"{demo_site.url}/")
    response = page.request.get(f"{demo_site.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    # htmx replaces the placeholder with the work block (hx-trigger="load").
    expect(page.locator("#my-work")).not_to_contain_text("加载中")
    expect(page.locator("#my-work .card-header")).to_contain_text("我的待办")
    assert violations(page) == []

    # The dashboard's charts are drawn by static/js/dashboard.js from the JSON block.
    page.locator("#mainnav").get_by_role("link", name="工作台").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    charts = page.locator("canvas[id^=chart-]")
    expect(charts.first).to_be_visible()
    # Chart.js and dashboard.js load after the page is shown: wait for them (a slow machine
    # made this flaky), then every canvas must hold a chart.
    wait_until(page, "typeof Chart !== 'undefined'")
    wait_until(
        page,
        "[...document.querySelectorAll('canvas[id^=chart-]')].every(c => !!Chart.getChart(c))",
    )
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas[id^=chart-]')].map(c => !!Chart.getChart(c))"
    )
    assert drawn and all(drawn)
    assert violations(page) == []

    # The language select submits its form on change (no inline onchange).
    page.locator("#mainnav select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#mainnav select[name=language]").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # The user menu leads to the password change.
    page.locator("#user-menu").click()
    page.get_by_role("link", name="修改密码").click()
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    assert violations(page) == []

    # A confirm question (data-confirm): dismissed, nothing is sent; accepted, the form posts.
    page.goto(f"{demo_site.url}/ops/roster/")
    remove = page.get_by_role("button", name="取消排班")
    before = remove.count()
    assert before > 0
    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.first.click()
    expect(remove).to_have_count(before)
    page.once("dialog", lambda dialog: dialog.accept())
    remove.first.click()
    expect(remove).to_have_count(before - 1)
    assert violations(page) == []

    # A print layout: the print button prints, the back link goes back.
    record = CommunicationRecord.objects.filter(project__code="binjiang").first()
    page.goto(f"{demo_site.url}/communication/records/{record.pk}/print/")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    page.get_by_role("link", name="返回").click()
    expect(page).to_have_url(re.compile(r"/ops/roster/"))
    assert violations(page) == []
    assert not [text for text in console if "Content Security Policy" in text], console


def owner_page_urls(unit_pk: int) -> list[str]:
    """Every owner page of the URL conf with no URL kwargs or with its int kwargs the owner's
    unit (owners.url_index); pages needing other kwargs are left to their tests."""
    from owners.url_index import owner_page_urls as found

    return [url for _name, url in found(unit_pk)[0]]


def test_owner_pages_under_the_policy_on_a_phone(page, demo_site):
    page.set_default_timeout(10_000)
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(RECORDER)
    page.goto(f"{demo_site.url}/owner/")
    expect(page).to_have_url(re.compile(r"/owner/login/"))
    page.get_by_label("手机号码").fill(DEMO_OWNER_MOBILE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page).to_have_url(re.compile(r"/owner/login/code/"))
    sms = OutboundMessage.objects.filter(
        recipient=DEMO_OWNER_MOBILE, dedupe_key__startswith="owners:login:"
    ).latest("pk")
    page.get_by_label("短信验证码").fill(re.search(r"\d{6}", sms.body).group(0))
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{demo_site.url}/owner/")
    assert violations(page) == []

    unit = min(load_owner(DEMO_OWNER_MOBILE).owned_unit_ids)
    urls = owner_page_urls(unit)
    assert "/owner/" in urls and f"/owner/units/{unit}/" in urls
    for url in urls:
        if page.request.get(f"{demo_site.url}{url}").status == 405:
            continue  # a POST-only action (no page: Chromium shows an empty 405 as an error)
        response = page.goto(f"{demo_site.url}{url}")
        assert response.status in {200, 404, 405}, f"{url}: {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert violations(page) == [], url
        if response.status == 200:
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{url} scrolls sideways by {wide} px at 390 px"
