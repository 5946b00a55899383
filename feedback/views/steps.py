"""Views of the 6+2 steps: a customer's timeline (R-FB-9)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite import access
from salesite.models import Customer

from ..models import (
    StepAction,
)

# --- 6+2 steps: a customer's timeline (R-FB-9) ----------------------------------------------


@login_required
def customer_timeline(request, pk):
    # The page requires view_customersteprecord on the customer: a role that holds it nowhere
    # must still get 404 for another company's customer, so no @staff_view pre-check.
    customer = access.get_visible_or_404(
        Customer.objects.select_related("project"), request.user, pk=pk
    )
    access.require_perm(request.user, "feedback.view_customersteprecord", customer)
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
        for t in customer.callback_tasks.all()
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
