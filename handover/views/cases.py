"""Views of the unit handover (R-HO-4): cases, their nine steps, acceptance and rectification."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.views import paginate, projects_with_perm, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, selectors, services
from ..filters import CaseFilter
from ..models import (
    HandoverStep,
    RectificationItem,
    RectificationStatus,
)
from .common import PAYMENT, PERFORM


@staff_view()
def case_list(request):
    cases = permitted_rows(request, selectors.cases_listed())
    f = CaseFilter(request.GET, queryset=cases, request=request)
    if export_format(request):
        return export_response(request, *exports.cases(f.qs), _("交接房屋"))
    return render(
        request, "handover/case_list.html", {"filter": f, "page": paginate(request, f.qs)}
    )


@staff_view(PERFORM)
def case_start(request):
    projects = projects_with_perm(request.user, PERFORM)
    return service_form_page(
        request,
        form=forms.UnitPickForm(
            request.POST or None, buildings=selectors.visible_buildings(request.user, projects)
        ),
        call=lambda d: services.case_start(unit=d["unit"], user=request.user),
        success=_("已开始办理交接。"),
        title=_("办理交接房屋"),
        redirect_to=lambda case: case,
    )


@staff_view(PERFORM)
def case_not_taken_new(request):
    projects = projects_with_perm(request.user, PERFORM)
    return service_form_page(
        request,
        form=forms.NotTakenForm(
            request.POST or None, buildings=selectors.visible_buildings(request.user, projects)
        ),
        call=lambda d: services.case_mark_not_taken(
            unit=d["unit"], reason=d["reason"], user=request.user
        ),
        success=_("已登记未接房原因。"),
        title=_("登记未接房"),
        redirect_to=lambda case: case,
    )


@staff_view()
def case_detail(request, pk):
    case = get_record(request, selectors.case_records(), pk=pk)
    records = {r.step: r for r in selectors.case_steps(case)}
    steps = [(s, records.get(s.value)) for s in HandoverStep]
    context = {
        "case": case,
        "steps": steps,
        "next_step": case.next_step,
        "fee_lines": case.fee_lines.all(),
        "acceptance": getattr(case, "acceptance", None) if hasattr(case, "acceptance") else None,
        "rectifications": selectors.case_rectifications(case),
        "can_perform": request.user.has_perm(PERFORM, case),
        "can_pay": request.user.has_perm(PAYMENT, case),
        "can_rectify": request.user.has_perm("handover.change_rectificationitem", case),
        "statuses": RectificationStatus,
        **record_context(request, case),
    }
    return render(request, "handover/case_detail.html", context)


def _step_kwargs(step: int, data: dict) -> dict:
    if step == HandoverStep.VERIFY:
        return {
            "id_checked": data["id_checked"],
            "contract_checked": data["contract_checked"],
            "note": data["note"],
        }
    if step == HandoverStep.COPIES:
        return {"copies": data["copies"], "note": data["note"]}
    if step == HandoverStep.OWNER_FILE:
        return {
            "emergency_phone": data["emergency_phone"],
            "emergency_contact": data["emergency_contact"],
            "birthday": data["birthday"],
            "email": data["email"],
        }
    if step == HandoverStep.SAFETY:
        return {"signed": data["signed"], "note": data["note"]}
    if step == HandoverStep.FEES:
        return {"handover_date": data["handover_date"]}
    if step == HandoverStep.PAYMENT:
        return {"amount": data["amount"], "receipt_number": data["receipt_number"]}
    if step == HandoverStep.KEYS_READY:
        return {
            "keys_count": data["keys_count"],
            "handbooks_ready": data["handbooks_ready"],
            "owner_consulted": data["owner_consulted"],
            "key_kept": data["key_kept"],
        }
    if step == HandoverStep.HANDED_OVER:
        return {"owner_signed": data["owner_signed"], "note": data["note"]}
    return {}


STEP_SERVICES = {
    HandoverStep.VERIFY: services.step_verify,
    HandoverStep.COPIES: services.step_copies,
    HandoverStep.OWNER_FILE: services.step_owner_file,
    HandoverStep.SAFETY: services.step_safety,
    HandoverStep.FEES: services.step_fees,
    HandoverStep.PAYMENT: services.step_payment,
    HandoverStep.KEYS_READY: services.step_keys_ready,
    HandoverStep.HANDED_OVER: services.step_handed_over,
    HandoverStep.SUMMARY: services.step_summary,
}


# The permission depends on the step, a URL argument: the payment is the one step the cashier
# performs.
@staff_view(
    {
        "step": {
            step: PAYMENT if step == HandoverStep.PAYMENT else PERFORM for step in STEP_SERVICES
        }
    },
    per_record=True,
)
def case_step(request, pk, step):
    if step not in STEP_SERVICES:
        raise Http404
    case = get_record(request, selectors.case_records(), pk=pk)
    initial = {}
    if step == HandoverStep.OWNER_FILE and case.customer:
        initial = {
            "emergency_contact": case.customer.emergency_contact,
            "emergency_phone": case.customer.emergency_phone,
            "birthday": case.customer.birthday,
            "email": case.customer.email,
        }
    elif step == HandoverStep.FEES:
        initial = {"handover_date": timezone.localdate()}
    elif step == HandoverStep.PAYMENT:
        initial = {"amount": case.fee_total}
    label = HandoverStep(step).label
    return service_form_page(
        request,
        form=forms.STEP_FORMS[step](
            request.POST if request.method == "POST" else None, initial=initial
        ),
        call=lambda d: STEP_SERVICES[step](case=case, user=request.user, **_step_kwargs(step, d)),
        success=_("步骤“%(step)s”已完成。") % {"step": label},
        title=f"{step}. {label}",
        back=case,
    )


@staff_view(PERFORM, per_record=True)
def case_not_taken(request, pk):
    case = get_record(request, selectors.case_records(), pk=pk)
    return service_form_page(
        request,
        form=forms.ReasonForm(request.POST or None),
        call=lambda d: services.case_mark_not_taken(
            unit=case.unit, reason=d["reason"], user=request.user
        ),
        success=_("已登记未接房原因。"),
        title=_("登记未接房"),
        back=case,
    )


@staff_view(post=PERFORM, per_record=True)
@require_POST
def case_resume(request, pk):
    case = get_record(request, selectors.case_records(), pk=pk)
    try:
        services.case_resume(case=case, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已恢复办理交接。"))
    return redirect(case)


@staff_view(PERFORM, per_record=True)
def acceptance_edit(request, pk):
    case = get_record(request, selectors.case_records(), pk=pk)
    existing = getattr(case, "acceptance", None) if hasattr(case, "acceptance") else None
    initial = {"inspected_on": timezone.localdate()}
    if existing:
        initial = {
            "water_reading": existing.water_reading,
            "electricity_reading": existing.electricity_reading,
            "gas_reading": existing.gas_reading,
            "inspected_on": existing.inspected_on,
            "note": existing.note,
            **{f"room_{k}": v for k, v in existing.room_items.items()},
        }
    form = forms.AcceptanceForm(request.POST or None, initial=initial)
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.acceptance_record(
            case=case,
            user=request.user,
            room_items=form.room_items(),
            water_reading=d["water_reading"],
            electricity_reading=d["electricity_reading"],
            gas_reading=d["gas_reading"],
            inspected_on=d["inspected_on"],
            note=d["note"],
        ),
        success=_("房屋交接验收表已保存。有问题的部位请登记遗留问题。"),
        title=_("房屋交接验收表"),
        back=case,
    )


@staff_view(PERFORM, per_record=True)
def rectification_add(request, pk):
    case = get_record(request, selectors.case_records(), pk=pk)
    return service_form_page(
        request,
        form=forms.RectificationForm(request.POST or None, request.FILES or None),
        call=lambda d: services.rectification_add(case=case, user=request.user, **d),
        success=_("遗留问题已登记。"),
        title=_("登记交接遗留问题"),
        back=case,
    )


@staff_view(post="handover.change_rectificationitem", per_record=True)
@require_POST
def rectification_status(request, pk):
    item = get_record(request, RectificationItem.objects.all(), pk=pk)
    try:
        services.rectification_set_status(
            item=item, to_status=request.POST.get("status", ""), user=request.user
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, str(exc) or _("状态无效。"))
    else:
        messages.success(request, _("整改状态已更新。"))
    return redirect(item)
