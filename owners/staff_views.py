"""The staff side of the owner portal: the "业主端" panel on the customer page (registered in
salesite.panels) and the POST that disables or re-enables a number's portal access."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.models import Customer
from salesite.views_access import get_record, staff_view

from . import activity
from .models import OwnerAccess
from .services import set_access

CHANGE_ACCESS = "owners.change_owneraccess"


def customer_panel(request, customer) -> str:
    """The panel's HTML: last portal login, access state, the owner's activity (owners.activity,
    one query per kind) and, for roles that may, the disable/enable form."""
    access = OwnerAccess.objects.filter(mobile=customer.phone).select_related("changed_by").first()
    return render_to_string(
        "owners/customer_panel.html",
        {
            "customer": customer,
            "access": access,
            "activity": activity.customer_activity(customer),
            "can_change": request.user.has_perm(CHANGE_ACCESS, customer),
            # Not rendered with the request: its context processors would query again.
            "csrf_token": get_token(request),
        },
    )


@staff_view(CHANGE_ACCESS, per_record=True)
@require_POST
def access_toggle(request, pk):
    customer = get_record(request, Customer.objects.select_related("project"), pk=pk)
    disable = request.POST.get("action") == "disable"
    reason = request.POST.get("reason", "").strip()
    if disable and not reason:
        messages.error(request, _("停用业主端须填写原因。"))
        return redirect(customer.get_absolute_url())
    set_access(mobile=customer.phone, disabled=disable, by=request.user, reason=reason)
    if disable:
        messages.success(request, _("已停用该号码的业主端访问。"))
    else:
        messages.success(request, _("已恢复该号码的业主端访问。"))
    return redirect(customer.get_absolute_url())
