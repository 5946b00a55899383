"""Unit handover in the browser (R-HO-4): the front desk starts the handover of a sold unit of
the demo's first delivery building, completes the first steps in order through their forms, is
refused a step taken out of order, and sees the unit's progress in the handover list."""

import re

import pytest
from playwright.sync_api import expect

from handover.models import HandoverCase, HandoverStep
from salesite.models import Purchase, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_unit():
    """A sold unit of the demo's handover building that has no handover yet."""
    building = HandoverCase.objects.filter(project__code="binjiang").first().unit.building
    purchase = (
        Purchase.objects.filter(unit__building=building, is_active=True, customer__isnull=False)
        .filter(unit__handover__isnull=True)
        .select_related("unit__building", "customer")
        .order_by("unit__number")
        .first()
    )
    assert purchase is not None, "the demo has no sold unit left to hand over"
    return purchase.unit, purchase.customer


def _do_step(page, step: HandoverStep):
    """Open the current step from the case page (its 办理 button) and check the title."""
    current = page.locator("li.list-group-item-primary")
    expect(current).to_contain_text(f"{step.value}. {step.label}")
    current.get_by_role("link", name="办理").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{step.value}. {step.label}")


def _step_done(page, step: HandoverStep):
    expect(page.get_by_role("alert").filter(has_text=f"步骤“{step.label}”已完成。")).to_be_visible()
    row = page.locator("ol li").filter(has_text=f"{step.value}. {step.label}")
    expect(row.locator(".badge")).to_have_text("已完成")


def test_front_desk_walks_the_first_handover_steps_in_order(page, signed_in, demo_site):
    unit, owner = _free_unit()
    desk = User.objects.get(username="binjiang_front_desk")

    signed_in(page, "binjiang_front_desk")
    page.locator("#mainnav").get_by_role("link", name="交房管理").click()
    page.get_by_role("link", name="办理交接", exact=True).click()
    page.get_by_label("楼栋").select_option(label=f"滨江壹号 {unit.building.name}")
    page.get_by_label("房号").fill(unit.number)
    page.get_by_role("button", name="开始交接").click()

    expect(page.get_by_role("alert").filter(has_text="已开始办理交接。")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/handover/cases/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"{unit.building.name}-{unit.number}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("办理中")
    expect(page.locator("main")).to_contain_text(f"业主：{owner.name}")
    case = HandoverCase.objects.get(unit=unit)
    case_url = page.url

    # (1) the owner's ID and contract checked against the register.
    _do_step(page, HandoverStep.VERIFY)
    page.get_by_label("已核对身份证件与业主清册一致").check()
    page.get_by_label("已核对购房合同").check()
    page.get_by_role("button", name="完成此步骤").click()
    _step_done(page, HandoverStep.VERIFY)

    # (2) copies collected.
    _do_step(page, HandoverStep.COPIES)
    page.get_by_label("身份证复印件").check()
    page.get_by_label("购房合同复印件").check()
    page.get_by_role("button", name="完成此步骤").click()
    _step_done(page, HandoverStep.COPIES)

    # (4) before (3): the page offers no button for it; opened directly it is refused.
    later = page.locator("ol li").filter(has_text=f"4. {HandoverStep.SAFETY.label}")
    expect(later).to_contain_text("未开始")
    expect(later.get_by_role("link", name="办理")).to_have_count(0)
    page.goto(f"{case_url}step/4/")
    page.get_by_label("业主已签订安全责任制书").check()
    page.get_by_role("button", name="完成此步骤").click()
    expect(page.locator("main")).to_contain_text(f"请先完成步骤“{HandoverStep.OWNER_FILE.label}”。")
    case.refresh_from_db()
    assert case.last_step == HandoverStep.COPIES
    assert not case.steps.filter(step=HandoverStep.SAFETY).exists()

    # (3) the owner file: an emergency mobile and a birthday are required.
    page.goto(case_url)
    _do_step(page, HandoverStep.OWNER_FILE)
    page.get_by_label("紧急联系人").fill("王建平")
    page.get_by_label("紧急联系手机").fill("1391234")
    page.get_by_label("生日").fill("1985-06-18")
    page.get_by_role("button", name="完成此步骤").click()
    expect(page.locator("main")).to_contain_text("请输入 11 位手机号码。")
    page.get_by_label("紧急联系手机").fill("13912345678")
    page.get_by_role("button", name="完成此步骤").click()
    _step_done(page, HandoverStep.OWNER_FILE)
    current = page.locator("li.list-group-item-primary")
    expect(current).to_contain_text(f"4. {HandoverStep.SAFETY.label}")

    # The handover list shows the unit in progress with 3 of 9 steps done.
    page.get_by_role("link", name="交房管理").click()
    page.get_by_role("link", name="交接房屋", exact=True).click()
    row = page.locator("table tbody tr").filter(has_text=f"{unit.building.name}-{unit.number}")
    expect(row).to_contain_text(owner.name)
    expect(row).to_contain_text("办理中")
    expect(row).to_contain_text("3/9")

    case.refresh_from_db()
    assert case.last_step == HandoverStep.OWNER_FILE
    assert list(case.steps.order_by("step").values_list("step", "completed_by")) == [
        (1, desk.pk),
        (2, desk.pk),
        (3, desk.pk),
    ]
    owner.refresh_from_db()
    assert (owner.emergency_phone, f"{owner.birthday:%Y-%m-%d}") == ("13912345678", "1985-06-18")
