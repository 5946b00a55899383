"""Print view of a feedback case (R-DASH-3): the repair/complaint handling form
(客户反馈处理单 / 报修单) the front desk hands to the repair team, who sign it with the
customer when the work is done. Two copies: the repair team's and the archive's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from salesite import access

from .models import Case


@login_required
def case_print(request, pk):
    case = access.get_visible_or_404(
        Case.objects.select_related(
            "project", "customer", "building", "unit", "assignee", "department", "received_by"
        ),
        request.user,
        pk=pk,
    )
    access.require_view(request.user, case)
    copies = [_("处理部门联"), _("存档联")]
    return render(request, "feedback/print/case.html", {"case": case, "copies": copies})
