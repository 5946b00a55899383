"""Print view of a feedback case (R-DASH-3): the repair/complaint handling form
(客户反馈处理单 / 报修单) the front desk hands to the repair team, who sign it with the
customer when the work is done. Two copies: the repair team's and the archive's."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from salesite.views_access import get_record, staff_view

from .models import Case


@staff_view()
def case_print(request, pk):
    case = get_record(
        request,
        Case.objects.select_related(
            "project", "customer", "building", "unit", "assignee", "department", "received_by"
        ),
        pk=pk,
    )
    copies = [_("处理部门联"), _("存档联")]
    return render(request, "feedback/print/case.html", {"case": case, "copies": copies})
