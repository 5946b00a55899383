"""Views of the renovation app: thin — scoped fetch → permission → form → service → message."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Building, Project
from salesite.querystring import query_date, query_pk
from salesite.views import paginate, projects_with_perm, record_context, service_form_page

from . import exports, selectors, services
from .filters import ApplicationFilter, ViolationFilter
from .forms import (
    AgreedDateForm,
    AgreementForm,
    ApplicationForm,
    AttendeeForm,
    CallForm,
    EntryConfirmationForm,
    FeePaymentForm,
    FineForm,
    GovernmentApprovalForm,
    HotWorkForm,
    InspectionForm,
    LectureForm,
    MaterialRefusalForm,
    PatrolForm,
    PermitForm,
    RecheckForm,
    RefundPayForm,
    RefundRequestForm,
    RefundSignForm,
    ReviewForm,
    ViolationForm,
    ViolationSignForm,
    WorkerPassForm,
)
from .models import (
    PATROL_PERMS,
    PROHIBITIONS,
    ApplicationDocument,
    CompletionInspection,
    Decision,
    DepositRefund,
    EntryConfirmation,
    FeePayment,
    Fine,
    HotWorkPermit,
    LectureAttendee,
    PatrolKind,
    PatrolRecord,
    RenovationAgreement,
    RenovationLecture,
    Status,
    Violation,
)

FORM_TEMPLATE = "salesite/form.html"


def _application(request, pk, perm=None):
    app = access.get_visible_or_404(selectors.application_detail_qs(), request.user, pk=pk)
    access.require_view(request.user, app)
    if perm:
        access.require_perm(request.user, perm, app)
    return app


def _run(request, fn, success, **kwargs) -> bool:
    """Call a service; show its domain error or the success message."""
    try:
        fn(**kwargs)
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


@login_required
def index(request):
    return redirect("renovation:application_list")


# --- applications ----------------------------------------------------------------------


@login_required
def application_list(request):
    f = ApplicationFilter(
        request.GET, queryset=selectors.applications_for(request.user), request=request
    )
    qs = f.qs.order_by("-created_at", "-pk")
    if export_format(request):
        return export_response(request, *exports.applications(qs), _("装修申请"))
    return render(
        request,
        "renovation/application_list.html",
        {"filter": f, "page": paginate(request, qs), "now": timezone.now()},
    )


def _application_form(request, app=None):
    perm = (
        "renovation.change_renovationapplication" if app else "renovation.add_renovationapplication"
    )
    allowed = projects_with_perm(request.user, perm)
    if not allowed:
        raise PermissionDenied
    buildings = Building.objects.filter(project__in=allowed).select_related("project")
    form = ApplicationForm(request.POST or None, instance=app, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        for name in ("owner_name", "owner_phone", "is_key_premises"):
            setattr(instance, name, form.cleaned_data[name])
        try:
            app = services.application_save(application=instance, user=request.user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("装修申请 %(n)s 已保存。") % {"n": app.number})
            return redirect(app)
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "title": _("编辑装修申请") if app else _("新建装修申请"), "back": app},
    )


@login_required
def application_create(request):
    return _application_form(request)


@login_required
def application_edit(request, pk):
    app = _application(request, pk, "renovation.change_renovationapplication")
    if not app.is_editable:
        messages.error(request, _("只有草稿或已退回的申请可以修改。"))
        return redirect(app)
    return _application_form(request, app)


@login_required
def application_detail(request, pk):
    app = _application(request, pk)
    user = request.user
    now = timezone.now()
    context = {
        "app": app,
        "now": now,
        "review_overdue": app.status == Status.SUBMITTED
        and app.review_due_at
        and app.review_due_at < now,
        "documents": app.documents.select_related("checked_by"),
        "government_approvals": app.government_approvals.select_related("recorded_by"),
        "history": app.status_changes.select_related("changed_by"),
        "can_review_engineering": user.has_perm("renovation.review_engineering", app),
        "can_review_cs": user.has_perm("renovation.review_customer_service", app),
        "can_record_government": user.has_perm("renovation.record_government_approval", app),
        "Status": Status,
        "Decision": Decision,
        "guidance": services.GOVERNMENT_GUIDANCE,
        **record_context(request, app),
    }
    context.update(_detail_extra(request, app))
    return render(request, "renovation/application_detail.html", context)


def _detail_extra(request, app) -> dict:
    """The sections of the later workflow steps (agreement, fees, permit, passes, entry)."""
    user = request.user
    agreement = RenovationAgreement.objects.filter(application=app).first()
    payment = FeePayment.objects.filter(application=app).select_related("cashier").first()
    return {
        "agreement": agreement,
        "payment": payment,
        "charges": payment.charges.all() if payment else [],
        "passes": app.worker_passes.all(),
        "entry_confirmation": EntryConfirmation.objects.filter(application=app)
        .select_related("confirmed_by")
        .first(),
        "prohibitions": PROHIBITIONS,
        "patrols": app.patrols.select_related("patrolled_by")[:15],
        "missed_patrols": app.missed_patrols.all()[:15],
        "violations": app.violations.all(),
        "inspections": app.inspections.select_related("inspected_by"),
        "can_complete": user.has_perm("renovation.add_completioninspection", app),
        "can_inspect": user.has_perm("renovation.inspect_completion", app),
        "hot_work_permits": app.hot_work_permits.select_related("decided_by"),
        "material_refusals": app.material_refusals.select_related("refused_by"),
        "can_violation": user.has_perm("renovation.add_violation", app),
        "can_hot_work": user.has_perm("renovation.add_hotworkpermit", app),
        "can_approve_hot_work": user.has_perm("renovation.approve_hot_work", app),
        "can_refuse_material": user.has_perm("renovation.add_materialrefusal", app),
        "can_sign": user.has_perm("renovation.add_renovationagreement", app),
        "can_collect": user.has_perm("renovation.collect_fees", app),
        "can_permit": user.has_perm("renovation.issue_permit", app),
        "can_pass": user.has_perm("renovation.add_workerpass", app),
        "can_entry": user.has_perm("renovation.add_entryconfirmation", app),
        **_ledger_context(request, app),
    }


def _ledger_context(request, app) -> dict:
    user = request.user
    return {
        "ledger": app.ledger_entries.select_related("created_by"),
        "balance": services.ledger_balance(app.pk),
        "refund": DepositRefund.objects.filter(application=app)
        .select_related("approved_by", "cashier")
        .first(),
        "refund_due_on": services.refund_due_date(app),
        "can_refund": user.has_perm("renovation.add_depositrefund", app),
        "can_approve_refund": user.has_perm("renovation.approve_refund", app),
        "can_pay_refund": user.has_perm("renovation.record_refund", app),
    }


@login_required
@require_POST
def application_submit(request, pk):
    app = _application(request, pk, "renovation.change_renovationapplication")
    _run(
        request,
        services.application_submit,
        _("装修申请已提交。"),
        application=app,
        user=request.user,
    )
    return redirect(app)


@login_required
@require_POST
def document_check(request, pk, doc_pk):
    app = _application(request, pk, "renovation.change_renovationapplication")
    document = get_object_or_404(ApplicationDocument, pk=doc_pk, application=app)
    received = request.POST.get("received") == "1"
    services.document_check(document=document, received=received, user=request.user)
    messages.success(
        request,
        (_("已登记收取：%(doc)s") if received else _("已取消收取：%(doc)s"))
        % {"doc": document.get_kind_display()},
    )
    return redirect(app)


@login_required
def application_review(request, pk, side):
    if side not in services.REVIEW_SIDES:
        raise PermissionDenied
    app = _application(request, pk, services.REVIEW_SIDES[side][0])
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_review(
                application=app,
                side=side,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("审核意见已提交。"))
            return redirect(app)
    title = _("工程部审核") if side == "engineering" else _("客服审核")
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, "back": app})


@login_required
def government_approval_add(request, pk):
    app = _application(request, pk, "renovation.record_government_approval")
    form = GovernmentApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.government_approval_record(
                application=app, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("政府审批已登记。"))
            return redirect(app)
    return render(request, FORM_TEMPLATE, {"form": form, "title": _("登记政府审批"), "back": app})


# --- agreement, fees, permit, passes, entry (R-REN-3 … R-REN-5) -------------------------


def _service_form(request, app, form, title, call, success, template=FORM_TEMPLATE, extra=None):
    """A form page whose valid POST calls one service; domain errors go on the form."""
    return service_form_page(
        request,
        form=form,
        call=call,
        success=success,
        title=title,
        back=app,
        template=template,
        extra=extra,
    )


@login_required
def agreement_sign(request, pk):
    app = _application(request, pk, "renovation.add_renovationagreement")
    form = AgreementForm(
        request.POST or None,
        application=app,
        initial={"signed_on": timezone.localdate(), "signer_name": app.owner_name},
    )
    return _service_form(
        request,
        app,
        form,
        _("签署装修管理协议"),
        lambda d: services.agreement_sign(
            application=app,
            signed_by=d["signed_by"],
            signer_name=d["signer_name"],
            signed_on=d["signed_on"],
            owner_confirmed_approval=d["owner_confirmed_approval"],
            acknowledgements={name: d[name] for name, _label in PROHIBITIONS},
            user=request.user,
        ),
        _("装修管理协议已签署。"),
    )


@login_required
def fee_payment(request, pk):
    app = _application(request, pk, "renovation.collect_fees")
    raw = request.POST.get("worker_pass_count") or request.GET.get("worker_pass_count") or 0
    try:
        count = min(max(0, int(raw)), 200)
    except ValueError:
        count = 0
    form = FeePaymentForm(request.POST or None, initial={"worker_pass_count": count})
    lines = services.fees_compute(application=app, worker_pass_count=count)
    return _service_form(
        request,
        app,
        form,
        _("收取装修费用"),
        lambda d: services.fees_record_payment(
            application=app,
            worker_pass_count=d["worker_pass_count"],
            receipt_number=d["receipt_number"],
            user=request.user,
        ),
        _("装修费用已收取，收据已登记。"),
        template="renovation/fee_payment.html",
        extra={"lines": lines, "total": sum(line["amount"] for line in lines), "app": app},
    )


@login_required
def permit_issue(request, pk):
    app = _application(request, pk, "renovation.issue_permit")
    form = PermitForm(request.POST or None, initial={"valid_until": app.planned_end})
    return _service_form(
        request,
        app,
        form,
        _("发放施工进场证"),
        lambda d: services.permit_issue(
            application=app, valid_until=d["valid_until"], user=request.user
        ),
        _("施工进场证已发放，装修进入施工阶段。"),
    )


@login_required
def worker_pass_add(request, pk):
    app = _application(request, pk, "renovation.add_workerpass")
    form = WorkerPassForm(
        request.POST or None,
        initial={"valid_from": timezone.localdate(), "valid_until": app.permit_valid_until},
    )
    return _service_form(
        request,
        app,
        form,
        _("办理工人出入证"),
        lambda d: services.worker_pass_add(application=app, user=request.user, **d),
        _("工人出入证已登记。"),
    )


@login_required
def entry_confirm(request, pk):
    app = _application(request, pk, "renovation.add_entryconfirmation")
    form = EntryConfirmationForm(
        request.POST or None, initial={"confirmed_on": timezone.localdate()}
    )
    return _service_form(
        request,
        app,
        form,
        _("入场确认表"),
        lambda d: services.entry_confirm(application=app, user=request.user, **d),
        _("入场确认已登记。"),
    )


@login_required
@require_POST
def entry_notice(request, pk):
    app = _application(request, pk, "renovation.issue_permit")
    _run(
        request,
        services.entry_notice_send,
        _("装修入场知会单已发送给各部门。"),
        application=app,
        user=request.user,
    )
    return redirect(app)


@login_required
def permit_print(request, pk):
    app = _application(request, pk)
    if not app.permit_number:
        raise Http404
    return render(request, "renovation/print_permit.html", {"app": app})


@login_required
def passes_print(request, pk):
    app = _application(request, pk)
    return render(
        request, "renovation/print_passes.html", {"app": app, "passes": app.worker_passes.all()}
    )


# --- deposit refund (R-REN-8) ----------------------------------------------------------


@login_required
def refund_request(request, pk):
    app = _application(request, pk, "renovation.add_depositrefund")
    form = RefundRequestForm(request.POST or None, initial={"unpaid_fees": 0})
    return _service_form(
        request,
        app,
        form,
        _("申请退还装修押金"),
        lambda d: services.refund_request(application=app, user=request.user, **d),
        _("押金退还申请已登记。"),
    )


@login_required
def refund_sign(request, pk):
    app = _application(request, pk, "renovation.change_depositrefund")
    refund = get_object_or_404(DepositRefund, application=app)
    form = RefundSignForm(request.POST or None, instance=refund)
    return _service_form(
        request,
        app,
        form,
        _("三方退款验收签字"),
        lambda d: services.refund_sign(application=app, user=request.user, **d),
        _("签字情况已保存。"),
    )


@login_required
@require_POST
def refund_approve(request, pk):
    app = _application(request, pk, "renovation.approve_refund")
    _run(
        request,
        services.refund_approve,
        _("押金退还已审批。"),
        application=app,
        user=request.user,
    )
    return redirect(app)


@login_required
def refund_pay(request, pk):
    app = _application(request, pk, "renovation.record_refund")
    form = RefundPayForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("押金退款"),
        lambda d: services.refund_pay(application=app, user=request.user, **d),
        _("押金已退还，备忘表已记录。"),
    )


@login_required
@require_POST
def application_close(request, pk):
    app = _application(request, pk, "renovation.change_renovationapplication")
    _run(request, services.application_close, _("已结案。"), application=app, user=request.user)
    return redirect(app)


@login_required
def refund_memo_print(request, pk):
    app = _application(request, pk)
    refund = get_object_or_404(
        DepositRefund.objects.select_related("approved_by", "cashier"), application=app
    )
    return render(
        request,
        "renovation/print_refund_memo.html",
        {"app": app, "refund": refund, "ledger": app.ledger_entries.all()},
    )


# --- daily patrols (R-REN-6) -----------------------------------------------------------


def _visible_projects(user):
    return list(Project.objects.visible_to(user).order_by("name"))


def _pick_project(request, projects):
    raw = request.GET.get("project")
    for p in projects:
        if str(p.pk) == raw:
            return p
    if raw:
        raise Http404
    return projects[0] if projects else None


def _pick_day(request):
    return query_date(request.GET.get("date")) or timezone.localdate()


@login_required
def patrol_today(request):
    """Today's patrols of a project: every active renovation × kind, done or missing."""
    projects = _visible_projects(request.user)
    project = _pick_project(request, projects)
    day = _pick_day(request)
    page = rows = None
    if project is not None:
        page = paginate(request, selectors.active_applications(request.user, project))
        rows = selectors.patrol_board(page.object_list, day)
    allowed = {
        kind
        for kind, perm in PATROL_PERMS.items()
        if project and request.user.has_perm(perm, project)
    }
    return render(
        request,
        "renovation/patrol_today.html",
        {
            "projects": projects,
            "project": project,
            "day": day,
            "is_today": day == timezone.localdate(),
            "page": page,
            "rows": rows,
            "allowed": allowed,
        },
    )


@login_required
def patrol_add(request, pk, kind):
    if kind not in PATROL_PERMS:
        raise Http404
    app = _application(request, pk, PATROL_PERMS[kind])
    form = PatrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.patrol_record(
                application=app, kind=kind, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("巡查已登记，可上传现场照片。"))
            return redirect(record)
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "title": f"{PatrolKind(kind).label} · {app.unit}", "back": app},
    )


@login_required
def patrol_detail(request, pk):
    record = access.get_visible_or_404(
        PatrolRecord.objects.select_related(
            "application__unit__building", "patrolled_by", "project"
        ),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "renovation/patrol_detail.html",
        {"record": record, "app": record.application, **record_context(request, record)},
    )


# --- violations, fines, hot work, refused materials (R-REN-6) --------------------------


def _violation(request, pk, perm=None):
    v = access.get_visible_or_404(
        Violation.objects.select_related(
            "application__unit__building",
            "project",
            "found_by",
            "warned_by",
            "rechecked_by",
            "patrol",
        ),
        request.user,
        pk=pk,
    )
    access.require_view(request.user, v)
    if perm:
        access.require_perm(request.user, perm, v)
    return v


@login_required
def violation_add(request, pk):
    app = _application(request, pk, "renovation.add_violation")
    patrol = None
    if request.GET.get("patrol"):
        patrol_pk = query_pk(request.GET["patrol"])
        if patrol_pk is None:
            raise Http404
        patrol = get_object_or_404(PatrolRecord, pk=patrol_pk, application=app)
    form = ViolationForm(
        request.POST or None,
        initial={"description": patrol.findings if patrol else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            v = services.violation_record(
                application=app, patrol=patrol, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("违章已登记。"))
            return redirect(v)
    return render(request, FORM_TEMPLATE, {"form": form, "title": _("登记违章"), "back": app})


@login_required
def violation_list(request):
    f = ViolationFilter(
        request.GET, queryset=selectors.violations_for(request.user), request=request
    )
    if export_format(request):
        return export_response(request, *exports.violations(f.qs), _("装修违章"))
    return render(
        request,
        "renovation/violation_list.html",
        {"filter": f, "page": paginate(request, f.qs)},
    )


@login_required
def violation_detail(request, pk):
    v = _violation(request, pk)
    user = request.user
    can_change = user.has_perm("renovation.change_violation", v)
    context = {
        "v": v,
        "app": v.application,
        "fines": v.fines.select_related("proposed_by", "decided_by"),
        "can_fine": user.has_perm("renovation.add_fine", v),
        "can_approve_fine": user.has_perm("renovation.approve_fine", v),
        "can_edit": can_change,
        "call_form": CallForm(),
        "sign_form": ViolationSignForm(),
        "recheck_form": RecheckForm(),
        "fine_form": FineForm(),
        "balance": services.ledger_balance(v.application_id),
        **record_context(request, v),
    }
    return render(request, "renovation/violation_detail.html", context)


def _post_form(request, form, call, success, back):
    """POST-only step of a record page: validate, call the service, message, redirect."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(back)


@login_required
@require_POST
def violation_call(request, pk, party):
    if party not in ("owner", "contractor"):
        raise Http404
    v = _violation(request, pk, "renovation.change_violation")
    return _post_form(
        request,
        CallForm(request.POST),
        lambda d: services.violation_call(violation=v, party=party, user=request.user, **d),
        _("已记录通知业主的电话。") if party == "owner" else _("已记录通知装修单位的电话。"),
        v,
    )


@login_required
@require_POST
def violation_sign(request, pk):
    v = _violation(request, pk, "renovation.change_violation")
    return _post_form(
        request,
        ViolationSignForm(request.POST),
        lambda d: services.violation_sign(violation=v, user=request.user, **d),
        _("整改通知书已由双方签收。"),
        v,
    )


@login_required
@require_POST
def violation_recheck(request, pk):
    v = _violation(request, pk, "renovation.change_violation")
    return _post_form(
        request,
        RecheckForm(request.POST),
        lambda d: services.violation_recheck(violation=v, user=request.user, **d),
        _("复查已登记。"),
        v,
    )


@login_required
def violation_notice_print(request, pk):
    v = _violation(request, pk)
    if v.severity != Violation.Severity.SERIOUS:
        raise Http404
    copies = [_("业主联"), _("装修单位联"), _("存档联")]
    return render(request, "renovation/print_violation_notice.html", {"v": v, "copies": copies})


@login_required
@require_POST
def fine_propose(request, pk):
    v = _violation(request, pk, "renovation.add_fine")
    return _post_form(
        request,
        FineForm(request.POST),
        lambda d: services.fine_propose(violation=v, user=request.user, **d),
        _("违约金已提交，待项目经理审批。"),
        v,
    )


@login_required
@require_POST
def fine_decide(request, pk):
    fine = access.get_visible_or_404(
        Fine.objects.select_related("violation", "application"), request.user, pk=pk
    )
    access.require_perm(request.user, "renovation.approve_fine", fine)
    approve = request.POST.get("approve") == "1"
    _run(
        request,
        services.fine_decide,
        _("违约金已批准并从押金中扣除。") if approve else _("违约金未批准。"),
        fine=fine,
        approve=approve,
        note=request.POST.get("note", "")[:200],
        user=request.user,
    )
    return redirect(fine.violation)


@login_required
def hot_work_add(request, pk):
    app = _application(request, pk, "renovation.add_hotworkpermit")
    form = HotWorkForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("动火审批申请"),
        lambda d: services.hot_work_request(application=app, user=request.user, **d),
        _("动火申请已登记，待工程部或安管负责人审批。"),
    )


@login_required
@require_POST
def hot_work_decide(request, pk):
    permit = access.get_visible_or_404(HotWorkPermit.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "renovation.approve_hot_work", permit)
    approve = request.POST.get("approve") == "1"
    _run(
        request,
        services.hot_work_decide,
        _("动火已批准。") if approve else _("动火未批准。"),
        permit=permit,
        approve=approve,
        note=request.POST.get("note", "")[:200],
        user=request.user,
    )
    return redirect(permit)


@login_required
def material_refusal_add(request, pk):
    app = _application(request, pk, "renovation.add_materialrefusal")
    form = MaterialRefusalForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("违禁材料拒入登记"),
        lambda d: services.material_refuse(application=app, user=request.user, **d),
        _("拒入记录已登记。"),
    )


# --- completion (R-REN-7) --------------------------------------------------------------


@login_required
def completion_apply(request, pk):
    app = _application(request, pk, "renovation.add_completioninspection")
    form = AgreedDateForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("申请竣工验收"),
        lambda d: services.completion_apply(application=app, user=request.user, **d),
        _("竣工验收申请已登记，已通知工程部和保安部。"),
    )


@login_required
def reinspection_schedule(request, pk):
    app = _application(request, pk, "renovation.add_completioninspection")
    form = AgreedDateForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("预约复验"),
        lambda d: services.reinspection_schedule(application=app, user=request.user, **d),
        _("复验已预约。"),
    )


@login_required
def inspection_record(request, pk):
    inspection = access.get_visible_or_404(
        CompletionInspection.objects.select_related("application"), request.user, pk=pk
    )
    access.require_perm(request.user, "renovation.inspect_completion", inspection)
    app = inspection.application
    form = InspectionForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("竣工验收（第 %(n)s 次）") % {"n": inspection.round},
        lambda d: services.completion_inspect(inspection=inspection, user=request.user, **d),
        _("验收结果已登记。"),
    )


# --- pipeline and register (R-REN-10) --------------------------------------------------


@login_required
def pipeline(request):
    """Counts of the renovation pipeline, each linking to the list behind it."""
    projects = _visible_projects(request.user)
    project = None
    if request.GET.get("project"):
        project = _pick_project(request, projects)
    counts = selectors.pipeline_counts(request.user, project)
    scope = f"project={project.pk}&" if project else ""
    apps_url = reverse("renovation:application_list")
    cards = [
        (
            _("审核中"),
            counts["in_review"],
            f"{apps_url}?{scope}status=submitted&status=waiting_government",
            "primary",
        ),
        (_("审核超时"), counts["overdue"], f"{apps_url}?{scope}overdue=true", "danger"),
        (
            _("待政府审批"),
            counts["waiting_government"],
            f"{apps_url}?{scope}status=waiting_government",
            "warning",
        ),
        (_("施工中"), counts["active"], f"{apps_url}?{scope}status=permitted", "success"),
        (
            _("未结违章"),
            counts["open_violations"],
            f"{reverse('renovation:violation_list')}?{scope}open=true",
            "danger",
        ),
        (
            _("竣工验收中"),
            counts["completion"],
            f"{apps_url}?{scope}status=completion_applied&status=rectification",
            "info",
        ),
        (
            _("押金到期待退"),
            counts["refunds_due"],
            f"{apps_url}?{scope}refund_due=true",
            "secondary",
        ),
    ]
    return render(
        request,
        "renovation/pipeline.html",
        {"cards": cards, "projects": projects, "project": project},
    )


def _cell(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return value


@login_required
def register(request):
    """装修办理报表: filtered, paginated, exportable to Excel/CSV."""
    f = ApplicationFilter(
        request.GET, queryset=selectors.applications_for(request.user), request=request
    )
    ordered = f.qs.order_by("-created_at", "-pk")
    if export_format(request):
        return export_response(request, *exports.applications(ordered), _("装修办理报表"))
    qs = selectors.register_rows(ordered)
    page = paginate(request, qs)
    return render(
        request,
        "renovation/register.html",
        {
            "filter": f,
            "page": page,
            "headers": [str(h) for h in selectors.REGISTER_HEADERS],
            "rows": [
                (a, [_cell(v) for v in selectors.register_values(a)]) for a in page.object_list
            ],
        },
    )


# --- renovation lectures (R-REN-9) -----------------------------------------------------


@login_required
def lecture_list(request):
    projects = _visible_projects(request.user)
    qs = selectors.lectures_for(request.user)
    project = None
    if request.GET.get("project"):
        project = _pick_project(request, projects)
        qs = qs.filter(project=project)
    if export_format(request):
        return export_response(request, *exports.lectures(qs), _("装修讲座"))
    can_add = bool(projects_with_perm(request.user, "renovation.add_renovationlecture"))
    return render(
        request,
        "renovation/lecture_list.html",
        {
            "page": paginate(request, qs),
            "projects": projects,
            "project": project,
            "can_add": can_add,
        },
    )


@login_required
def lecture_create(request):
    allowed = projects_with_perm(request.user, "renovation.add_renovationlecture")
    if not allowed:
        raise PermissionDenied
    form = LectureForm(
        request.POST or None, projects=allowed, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        lecture = services.lecture_save(lecture=form.save(commit=False), user=request.user)
        messages.success(request, _("装修讲座已登记，请登记参加业主。"))
        return redirect(lecture)
    return render(request, FORM_TEMPLATE, {"form": form, "title": _("登记装修讲座"), "back": None})


def _lecture(request, pk, perm=None):
    lecture = access.get_visible_or_404(
        RenovationLecture.objects.select_related("project", "created_by"), request.user, pk=pk
    )
    if perm:
        access.require_perm(request.user, perm, lecture)
    return lecture


@login_required
def lecture_detail(request, pk):
    lecture = _lecture(request, pk)
    form = AttendeeForm(request.POST or None, project=lecture.project)
    if request.method == "POST":
        access.require_perm(request.user, "renovation.change_renovationlecture", lecture)
        if form.is_valid():
            try:
                n = services.lecture_attendees_add(
                    lecture=lecture,
                    unit=form.cleaned_data["unit"],
                    name=form.cleaned_data["name"],
                    user=request.user,
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已登记 %(n)s 位参加业主。") % {"n": n})
                return redirect(lecture)
    attendees = lecture.attendees.select_related("unit__building", "customer")
    return render(
        request,
        "renovation/lecture_detail.html",
        {
            "lecture": lecture,
            "attendees": attendees,
            "form": form,
            "can_edit": request.user.has_perm("renovation.change_renovationlecture", lecture),
            **record_context(request, lecture),
        },
    )


@login_required
@require_POST
def lecture_attendee_remove(request, pk, attendee_pk):
    lecture = _lecture(request, pk, "renovation.change_renovationlecture")
    attendee = get_object_or_404(LectureAttendee, pk=attendee_pk, lecture=lecture)
    services.lecture_attendee_remove(attendee=attendee, user=request.user)
    messages.success(request, _("已移除：%(n)s") % {"n": attendee.name})
    return redirect(lecture)
