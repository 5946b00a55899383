"""Application pages (R-REN-1, R-REN-2): list, form, detail, submit, documents, review,
government approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Building
from salesite.views import paginate, projects_with_perm, record_context
from salesite.views_access import get_record, staff_view

from .. import exports, selectors, services
from ..filters import ApplicationFilter
from ..forms import ApplicationForm, GovernmentApprovalForm, ReviewForm
from ..models import (
    PROHIBITIONS,
    ApplicationDocument,
    Decision,
    DepositRefund,
    EntryConfirmation,
    FeePayment,
    RenovationAgreement,
    Status,
)
from .common import FORM_TEMPLATE, _run, _service_form


@staff_view()
def index(request):
    return redirect("renovation:application_list")


# --- applications ----------------------------------------------------------------------


@staff_view()
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
    allowed = projects_with_perm(request.user, request.staff_permission)
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


@staff_view("renovation.add_renovationapplication")
def application_create(request):
    return _application_form(request)


@staff_view("renovation.change_renovationapplication", per_record=True)
def application_edit(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    if not app.is_editable:
        messages.error(request, _("只有草稿或已退回的申请可以修改。"))
        return redirect(app)
    return _application_form(request, app)


@staff_view()
def application_detail(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    user = request.user
    now = timezone.now()
    context = {
        "app": app,
        "now": now,
        "review_overdue": app.status == Status.SUBMITTED
        and app.review_due_at
        and app.review_due_at < now,
        "documents": selectors.documents_with_files(app),
        "government_approvals": app.government_approvals.select_related("recorded_by"),
        "history": app.status_changes.select_related("by"),
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
        "balance": selectors.ledger_balance(app.pk),
        "refund": DepositRefund.objects.filter(application=app)
        .select_related("approved_by", "cashier")
        .first(),
        "refund_due_on": selectors.refund_due_date(app),
        "can_refund": user.has_perm("renovation.add_depositrefund", app),
        "can_approve_refund": user.has_perm("renovation.approve_refund", app),
        "can_pay_refund": user.has_perm("renovation.record_refund", app),
    }


@staff_view(post="renovation.change_renovationapplication", per_record=True)
@require_POST
def application_submit(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    _run(
        request,
        services.application_submit,
        _("装修申请已提交。"),
        application=app,
        user=request.user,
    )
    return redirect(app)


@staff_view(post="renovation.change_renovationapplication", per_record=True)
@require_POST
def document_check(request, pk, doc_pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    document = get_object_or_404(ApplicationDocument, pk=doc_pk, application=app)
    received = request.POST.get("received") == "1"
    services.document_check(document=document, received=received, user=request.user)
    messages.success(
        request,
        (_("已登记收取：%(doc)s") if received else _("已取消收取：%(doc)s"))
        % {"doc": document.get_kind_display()},
    )
    return redirect(app)


# The permission depends on the side reviewed, a URL argument; on the application.
@staff_view(
    {"side": {side: perm for side, (perm, _field) in services.REVIEW_SIDES.items()}},
    per_record=True,
)
def application_review(request, pk, side):
    if side not in services.REVIEW_SIDES:
        raise PermissionDenied
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    return _service_form(
        request,
        app,
        ReviewForm(request.POST or None),
        _("工程部审核") if side == "engineering" else _("客服审核"),
        lambda d: services.application_review(
            application=app,
            side=side,
            approve=d["decision"] == "approve",
            note=d["note"],
            user=request.user,
        ),
        _("审核意见已提交。"),
    )


@staff_view("renovation.record_government_approval", per_record=True)
def government_approval_add(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    return _service_form(
        request,
        app,
        GovernmentApprovalForm(request.POST or None),
        _("登记政府审批"),
        lambda d: services.government_approval_record(application=app, user=request.user, **d),
        _("政府审批已登记。"),
    )
