"""The contractor ranking in the browser (强制排序，末位淘汰; issue #16 item 4): the centre head
of 云栖 opens the ranking of the last quarter, sees the demo's contractors in forced order with
their totals and the bottom one proposed, and records the decision with a reason."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROPOSED = "杭州净美防水工程有限公司"


def test_centre_head_ranks_and_decides_on_the_bottom_contractor(page, signed_in, demo_site):
    signed_in(page, "yunqi_centre_head")
    page.locator("#mainnav").get_by_role("link", name="客户反馈").click()
    page.get_by_role("link", name="维修单位强制排序·末位淘汰").click()
    expect(page.get_by_role("heading", name="维修单位强制排序·末位淘汰")).to_be_visible()
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows.first).to_be_visible()
    # Forced order: ranks 1, 2, … with the totals from the highest down; the bottom ranked
    # contractor carries the proposal.
    ranked = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        rank, total = cells.first.inner_text().strip(), cells.last.inner_text().strip()
        if rank != "—":
            ranked.append((int(rank), float(total), cells.nth(1).inner_text()))
    assert len(ranked) >= 2, ranked
    assert [r[0] for r in ranked] == list(range(1, len(ranked) + 1))
    assert [r[1] for r in ranked] == sorted((r[1] for r in ranked), reverse=True)
    assert PROPOSED in ranked[-1][2] and "提议末位淘汰" in ranked[-1][2]
    expect(page.locator("tr.table-danger")).to_contain_text(PROPOSED)

    # The decision form offers the proposed contractor, to be eliminated, first.
    decide = page.locator("form[action*='decide']")
    expect(decide.locator("select[name=contractor] option:checked")).to_have_text(PROPOSED)
    expect(decide.locator("select[name=decision] option:checked")).to_have_text("淘汰")
    decide.locator("select[name=decision]").select_option(label="淘汰")
    decide.locator("textarea[name=reason]").fill("连续两个季度末位，防水返修率高，予以淘汰。")
    decide.get_by_role("button", name="记录决定").click()
    expect(page.get_by_text(f"已记录对“{PROPOSED}”的决定。")).to_be_visible()
    expect(
        page.get_by_role("cell", name="连续两个季度末位，防水返修率高，予以淘汰。")
    ).to_be_visible()
    # Eliminated: its status shows it, and it is proposed no more (an eliminated contractor
    # is not proposed again).
    row = page.locator("table").first.get_by_role("row").filter(has_text=PROPOSED)
    expect(row).to_contain_text("已淘汰")
    expect(row).not_to_have_class(re.compile("table-danger"))
    expect(row).not_to_contain_text("提议末位淘汰")
