"""Views of the 6+2 steps: a customer's timeline (R-FB-9)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Customer
from salesite.views_access import get_record, staff_view

from ..models import (
    StepAction,
)

# --- 6+2 steps: a customer's timeline (R-FB-9) ----------------------------------------------


@staff_view("feedback.view_customersteprecord", per_record=True)
def customer_timeline(request, pk):
    customer = get_record(request, Customer.objects.select_related("project"), pk=pk)
    records = {r.action_id: r for r in customer.step_records.select_related("action").order_by()}
    steps = []
    for action in StepAction.objects.filter(per_project=False).order_by("order"):
        if not steps or steps[-1][0] != action.get_step_display():
            steps.append((action.get_step_display(), []))
        steps[-1][1].append((action, records.get(action.pk)))
    events = [(r.done_on, _("6+2"), str(r.action), "") for r in records.values()]
    events += [
        (
            timezone.localtime(c.received_at).date(),
            c.get_kind_display(),
            c.subject,
            c.get_absolute_url(),
        )
        for c in customer.cases.all()
    ]
    events += [
        (
            t.due_date,
            _("回访"),
            f"{t.get_rule_display()} · {t.get_status_display()}",
            t.get_absolute_url(),
        )
        for t in customer.callback_tasks.select_related("rule")
    ]
    events += [
        (h.handover_date, _("交房"), str(h.unit_id), "") for h in customer.handover_facts.all()
    ]
    events.sort(key=lambda e: e[0], reverse=True)
    return render(
        request,
        "feedback/customer_timeline.html",
        {"customer": customer, "steps": steps, "events": events},
    )
