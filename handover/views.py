"""Views of the handover app: thin — scoped fetch → permission → form → service → message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Project
from salesite.querystring import query_pk
from salesite.views import paginate, projects_with_perm, record_context, service_form_page

from . import exports, forms, selectors, services
from .filters import BatchFilter, CaseFilter, NoticeFilter
from .models import (
    DeliveryBatch,
    HandoverStep,
    InspectionDefect,
    InspectionRound,
    ItemRelease,
    Milestone,
    MockInspection,
    MoveIn,
    MoveInTenantInfo,
    OpenDayInvitation,
    ProgressNotice,
    RectificationItem,
    RectificationStatus,
    SiteOpenDay,
    Verification,
)

PERFORM = "handover.perform_handover"
PAYMENT = "handover.record_payment"


@login_required
def index(request):
    from . import notices

    projects = list(selectors.index_projects(request.user)[:50])
    missing = notices.missing_mandatory([p.pk for p in projects])
    for p in projects:
        p.missing_notices = missing[p.pk]
    context = {"projects": projects, "upcoming": selectors.upcoming_milestones(request.user)}
    return render(request, "handover/index.html", context)


# --- batches and milestones ------------------------------------------------------------------


@login_required
def batch_list(request):
    f = BatchFilter(request.GET, queryset=selectors.batches_for(request.user), request=request)
    if export_format(request):
        return export_response(request, *exports.batches(f.qs), _("交付批次"))
    return render(
        request, "handover/batch_list.html", {"filter": f, "page": paginate(request, f.qs)}
    )


@login_required
def batch_create(request):
    projects = projects_with_perm(request.user, "handover.add_deliverybatch")
    if not projects:
        access.require_perm(request.user, "handover.add_deliverybatch")
    project_qs = Project.objects.filter(pk__in=[p.pk for p in projects])
    return service_form_page(
        request,
        form=forms.BatchForm(request.POST or None, projects=project_qs),
        call=lambda d: services.batch_create(
            project=d["project"],
            name=d["name"],
            planned_delivery_date=d["planned_delivery_date"],
            buildings=list(d["buildings"]),
            units=d["units"],
            note=d["note"],
            user=request.user,
        ),
        success=_("交付批次已创建，交付前计划节点已生成。"),
        title=_("新建交付批次"),
        redirect_to=lambda batch: batch,
    )


@login_required
def batch_detail(request, pk):
    batch = access.get_visible_or_404(
        DeliveryBatch.objects.select_related("project", "created_by"), request.user, pk=pk
    )
    context = {
        "batch": batch,
        "milestones": selectors.batch_milestones(batch),
        "counts": selectors.batch_case_counts(batch),
        "today": timezone.localdate(),
        "can_change": request.user.has_perm("handover.change_deliverybatch", batch),
        "can_complete": request.user.has_perm("handover.change_milestone", batch),
        "complete_form": forms.MilestoneCompleteForm(),
        **record_context(request, batch),
    }
    return render(request, "handover/batch_detail.html", context)


@login_required
def batch_change_date(request, pk):
    batch = access.get_visible_or_404(DeliveryBatch.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "handover.change_deliverybatch", batch)
    return service_form_page(
        request,
        form=forms.BatchDateForm(
            request.POST or None, initial={"planned_delivery_date": batch.planned_delivery_date}
        ),
        call=lambda d: services.batch_change_date(
            batch=batch, planned_delivery_date=d["planned_delivery_date"], user=request.user
        ),
        success=_("计划交付日期已变更，未完成的节点已随之调整。"),
        title=_("变更计划交付日期"),
        back=batch,
    )


@login_required
@require_POST
def milestone_complete(request, pk):
    milestone = access.get_visible_or_404(
        Milestone.objects.select_related("batch"), request.user, pk=pk
    )
    access.require_perm(request.user, "handover.change_milestone", milestone)
    form = forms.MilestoneCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写结果说明。"))
    else:
        try:
            services.milestone_complete(
                milestone=milestone,
                user=request.user,
                result_note=form.cleaned_data["result_note"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("节点已完成。"))
    return redirect(milestone.batch)


# --- handover cases --------------------------------------------------------------------------


@login_required
def case_list(request):
    f = CaseFilter(request.GET, queryset=selectors.cases_for(request.user), request=request)
    if export_format(request):
        return export_response(request, *exports.cases(f.qs), _("交接房屋"))
    return render(
        request, "handover/case_list.html", {"filter": f, "page": paginate(request, f.qs)}
    )


def _pick_projects(request):
    projects = projects_with_perm(request.user, PERFORM)
    if not projects:
        access.require_perm(request.user, PERFORM)
    return projects


@login_required
def case_start(request):
    projects = _pick_projects(request)
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


@login_required
def case_not_taken_new(request):
    projects = _pick_projects(request)
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


@login_required
def case_detail(request, pk):
    case = selectors.case_detail(request.user, pk)
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


@login_required
def case_step(request, pk, step):
    case = selectors.case_detail(request.user, pk)
    if step not in STEP_SERVICES:
        from django.http import Http404

        raise Http404
    access.require_perm(request.user, PAYMENT if step == HandoverStep.PAYMENT else PERFORM, case)
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


@login_required
def case_not_taken(request, pk):
    case = selectors.case_detail(request.user, pk)
    access.require_perm(request.user, PERFORM, case)
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


@login_required
@require_POST
def case_resume(request, pk):
    case = selectors.case_detail(request.user, pk)
    access.require_perm(request.user, PERFORM, case)
    try:
        services.case_resume(case=case, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已恢复办理交接。"))
    return redirect(case)


@login_required
def acceptance_edit(request, pk):
    case = selectors.case_detail(request.user, pk)
    access.require_perm(request.user, PERFORM, case)
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


@login_required
def rectification_add(request, pk):
    case = selectors.case_detail(request.user, pk)
    access.require_perm(request.user, PERFORM, case)
    return service_form_page(
        request,
        form=forms.RectificationForm(request.POST or None),
        call=lambda d: services.rectification_add(case=case, user=request.user, **d),
        success=_("遗留问题已登记。"),
        title=_("登记交接遗留问题"),
        back=case,
    )


@login_required
@require_POST
def rectification_status(request, pk):
    item = access.get_visible_or_404(RectificationItem.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "handover.change_rectificationitem", item)
    try:
        services.rectification_set_status(
            item=item, to_status=request.POST.get("status", ""), user=request.user
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, str(exc) or _("状态无效。"))
    else:
        messages.success(request, _("整改状态已更新。"))
    return redirect(item)


# --- reports (R-HO-5) ------------------------------------------------------------------------

REPORT_FIELDS = {
    "summary": ("project", "batch", "status"),
    "daily": ("project", "day"),
    "signoff": ("project", "batch"),
}
REPORT_TITLES = {
    "summary": _lazy("房屋交接汇总报表"),
    "daily": _lazy("交房日报表"),
    "signoff": _lazy("交房文件签收表"),
}


def _report_form(request, kind):
    data = request.GET.copy()
    if not data.get("project"):
        visible = list(Project.objects.visible_to(request.user).values_list("pk", flat=True)[:2])
        if len(visible) == 1:
            data["project"] = visible[0]
    if kind == "daily" and not data.get("day"):
        data["day"] = timezone.localdate().isoformat()
    return forms.ReportFilterForm(data, user=request.user, fields=REPORT_FIELDS[kind])


@login_required
def report_print(request, kind):
    """The report laid out for paper: every row, no paging (the same filters)."""
    return report(request, kind, for_print=True)


@login_required
def report(request, kind, for_print=False):
    from django.http import Http404

    from . import reports

    if kind not in REPORT_FIELDS:
        raise Http404
    form = _report_form(request, kind)
    title = REPORT_TITLES[kind]
    context = {"form": form, "title": title, "kind": kind}
    if not form.is_valid():
        return render(request, "handover/report.html", context)
    d = form.cleaned_data
    project, batch = d["project"], d.get("batch")
    if kind == "summary":
        headers = reports.SUMMARY_HEADERS
        qs = reports.summary_rows(project=project, batch=batch, status=d.get("status", ""))
        to_cells, rows_source = reports.summary_cells, qs
        context["totals"] = reports.summary_totals(project=project, batch=batch)
    elif kind == "signoff":
        headers = reports.SIGNOFF_HEADERS
        rows_source, to_cells = (
            reports.signoff_rows(project=project, batch=batch),
            reports.signoff_cells,
        )
    else:
        headers = reports.DAILY_HEADERS
        daily = reports.daily_report(project=project, day=d["day"])
        context["totals"] = daily["totals"]
        rows_source, to_cells = reports.daily_cells(daily), (lambda row: row)
    filename = f"{title}-{project.code}"
    if export_format(request):
        return export_response(
            request, [str(h) for h in headers], (to_cells(r) for r in rows_source), filename
        )
    context.update({"project": project, "batch": batch, "headers": headers, "day": d.get("day")})
    if for_print:
        context["rows"] = [to_cells(r) for r in rows_source]
        return render(request, "handover/report_print.html", context)
    page = paginate(request, rows_source, per_page=50)
    context.update({"page": page, "rows": [to_cells(r) for r in page]})
    return render(request, "handover/report.html", context)


# --- progress notices and site open days (R-HO-3) --------------------------------------------

NOTICE_SEND = "handover.send_progressnotice"


def _projects_qs(request, perm):
    projects = projects_with_perm(request.user, perm)
    if not projects:
        access.require_perm(request.user, perm)
    return Project.objects.filter(pk__in=[p.pk for p in projects]).order_by("name")


@login_required
def notice_list(request):
    from . import notices

    f = NoticeFilter(
        request.GET,
        queryset=ProgressNotice.objects.visible_to(request.user)
        .select_related("project", "sent_by")
        .order_by("-created_at"),
        request=request,
    )
    if export_format(request):
        return export_response(request, *exports.notices(f.qs), _("工程进展通报"))
    projects = list(Project.objects.visible_to(request.user).order_by("name")[:50])
    missing = notices.missing_mandatory([p.pk for p in projects])
    context = {
        "filter": f,
        "page": paginate(request, f.qs),
        "checklists": [(p, missing[p.pk]) for p in projects],
    }
    return render(request, "handover/notice_list.html", context)


@login_required
def notice_create(request):
    from . import notices

    projects = _projects_qs(request, "handover.add_progressnotice")
    return service_form_page(
        request,
        form=forms.NoticeForm(request.POST or None, projects=projects),
        call=lambda d: notices.notice_create(user=request.user, **d),
        success=_("通报已保存，请核对后发送。"),
        title=_("新建通报"),
        redirect_to=lambda notice: notice,
    )


@login_required
def notice_detail(request, pk):
    notice = access.get_visible_or_404(
        ProgressNotice.objects.select_related("project", "sent_by"), request.user, pk=pk
    )
    recipients = notice.recipients.select_related("customer").order_by("pk")
    if export_format(request):
        headers, rows = exports.notice_recipients(notice, recipients, request.user)
        return export_response(request, headers, rows, _("通报接收记录"))
    context = {
        "notice": notice,
        "page": paginate(request, recipients),
        "can_send": request.user.has_perm(NOTICE_SEND, notice),
        **record_context(request, notice),
    }
    return render(request, "handover/notice_detail.html", context)


@login_required
@require_POST
def notice_send(request, pk):
    from . import notices

    notice = access.get_visible_or_404(ProgressNotice.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, NOTICE_SEND, notice)
    try:
        count = notices.notice_send(notice=notice, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("通报已发送给 %(n)s 位业主。") % {"n": count})
    return redirect(notice)


@login_required
def openday_list(request):
    days = (
        SiteOpenDay.objects.visible_to(request.user)
        .select_related("project")
        .annotate(
            invited=Count("invitations", distinct=True),
            attended=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
        )
        .order_by("-held_on")
    )
    if export_format(request):
        return export_response(request, *exports.opendays(days), _("工地开放日"))
    return render(request, "handover/openday_list.html", {"page": paginate(request, days)})


@login_required
def openday_create(request):
    projects = _projects_qs(request, "handover.add_siteopenday")
    form = forms.OpenDayForm(request.POST or None, projects=projects)
    return service_form_page(
        request,
        form=form,
        call=lambda d: form.save(),
        success=_("工地开放日已创建。"),
        title=_("新建工地开放日"),
        redirect_to=lambda day: day,
    )


@login_required
def openday_detail(request, pk):
    day = access.get_visible_or_404(
        SiteOpenDay.objects.select_related("project"), request.user, pk=pk
    )
    invitations = day.invitations.select_related("customer").order_by("pk")
    if export_format(request):
        headers, rows = exports.invitations(day, invitations, request.user)
        return export_response(request, headers, rows, _("工地开放日邀请"))
    context = {
        "day": day,
        "page": paginate(request, invitations),
        "can_invite": request.user.has_perm(NOTICE_SEND, day),
        "can_record": request.user.has_perm("handover.change_opendayinvitation", day),
        **record_context(request, day),
    }
    return render(request, "handover/openday_detail.html", context)


@login_required
@require_POST
def openday_invite(request, pk):
    from . import notices

    day = access.get_visible_or_404(SiteOpenDay.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, NOTICE_SEND, day)
    count = notices.openday_invite(open_day=day, user=request.user)
    messages.success(request, _("已邀请 %(n)s 位业主。") % {"n": count})
    return redirect(day)


@login_required
@require_POST
def invitation_record(request, pk):
    from . import notices

    inv = access.get_visible_or_404(OpenDayInvitation.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "handover.change_opendayinvitation", inv)
    form = forms.InvitationForm(request.POST)
    if form.is_valid():
        try:
            notices.invitation_record(invitation=inv, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已登记到场与意见。"))
    return redirect(inv)


# --- move-in, fee settlement, item release (R-HO-6, R-HO-7) ----------------------------------


def _unit_form(request, form_class, perm, **kwargs):
    projects = _pick_projects(request) if perm == PERFORM else _projects_qs(request, perm)
    return form_class(
        request.POST or None,
        buildings=selectors.visible_buildings(request.user, projects),
        **kwargs,
    )


@login_required
def fee_status_edit(request):
    from . import moves

    return service_form_page(
        request,
        form=_unit_form(request, forms.FeeStatusForm, PAYMENT),
        call=lambda d: moves.fee_status_record(
            unit=d["unit"], outstanding=d["outstanding"], user=request.user, note=d["note"]
        ),
        success=_("费用结清情况已登记。"),
        title=_("登记费用结清情况"),
        redirect_to="handover:release_list",
    )


@login_required
def movein_list(request):
    qs = (
        MoveIn.objects.visible_to(request.user)
        .select_related("project", "unit__building", "customer", "tenant")
        .annotate(has_tenant_info=Exists(MoveInTenantInfo.objects.filter(move_in=OuterRef("pk"))))
        .order_by("-move_in_date", "-pk")
    )
    if export_format(request):
        return export_response(request, *exports.moveins(qs), _("客户入住"))
    return render(request, "handover/movein_list.html", {"page": paginate(request, qs)})


@login_required
def movein_create(request):
    from . import moves

    return service_form_page(
        request,
        form=_unit_form(
            request, forms.MoveInForm, PERFORM, initial={"move_in_date": timezone.localdate()}
        ),
        call=lambda d: moves.movein_register(
            unit=d["unit"],
            user=request.user,
            occupant_kind=d["occupant_kind"],
            tenant=d["tenant"],
            move_in_date=d["move_in_date"],
            identity_checked=d["identity_checked"],
            congratulated=d["congratulated"],
            service_info_given=d["service_info_given"],
        ),
        success=_("入住已登记，入住知会单已发给各部门。"),
        title=_("客户入住登记"),
        redirect_to=lambda move_in: move_in,
    )


@login_required
def movein_detail(request, pk):
    from . import moves

    move_in = access.get_visible_or_404(
        MoveIn.objects.select_related(
            "project",
            "unit__building",
            "customer",
            "tenant",
            "created_by",
            "billing_marked_by",
            "owner_file_updated_by",
        ),
        request.user,
        pk=pk,
    )
    # The page is open to all who see the move-in; only the billing form needs the cashier.
    if request.method == "POST":
        access.require_perm(request.user, PAYMENT, move_in)
    return service_form_page(
        request,
        form=forms.BillingStartForm(
            request.POST or None, initial={"billing_start": move_in.move_in_date}
        ),
        call=lambda d: moves.movein_set_billing_start(
            move_in=move_in, billing_start=d["billing_start"], user=request.user
        ),
        success=_("开始计费日期已登记。"),
        title=_("客户入住"),
        back=move_in,
        template="handover/movein_detail.html",
        extra=lambda: {
            "move_in": move_in,
            "can_bill": request.user.has_perm(PAYMENT, move_in),
            "can_perform": request.user.has_perm(PERFORM, move_in),
            "tenant_info": MoveInTenantInfo.objects.filter(move_in=move_in)
            .select_related("recorded_by")
            .first(),
            **record_context(request, move_in),
        },
    )


def _movein_for_change(request, pk):
    move_in = access.get_visible_or_404(
        MoveIn.objects.select_related("project", "unit__building", "customer", "tenant"),
        request.user,
        pk=pk,
    )
    access.require_perm(request.user, PERFORM, move_in)
    return move_in


@login_required
def movein_tenant_info(request, pk):
    from . import moves

    move_in = _movein_for_change(request, pk)
    initial = {"occupants": 1}
    tenant = move_in.tenant
    if tenant is not None:
        initial.update(
            name=tenant.name,
            phone=tenant.phone,
            id_type=tenant.id_type,
            id_number=tenant.id_number,
            lease_start=tenant.lease_start,
            lease_end=tenant.lease_end,
        )
    info = MoveInTenantInfo.objects.filter(move_in=move_in).first()
    if info is not None:
        initial.update(
            emergency_contact=info.emergency_contact,
            emergency_phone=info.emergency_phone,
            occupants=info.occupants,
            vehicle_plate=info.vehicle_plate,
        )
    return service_form_page(
        request,
        form=forms.TenantInfoForm(request.POST or None, initial=initial),
        call=lambda d: moves.movein_tenant_info_record(move_in=move_in, user=request.user, **d),
        success=_("租户信息登记表已保存，租户资料已更新。"),
        title=_("租户信息登记表"),
        back=move_in,
    )


@login_required
def movein_owner_file(request, pk):
    from . import moves

    move_in = _movein_for_change(request, pk)
    customer = move_in.customer
    initial = {}
    if customer is not None:
        initial = {
            "phone": customer.phone,
            "emergency_contact": customer.emergency_contact,
            "emergency_phone": customer.emergency_phone,
        }
    return service_form_page(
        request,
        form=forms.OwnerFileForm(request.POST or None, initial=initial),
        call=lambda d: moves.movein_owner_file_update(move_in=move_in, user=request.user, **d),
        success=_("业主档案已更新。"),
        title=_("入住更新业主档案"),
        back=move_in,
    )


@login_required
def release_list(request):
    qs = (
        ItemRelease.objects.visible_to(request.user)
        .select_related("project", "unit__building", "handled_by")
        .order_by("-released_at")
    )
    if request.GET.get("flagged"):
        qs = qs.filter(flagged=True)
    if export_format(request):
        return export_response(request, *exports.releases(qs, request.user), _("物品放行"))
    return render(request, "handover/release_list.html", {"page": paginate(request, qs)})


@login_required
def release_create(request):
    from . import moves

    def issue(d):
        release = moves.release_create(
            unit=d["unit"],
            user=request.user,
            carrier_kind=d["carrier_kind"],
            carrier_name=d["carrier_name"],
            carrier_phone=d["carrier_phone"],
            items=d["items_text"],
            reason=d["reason"],
            owner_reachable={"yes": True, "no": False}.get(d["owner_reachable"]),
            confirmed_at=d["confirmed_at"],
            confirmation_answer=d["confirmation_answer"],
            owner_agreed=d["owner_agreed"],
            company_head_name=d["company_head_name"],
            company_head_phone=d["company_head_phone"],
        )
        # Shown before the success message, as the issuing clerk should read it first.
        if release.flagged:
            messages.warning(request, _("该房屋 30 天内放行次数较多，请留意。"))
        return release

    return service_form_page(
        request,
        form=_unit_form(request, forms.ReleaseForm, PERFORM),
        call=issue,
        success=_("放行条已开具，请打印一式二联。"),
        title=_("开具物品放行条"),
        redirect_to=lambda release: release,
    )


@login_required
def release_detail(request, pk):
    release = access.get_visible_or_404(
        ItemRelease.objects.select_related("project", "unit__building", "handled_by"),
        request.user,
        pk=pk,
    )
    context = {"release": release, **record_context(request, release)}
    return render(request, "handover/release_detail.html", context)


# --- mock inspections (R-HO-2) ---------------------------------------------------------------

INSPECT = "handover.change_mockinspection"


@login_required
def inspection_list(request):
    qs = (
        MockInspection.objects.visible_to(request.user)
        .select_related("project", "batch", "unit__building", "inspector")
        .annotate(defect_count=Count("defects", distinct=True))
        .order_by("-inspected_on", "-pk")
    )
    batch_id = query_pk(request.GET.get("batch"))
    if batch_id:
        qs = qs.filter(batch_id=batch_id)
    if request.GET.get("round") in ("1", "2"):
        qs = qs.filter(round=request.GET["round"])
    if export_format(request):
        return export_response(request, *exports.inspections(qs), _("模拟验收"))
    return render(request, "handover/inspection_list.html", {"page": paginate(request, qs)})


@login_required
def inspection_create(request):
    from . import inspections

    projects = _projects_qs(request, "handover.add_mockinspection")
    batches = DeliveryBatch.objects.filter(project__in=projects).select_related("project")
    return service_form_page(
        request,
        form=forms.InspectionStartForm(
            request.POST or None,
            batches=batches,
            buildings=selectors.visible_buildings(request.user, projects),
            initial={"inspected_on": timezone.localdate(), "batch": request.GET.get("batch")},
        ),
        call=lambda d: inspections.inspection_start(
            batch=d["batch"],
            unit=d["unit"],
            round=d["round"],
            user=request.user,
            inspected_on=d["inspected_on"],
        ),
        success=_("模拟验收已开始。"),
        title=_("模拟验收"),
        redirect_to=lambda inspection: inspection,
    )


def _photos_by_defect(defects):
    from django.contrib.contenttypes.models import ContentType

    from salesite.models import Attachment

    ids = [d.pk for d in defects]
    photos: dict[int, list] = {}
    if ids:
        ct = ContentType.objects.get_for_model(InspectionDefect)
        for a in Attachment.objects.filter(content_type=ct, object_id__in=ids).order_by("pk"):
            photos.setdefault(a.object_id, []).append(a)
    for d in defects:
        d.photos = photos.get(d.pk, [])
    return defects


@login_required
def inspection_detail(request, pk):
    from . import inspections

    inspection = access.get_visible_or_404(
        MockInspection.objects.select_related("project", "batch", "unit__building", "inspector"),
        request.user,
        pk=pk,
    )
    # The page is open to all who see the inspection; only adding a defect needs INSPECT.
    if request.method == "POST":
        access.require_perm(request.user, INSPECT, inspection)

    def page_context():
        first = []
        if inspection.round == InspectionRound.SECOND:
            first = _photos_by_defect(
                list(inspections.first_round_defects(inspection).select_related("inspection"))
            )
        return {
            "inspection": inspection,
            "defects": _photos_by_defect(list(inspection.defects.all())),
            "first_defects": first,
            "can_inspect": request.user.has_perm(INSPECT, inspection),
            "verifications": Verification.choices,
            **record_context(request, inspection),
        }

    return service_form_page(
        request,
        form=forms.DefectForm(request.POST or None, request.FILES or None),
        call=lambda d: inspections.defect_add(inspection=inspection, user=request.user, **d),
        success=_("问题已登记。"),
        title=_("模拟验收"),
        back=inspection,
        template="handover/inspection_detail.html",
        extra=page_context,
    )


@login_required
@require_POST
def defect_verify(request, pk, defect_pk):
    from . import inspections

    inspection = access.get_visible_or_404(MockInspection.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, INSPECT, inspection)
    defect = access.get_visible_or_404(InspectionDefect.objects.all(), request.user, pk=defect_pk)
    try:
        inspections.defect_verify(
            second=inspection,
            defect=defect,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", "")[:200],
            user=request.user,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("复验结果已记录。"))
    return redirect(inspection)


@login_required
@require_POST
def inspection_complete(request, pk):
    from . import inspections

    inspection = access.get_visible_or_404(MockInspection.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, INSPECT, inspection)
    try:
        inspections.inspection_complete(inspection=inspection, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("模拟验收已完成。"))
    return redirect(inspection)
