"""Signatures on the tablet in the browser (issue #15 item 6): at the desk the owner signs the
handover confirmation with a finger (here Playwright's mouse) on the canvas, the staff member
countersigns, the signed acceptance form then refuses an edit, the last two steps complete, and
the print shows both signature images in place of the blank lines."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from handover import services
from handover.models import HandoverCase, HandoverSignature, HandoverStep
from handover.services import signatures
from salesite.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _ready_case():
    """The demo's binjiang handover that stopped after the payment, brought to step 7 with its
    acceptance form (what the desk does before the owner signs)."""
    case = HandoverCase.objects.get(project__code="binjiang", last_step=HandoverStep.PAYMENT)
    desk = User.objects.get(username="binjiang_front_desk")
    services.acceptance_record(
        case=case,
        user=desk,
        room_items={"living": "ok", "bedrooms": "ok", "kitchen": "ok", "bathrooms": "ok"},
        water_reading=Decimal("2.40"),
        electricity_reading=Decimal("8.10"),
        gas_reading=Decimal("0.50"),
        inspected_on=datetime.date.today(),
    )
    services.step_keys_ready(case=case, user=desk, keys_count=2, handbooks_ready=True)
    return case, desk


def _draw(page, offset: int):
    """A signature stroke with the mouse across the canvas (a finger on the tablet)."""
    canvas = page.locator("canvas[data-signature-pad]")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(x + i * 12, y + (offset if i % 2 else -offset), steps=2)
    page.mouse.up()


def test_owner_signs_and_staff_countersigns_on_the_canvas_and_the_print_shows_both(
    page, signed_in, demo_site
):
    case, desk = _ready_case()
    signed_in(page, "binjiang_front_desk", at=f"{demo_site}{case.get_absolute_url()}")
    card = page.locator("#signatures [data-document='confirmation']")
    expect(card).to_contain_text("未签字")

    # The owner signs; submitting an empty pad is refused on the page first.
    card.get_by_role("link", name="业主签字").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("业主签字")
    expect(page.get_by_label("签字人姓名")).to_have_value(case.customer.name)
    page.get_by_role("button", name="确认签字").click()
    expect(page.locator("[data-signature-empty]")).to_be_visible()
    _draw(page, 18)
    page.get_by_role("button", name="清除重签").click()
    page.get_by_role("button", name="确认签字").click()
    expect(page.locator("[data-signature-empty]")).to_be_visible()
    _draw(page, 25)
    page.get_by_role("button", name="确认签字").click()
    expect(page.get_by_role("alert").filter(has_text="业主已签署")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/handover/cases/{case.pk}/$"))
    expect(card).to_contain_text("待经办人会签")

    # The staff member countersigns under their own name.
    card.get_by_role("link", name="经办人会签").click()
    expect(page.get_by_label("签字人姓名")).to_be_disabled()
    _draw(page, 12)
    page.get_by_role("button", name="确认签字").click()
    expect(page.get_by_role("alert").filter(has_text="客服经办人（会签）已签署")).to_be_visible()
    expect(card).to_contain_text("已签字")

    signed = HandoverSignature.objects.filter(case=case, document="confirmation")
    digest = signatures.content_sha256(case, "confirmation")
    assert sorted(signed.values_list("role", "content_sha256")) == [
        ("owner", digest),
        ("staff", digest),
    ]
    for signature in signed:
        assert signature.image.file.read().startswith(b"\x89PNG")
    staff = signed.get(role="staff")
    assert staff.signer_name == (desk.get_full_name() or desk.username) and staff.signed_by == desk

    # The signed acceptance form refuses an edit.
    page.get_by_role("link", name="房屋交接验收表").click()
    page.get_by_label("水表读数").fill("9.90")
    page.locator("main").get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("已签字，不能修改")
    case.acceptance.refresh_from_db()
    assert case.acceptance.water_reading == Decimal("2.40")

    # The last two steps.
    page.goto(f"{demo_site}{case.get_absolute_url()}")
    page.locator("li.list-group-item-primary").get_by_role("link", name="办理").click()
    page.get_by_label("钥匙及资料已发放，业主已签字").check()
    page.get_by_role("button", name="完成此步骤").click()
    expect(page.get_by_role("alert").filter(has_text="已完成")).to_be_visible()
    page.locator("li.list-group-item-primary").get_by_role("link", name="办理").click()
    page.get_by_role("button", name="登记汇总并完成交接").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已交接")

    # The print: both signatures (two copies each) in place of the blank lines, loaded.
    page.goto(f"{demo_site}/handover/cases/{case.pk}/print/")
    images = page.locator("img.signature-image")
    expect(images).to_have_count(4)
    for i in range(4):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("body")).to_contain_text(digest[:12])
    expect(page.locator("body")).to_contain_text(case.customer.name)
