"""Renovation in the browser (R-REN-1, R-REN-2, R-REN-10): the front desk enters an owner's
renovation application, ticks its documents off the checklist (submitting with one missing is
refused), uploads a scan and submits it; the application is then in the pipeline's 审核中 figure.
The reviewer opens an application in review from the pipeline and approves it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from renovation.models import RenovationApplication
from renovation.selectors import pipeline_counts
from salesite.models import Purchase, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _unit_without_application():
    purchase = (
        Purchase.objects.filter(
            project__code="binjiang",
            is_active=True,
            unit__renovation_applications=None,
            unit__is_commercial=False,
        )
        .select_related("unit__building", "customer")
        .order_by("unit__building__name", "unit__number")
        .first()
    )
    assert purchase is not None, "the demo has no sold unit without a renovation application"
    return purchase.unit, purchase.customer


def test_front_desk_submits_an_application_with_its_documents(page, signed_in, demo_site, tmp_path):
    unit, owner = _unit_without_application()
    valid = timezone.localdate() + datetime.timedelta(days=365)

    desk = User.objects.get(username="binjiang_front_desk")
    in_review_before = pipeline_counts(desk, None)["in_review"]

    signed_in(page, "binjiang_front_desk")
    page.locator("#mainnav").get_by_role("link", name="装修管理").click()
    page.get_by_role("link", name="新建装修申请").click()
    page.get_by_label("楼栋").select_option(label=f"滨江壹号 {unit.building.name}")
    page.get_by_label("房号").fill(unit.number)
    page.get_by_label("申请人类型").select_option(label="业主本人")
    # 业主姓名/电话 are taken from the purchase when left empty.
    page.get_by_label(re.compile(r"^\s*装修单位")).fill("匠心装饰工程有限公司")
    page.get_by_label(re.compile(r"^\s*装修负责人")).fill("李建军")
    page.get_by_label("负责人电话").fill("13857112345")
    page.get_by_label("负责人身份证号").fill("330106198001011234")
    page.get_by_label("身份证有效期至").fill(f"{valid:%Y-%m-%d}")
    page.get_by_label("营业执照编号").fill("91330106MA2AB1234X")
    page.get_by_label("营业执照有效期至").fill(f"{valid:%Y-%m-%d}")
    page.get_by_label(re.compile(r"^\s*资质证书编号")).fill("D233012345")
    page.get_by_label("资质证书有效期至").fill(f"{valid:%Y-%m-%d}")
    page.get_by_label("装修内容").fill("客厅吊顶、厨卫墙地砖翻新，不涉及结构、消防、燃气改动。")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert").filter(has_text="已保存")).to_be_visible()
    app = RenovationApplication.objects.get(unit=unit)
    expect(page.get_by_role("heading", level=1)).to_contain_text("草稿")
    expect(page.locator("main")).to_contain_text(app.number)
    expect(page.locator("main")).to_contain_text(owner.name)
    assert (app.status, app.owner_name, app.owner, app.created_by) == (
        "draft",
        owner.name,
        owner,
        desk,
    )

    # Every document but the last one received; submitting now is refused.
    checklist = page.locator(".card").filter(has_text="申请资料清单")
    received_buttons = checklist.get_by_role("button", name="已收取")
    total = received_buttons.count()
    assert total == app.documents.count() >= 9
    for left in range(total, 1, -1):
        received_buttons.first.click()
        expect(received_buttons).to_have_count(left - 1)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert").filter(has_text="申请资料不齐，缺少：")).to_be_visible()
    app.refresh_from_db()
    assert app.status == "draft"

    received_buttons.first.click()
    expect(received_buttons).to_have_count(0)
    expect(checklist.locator("li").filter(has_text="⬜")).to_have_count(0)

    # A scan of the signed application form, as an attachment.
    scan = tmp_path / "装修申请表.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    attachments = page.locator("#attachments")
    attachments.locator("input[type=file]").set_input_files(scan)
    attachments.get_by_role("button", name="上传").click()
    expect(page.locator("#attachments")).to_contain_text("装修申请表.pdf")

    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert").filter(has_text="装修申请已提交。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审核中")
    expect(page.locator(".alert").filter(has_text="审核截止时间")).to_contain_text(
        "一个工作日内完成审核"
    )
    app.refresh_from_db()
    assert app.status == "submitted" and app.review_due_at is not None

    # In the pipeline: one more in review, and the figure links to the list with it.
    page.locator(".breadcrumb").get_by_role("link", name="装修申请").click()
    page.get_by_role("link", name="装修概况").click()
    pipeline = page.locator("a.card").filter(has=page.get_by_text("审核中", exact=True))
    expect(pipeline.locator(".display-6")).to_have_text(str(in_review_before + 1))
    pipeline.click()
    expect(page.locator("table tbody")).to_contain_text(app.number)
    assert list(app.status_changes.values_list("to_status", flat=True)) == ["submitted"]


def test_reviewer_approves_an_application_from_the_pipeline(page, signed_in, demo_site):
    """The centre head, delegate of the engineering and customer-service heads (R-REN-2), finds
    an application in review through the pipeline and gives both sides' decision: after the
    engineering approval it is still in review; with customer service's it is approved."""
    app = (
        RenovationApplication.objects.filter(project__code="binjiang", status="submitted")
        .order_by("review_due_at", "pk")
        .first()
    )
    assert app is not None, "the demo has no renovation application in review on 滨江壹号"
    head = User.objects.get(username="binjiang_centre_head")

    signed_in(page, "binjiang_centre_head")
    page.locator("#mainnav").get_by_role("link", name="装修管理").click()
    page.get_by_role("link", name="装修概况").click()
    page.locator("a.card").filter(has=page.get_by_text("审核中", exact=True)).click()
    page.get_by_role("link", name=app.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审核中")

    page.get_by_role("link", name="工程部审核").click()
    page.get_by_label("同意").check()
    page.get_by_label("意见/退回原因").fill("图纸齐全，水电改造符合规范。")
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_role("alert").filter(has_text="审核意见已提交。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审核中")
    app.refresh_from_db()
    assert (app.status, app.engineering_decision, app.cs_decision) == (
        "submitted",
        "approved",
        "pending",
    )

    page.get_by_role("link", name="客服审核").click()
    page.get_by_label("同意").check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.get_by_role("alert").filter(has_text="审核意见已提交。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审核通过")
    expect(page.get_by_role("link", name="客服审核")).to_have_count(0)

    app.refresh_from_db()
    assert app.status == "approved" and app.approved_at is not None
    assert (app.engineering_reviewer, app.cs_reviewer) == (head, head)
    assert app.status_changes.filter(to_status="approved", by=head).exists()
