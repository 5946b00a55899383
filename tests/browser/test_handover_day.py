"""A handover day in the browser (issue #15), on the demo data: the demo owner books a slot of
today in the portal (phone width); the front desk finds them by their phone tail and checks
them in, calls numbers to the desks until theirs; the venue screen, opened by its secret link
without login, shows the number and the desk by itself (htmx polling, no reload) and no
owner's name."""

import re

import pytest
from playwright.sync_api import expect

from handover.models import HandoverDay, QueueTicket, SlotBooking, VenueSettings
from owners.demo import DEMO_OWNER_MOBILE
from salesite.models import Purchase
from tests.browser.test_owners import PHONE, _owner_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_owner_books_front_desk_checks_in_and_calls_venue_screen_shows_it(
    browser, browser_context_args, signed_in, demo_site
):
    from django.utils import timezone

    day = HandoverDay.objects.get(project__code="binjiang", date=timezone.localdate())
    purchase = (
        Purchase.objects.filter(
            customer__phone=DEMO_OWNER_MOBILE, is_active=True, unit__in=day.batch.units.all()
        )
        .select_related("unit", "unit__building", "customer")
        .first()
    )
    unit = purchase.unit
    # Whatever the demo gave this unit today (a walk-in ticket), the owner starts afresh.
    QueueTicket.objects.filter(unit=unit).delete()
    SlotBooking.objects.filter(unit=unit).update(status="cancelled")
    owner_ctx = browser.new_context(**browser_context_args, viewport=PHONE, is_mobile=True)
    staff_ctx = browser.new_context(**browser_context_args)
    screen_ctx = browser.new_context(**browser_context_args)
    try:
        # The owner books today's 14:00 slot in the portal.
        owner = owner_ctx.new_page()
        _owner_login(owner, demo_site)
        owner.goto(f"{demo_site.url}/owner/handover/booking/{unit.pk}/")
        expect(owner.get_by_role("heading", level=1)).to_contain_text("预约交房")
        slot = day.slots.get(starts_at="14:00")
        owner.locator(f'button[data-slot="{slot.pk}"]').click()
        expect(owner.get_by_text("确认短信已发送")).to_be_visible()
        expect(owner.locator("#my-booking")).to_contain_text("14:00–15:00")
        booking = SlotBooking.objects.get(unit=unit, status="booked")
        assert booking.slot_id == slot.pk and booking.channel == "portal"

        # The venue screen, by its secret link and without login.
        token = VenueSettings.objects.get(batch=day.batch).screen_token
        screen = screen_ctx.new_page()
        screen.set_default_timeout(15_000)
        screen.goto(f"{demo_site.url}/venue/{token}/")
        expect(screen.get_by_role("heading", level=1)).to_contain_text("交付现场")

        # The front desk checks the owner in by the tail of their phone.
        desk = staff_ctx.new_page()
        signed_in(desk, "binjiang_front_desk", at=f"{demo_site.url}/handover/days/{day.pk}/queue/")
        desk.get_by_placeholder("姓名、手机尾号或房号").fill(DEMO_OWNER_MOBILE[-4:])
        desk.get_by_role("button", name="查找签到").click()
        row = desk.locator("#found tr", has_text=unit.number)
        row.get_by_role("button", name="签到").click()
        expect(desk.get_by_text("已签到，排队号")).to_be_visible()
        ticket = QueueTicket.objects.get(day=day, unit=unit)

        # Numbers are called in order until the owner's, each to a desk.
        for _ in range(10):
            desk.locator("#id_desk").select_option("3")
            desk.get_by_role("button", name="叫下一号").click()
            expect(desk.get_by_text(re.compile(r"号到 3 号台办理"))).to_be_visible()
            ticket.refresh_from_db()
            if ticket.called_at:
                break
        assert ticket.desk == 3 and ticket.status == "called"

        # The screen shows it without a reload, with its desk, and no owner's name.
        cell = screen.locator(f'td[data-number="{ticket.number}"]')
        row = screen.locator("#called tbody tr", has=cell)
        expect(row).to_be_visible()
        expect(row).to_contain_text("3 号台")
        assert purchase.customer.name not in screen.content()

        # The desk starts the unit's handover steps from the queue.
        desk.goto(f"{demo_site.url}/handover/days/{day.pk}/queue/")
        item = desk.locator("#active li", has_text=ticket.label)
        item.get_by_role("button", name="开始办理").click()
        expect(desk).to_have_url(re.compile(r"/handover/cases/\d+/"))
        ticket.refresh_from_db()
        assert ticket.steps_started_at and ticket.case_id
    finally:
        owner_ctx.close()
        staff_ctx.close()
        screen_ctx.close()
