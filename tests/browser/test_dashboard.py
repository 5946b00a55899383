"""Manager dashboard in the browser (R-DASH-1, R-DASH-2): the subsidiary's general manager opens
the dashboard from the menu, narrows the scope from every visible project to one project, clicks
a figure and lands on the list behind it, filtered to that project; then opens "my work"."""

import re

import pytest
from playwright.sync_api import expect

from communication.models import Problem
from salesite.models import Project, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _figure(page, title):
    return page.locator("a.figure").filter(has=page.get_by_text(title, exact=True))


def _value(figure) -> int:
    return int(figure.locator(".fs-4").inner_text())


def test_manager_switches_scope_and_follows_a_figure(page, signed_in, demo_site):
    binjiang = Project.objects.get(code="binjiang")
    visible = Project.objects.visible_to(User.objects.get(username="binjiang_subsidiary_gm"))
    assert set(visible.values_list("code", flat=True)) == {"binjiang", "yunqi"}
    escalated = Problem.objects.filter(status=Problem.Status.ESCALATED)
    # The demo has escalated problems on both: the figure must change with the scope.
    assert escalated.filter(project=binjiang).exists()
    assert escalated.filter(project__code="yunqi").exists()

    signed_in(page, "binjiang_subsidiary_gm")
    page.locator("#mainnav").get_by_role("link", name="工作台").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    # A company-level manager starts on every project visible to them (滨江壹号 and 云栖花园).
    expect(page.get_by_role("heading", level=1)).to_contain_text("全部可见项目")
    figure = _figure(page, "已升级问题")
    expect(figure).to_be_visible()
    all_visible = _value(figure)
    assert all_visible == escalated.filter(project__in=visible).count()

    page.get_by_label("范围").select_option(label="滨江壹号")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(rf"scope=project%3A{binjiang.pk}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("滨江壹号")
    expect(page.get_by_label("范围")).to_have_value(f"project:{binjiang.pk}")
    one_project = _value(figure)
    assert one_project == escalated.filter(project=binjiang).count() < all_visible

    figure.click()
    expect(page).to_have_url(
        re.compile(rf"/communication/problems/\?project={binjiang.pk}&status=escalated$")
    )
    expect(page.get_by_role("heading", name="问题跟踪")).to_be_visible()
    expect(page.get_by_label("项目")).to_have_value(str(binjiang.pk))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(one_project)
    for i in range(one_project):
        expect(rows.nth(i)).to_contain_text("已升级")
        expect(rows.nth(i)).to_contain_text("滨江壹号")
    expect(page.locator("table tbody")).not_to_contain_text("云栖花园")

    # "My work" is one click from the dashboard.
    page.go_back()
    page.get_by_role("link", name="我的待办").click()
    expect(page).to_have_url(re.compile(r"/my-work/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("我的待办")
