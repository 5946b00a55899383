"""Demo data of the 6+2 steps (issue #19 item 1, R-FB-9): on 滨江, one customer with all 19
actions done over a year and a half (registration, signing, handover a year ago, the 3-month
callback, the 1-year check), recorded by the customer ambassador through the staff service or
ticked by the workflows; the other customers of the demo projects partly done; and the daily
reminder run once, so that the responsible roles have reminders in their inbox.
Idempotent: a second run creates nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from salesite.models import Customer, Project, Purchase, User

from . import services
from .models import CustomerStepRecord, HandoverFact, StepAction

# The customer with every action: the third customer handed over (a year ago, feedback demo).
FULL_CUSTOMER_INDEX = 2

# code: (milestone, days after it, channel); milestones: registration, contract, handover.
FULL_PLAN = {
    "project_info": ("registration", 0, "face"),
    "unfavourable_disclosed": ("registration", 0, "written"),
    "channels_told": ("registration", 0, "face"),
    "cancellation_disclosed": ("registration", 1, "written"),
    "contract_explained": ("contract", 0, "face"),
    "procedures_told": ("contract", 0, "face"),
    "contract_channels": ("contract", 3, "sms"),
    "progress_notice": ("contract", 60, "sms"),
    "design_change_notice": ("contract", 100, "written"),
    "site_open_day": ("contract", 150, "event"),
    "inspection_guidance": ("handover", -1, "face"),
    "fees_explained": ("handover", 0, "face"),
    "handover": ("handover", 0, "system"),
    "renovation_guidance": ("handover", 0, "written"),
    "congratulations": ("handover", 20, "face"),
    "complaint_guidance": ("handover", 20, "face"),
    "continuous_feedback": ("handover", 30, "phone"),
    "callback_3m": ("handover", 90, "phone"),
    "check_1y": ("handover", 355, "face"),
}

# The other customers: these are done for every second one (the rest are open or overdue).
PARTLY = [("channels_told", "face"), ("cancellation_disclosed", "written")]


def seed_demo() -> None:
    for project in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"]):
        with transaction.atomic():
            _seed_project(project)
    services.steps_remind()


def _seed_project(project) -> None:
    amb = User.objects.filter(username=f"{project.code}_customer_ambassador").first()
    purchases = list(
        Purchase.objects.filter(project=project, is_active=True)
        .select_related("customer")
        .order_by("pk")[:12]
    )
    if not purchases:
        return
    if project.code == "binjiang" and len(purchases) > FULL_CUSTOMER_INDEX:
        _seed_full_customer(purchases[FULL_CUSTOMER_INDEX], amb)
    actions = {a.code: a for a in StepAction.objects.filter(code__in=[c for c, _ch in PARTLY])}
    for i, p in enumerate(purchases):
        if i == FULL_CUSTOMER_INDEX or i % 2 or amb is None:
            continue
        for code, channel in PARTLY:
            if (
                code in actions
                and not CustomerStepRecord.objects.filter(
                    customer=p.customer, action=actions[code]
                ).exists()
            ):
                services.step_record(
                    customer=p.customer,
                    action=actions[code],
                    done_on=timezone.localdate(p.customer.created_at),
                    channel=channel,
                    user=amb,
                    note="演示：售楼处告知",
                )


def _seed_full_customer(purchase, amb) -> None:
    """Milestones that follow each other (registration, signing, handover a year ago), then
    each of the 19 actions on its day."""
    customer = purchase.customer
    fact = HandoverFact.objects.filter(customer=customer).order_by("handover_date").first()
    if fact is None or amb is None:
        return
    handover = fact.handover_date
    signed = handover - datetime.timedelta(days=300)
    registered = signed - datetime.timedelta(days=20)
    if purchase.signed_on != signed:
        # The core demo draws its dates at random: make this customer's story consistent.
        Purchase.objects.filter(pk=purchase.pk).update(
            subscribed_on=signed - datetime.timedelta(days=7), signed_on=signed
        )
        Customer.objects.filter(pk=customer.pk).update(
            created_at=timezone.make_aware(datetime.datetime.combine(registered, datetime.time(10)))
        )
    base = {"registration": registered, "contract": signed, "handover": handover}
    today = timezone.localdate()
    actions = {a.code: a for a in StepAction.objects.filter(code__in=FULL_PLAN)}
    done = set(
        CustomerStepRecord.objects.filter(customer=customer).values_list("action__code", flat=True)
    )
    for code, (milestone, days, channel) in FULL_PLAN.items():
        if code in done or code not in actions:
            continue
        day = min(base[milestone] + datetime.timedelta(days=days), today)
        if channel == "system":
            services.tick_step(customer=customer, action_code=code, on=day, source="demo")
            continue
        services.step_record(
            customer=customer,
            action=actions[code],
            done_on=day,
            channel=channel,
            user=amb,
            note="演示记录",
        )
