"""Views of the renovation app: thin — scoped fetch → permission → form → service → message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.exceptions import DomainError
from salesite.models import Building
from salesite.views import paginate, projects_with_perm, record_context

from . import selectors, services
from .filters import ApplicationFilter
from .forms import (
    AgreementForm,
    ApplicationForm,
    EntryConfirmationForm,
    FeePaymentForm,
    GovernmentApprovalForm,
    PermitForm,
    RefundPayForm,
    RefundRequestForm,
    RefundSignForm,
    ReviewForm,
    WorkerPassForm,
)
from .models import (
    PROHIBITIONS,
    ApplicationDocument,
    Decision,
    DepositRefund,
    EntryConfirmation,
    FeePayment,
    RenovationAgreement,
    Status,
)

FORM_TEMPLATE = "salesite/form.html"


def _application(request, pk, perm=None):
    app = access.get_visible_or_404(selectors.application_detail_qs(), request.user, pk=pk)
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
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect(app)
    return render(request, template, {"form": form, "title": title, "back": app, **(extra or {})})


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
