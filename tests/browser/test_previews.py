"""Preview findings in the browser (R-HO-1): the customer-service lead opens the demo batch,
follows the pre-viewing event to its findings (photos shown), marks one fixed with a photo of
the fix and closes it after verification."""

import re

import pytest
from playwright.sync_api import expect

from handover.models import DeliveryBatch, PreviewFinding
from salesite.demo import demo_png
from tests.browser.conftest import wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_lead_fixes_and_closes_a_preview_finding(page, signed_in, demo_site, tmp_path):
    batch = DeliveryBatch.objects.get(project__code="binjiang")
    finding = PreviewFinding.objects.filter(batch=batch, status="in_progress").order_by("pk")[0]
    after = tmp_path / "after.png"
    after.write_bytes(demo_png((120, 170, 120)))

    signed_in(page, "binjiang_cs_lead", at=f"{demo_site.url}{batch.get_absolute_url()}")
    page.get_by_role("link", name=re.compile(r"共 6 条，未完成 4，待验证 1，已关闭 1")).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(6)
    expect(page.locator("tr.table-danger")).to_have_count(1)  # the lobby tiles are overdue

    page.locator(f"a[href='{finding.get_absolute_url()}']").click()
    before = page.get_by_role("img", name="整改前照片").first
    expect(before).to_be_visible()
    # Served through the checked view: wait until the image has loaded (visible is only laid
    # out), then it must have a width.
    wait_until(page, "img => img.complete", arg=before)
    assert before.evaluate("img => img.naturalWidth") > 0

    page.locator("#id_fix-photos").set_input_files(str(after))
    page.get_by_role("button", name="标记已整改").click()
    expect(page.get_by_role("alert").filter(has_text="已标记为已整改。")).to_be_visible()
    expect(page.get_by_role("img", name="整改后照片").first).to_be_visible()

    page.get_by_label("关闭说明").fill("业主现场确认整改合格。")
    page.get_by_role("button", name="验证并关闭").click()
    expect(page.get_by_role("alert").filter(has_text="问题已验证关闭。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已验证关闭")
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.closure_note == "业主现场确认整改合格。"
