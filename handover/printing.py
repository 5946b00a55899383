"""Print views of the handover forms that are signed on paper (R-DASH-3): the handover
form with its acceptance sheet, the mock-inspection record, the move-in registration and a
progress notice for the notice board, the item-release slip. Each is read-only and scoped like
its detail page; personal data is rendered with ``{% personal %}`` (masked for roles without
personal-data access, as on the screen)."""

from __future__ import annotations

from django.shortcuts import render

from salesite.views_access import get_record, staff_view

from . import selectors
from .models import (
    HandoverStep,
    ItemRelease,
    MockInspection,
    MoveIn,
    MoveInTenantInfo,
    ProgressNotice,
)
from .selectors_previews import with_role_photos


@staff_view()
def case_print(request, pk):
    """交房确认单 and 房屋交接验收表 in two copies (owner's and archive's)."""
    case = get_record(request, selectors.case_records(), pk=pk)
    records = {r.step: r for r in selectors.case_steps(case)}
    context = {
        "case": case,
        "steps": [(s, records.get(s.value)) for s in HandoverStep],
        "fee_lines": list(case.fee_lines.all()),
        "acceptance": getattr(case, "acceptance", None),
        "rectifications": list(selectors.case_rectifications(case)),
    }
    return render(request, "handover/print/case.html", context)


@staff_view()
def inspection_print(request, pk):
    """The mock-inspection record (模拟验房记录) with its defects, signed by both sides."""
    inspection = get_record(
        request,
        MockInspection.objects.select_related("project", "batch", "unit__building", "inspector"),
        pk=pk,
    )
    defects = inspection.defects.select_related("verified_in").order_by("pk")
    return render(
        request,
        "handover/print/inspection.html",
        {"inspection": inspection, "defects": with_role_photos(defects)},
    )


@staff_view()
def movein_print(request, pk):
    """入住登记表, with the tenant information form when the occupant is a tenant."""
    move_in = get_record(
        request,
        MoveIn.objects.select_related("project", "unit__building", "customer", "tenant"),
        pk=pk,
    )
    tenant_info = MoveInTenantInfo.objects.filter(move_in=move_in).first()
    return render(
        request,
        "handover/print/movein.html",
        {"move_in": move_in, "tenant_info": tenant_info},
    )


@staff_view()
def notice_print(request, pk):
    """A progress notice laid out for the notice board or a letter to owners."""
    notice = get_record(
        request, ProgressNotice.objects.select_related("project__service_centre"), pk=pk
    )
    return render(request, "handover/print/notice.html", {"notice": notice})


@staff_view()
def release_print(request, pk):
    """物品放行条 in two copies (archive's and the guard's)."""
    release = get_record(
        request,
        ItemRelease.objects.select_related("project", "unit__building", "handled_by"),
        pk=pk,
    )
    return render(request, "handover/release_print.html", {"release": release})
