"""The quarterly 6+2 check in the browser (R-FB-10, R-FB-11): a manager reopens a submitted
checklist, the HQ inspector corrects a score against the system's proposal and submits it
again; the ranking shows it; the defect report drills down to the mock-inspection defects."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import QuarterlyAssessment, quarter_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reopen_correct_and_resubmit_a_checklist(page, signed_in, demo_site, browser):
    year, quarter = quarter_of(timezone.localdate())
    check = QuarterlyAssessment.objects.get(project__code="yunqi", year=year, quarter=quarter)
    url = f"{demo_site.url}/feedback/assessment/{check.pk}/"

    signed_in(page, "yunqi_subsidiary_gm", at=url)
    expect(page.get_by_text("已提交", exact=True)).to_be_visible()
    page.get_by_role("link", name="退回修改").click()
    page.get_by_label("退回原因").fill("书面记录抽查与实际不符")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_text("检查表已退回")).to_be_visible()

    inspector = browser.new_page()
    signed_in(inspector, "yunqi_hq_inspector", at=url)
    expect(inspector.get_by_text("应记录").first).to_be_visible()  # the records proposal
    line = check.lines.get(item__text__contains="神秘访客")
    inspector.locator(f"#id_line-{line.pk}-score").fill("20")
    inspector.get_by_role("button", name="保存并提交").click()
    expect(inspector.get_by_text("检查表已提交。")).to_be_visible()
    inspector.screenshot(path="/tmp/h-check-checklist.png", full_page=True)
    line.refresh_from_db()
    check.refresh_from_db()
    assert line.score == 20 and check.status == "submitted"

    inspector.get_by_role("link", name="返回考核排名").click()
    expect(inspector.locator("table")).to_contain_text("云栖")
    inspector.screenshot(path="/tmp/h-check-ranking.png", full_page=True)

    inspector.goto(f"{demo_site.url}/feedback/defects/?year={year}&quarter={quarter}")
    expect(inspector.locator("thead").first).to_contain_text("模拟验收问题")
    inspector.screenshot(path="/tmp/h-check-defects.png", full_page=True)
    inspector.get_by_role("link", name="缺陷明细").click()
    expect(inspector.locator("tbody")).to_contain_text("交接遗留问题")
    # The HQ findings, one source of the drill-down (the first page holds the newest rows).
    inspector.goto(inspector.url + "&source=hq_findings")
    expect(inspector.locator("tbody")).to_contain_text("总部品质检查发现")
