"""Owner portal pages of 报事报修 (issue 14): submit a case, my cases, one case's timeline with
the repair card and the company's reply, the owner's confirmation and rating, the case's
photos, and the switch that shares a unit's repairs with its tenants.

Thin: form → service → message → redirect. Every case comes through
``owners.selectors_cases`` (another owner's case, or a tenant's without sharing → 404)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from feedback import services as feedback_services
from salesite.attachment_views import serve_attachment
from salesite.exceptions import DomainError

from . import selectors_cases as sel
from . import sessions
from .forms import OwnerCaseForm, RateForm
from .services.cases import owner_case_submit, set_repair_sharing

LIST_LIMIT = 50


@sessions.owner_view
def case_list(request):
    """我的报事报修: the owner's cases (and a tenant's shared repairs), newest first."""
    owner = request.owner
    cases = list(sel.owner_cases(owner)[:LIST_LIMIT])
    return render(
        request,
        "owners/cases/list.html",
        {
            "cases": cases,
            "can_submit": bool(owner.owned_unit_ids),
            "customer_ids": set(owner.customer_ids),
            "nav": "cases",
        },
    )


@sessions.owner_view
def case_new(request):
    owner = request.owner
    units = list(sel.submit_units(owner))
    if not units:
        messages.info(request, _("只有业主本人可以在线报事报修，租户请联系业主或物业前台。"))
        return redirect("owners:cases")
    form = OwnerCaseForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = owner_case_submit(
                owner=owner,
                unit_id=d["unit"],
                kind=d["kind"],
                content=d["content"],
                location=d["location"],
                preferred_visit_at=d["preferred_visit_at"],
                photos=d["photos"],
            )
        except ValidationError as exc:
            form.add_error("photos", " ".join(exc.messages))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已提交（编号 %(n)s）。前台将在 %(m)s 分钟内派单，请留意进度。")
                % {"n": case.number, "m": case.rule_values.get("dispatch_minutes", 10)},
            )
            return redirect("owners:case_detail", pk=case.pk)
    return render(
        request,
        "owners/cases/new.html",
        {"form": form, "max_bytes": settings.ATTACHMENT_MAX_BYTES, "nav": "cases"},
    )


@sessions.owner_view
def case_detail(request, pk):
    owner = request.owner
    case = sel.get_case_or_404(owner, pk)
    as_tenant = sel.is_tenant_view(owner, case)
    return render(
        request,
        "owners/cases/detail.html",
        {
            "case": case,
            "as_tenant": as_tenant,
            "steps": sel.timeline(case),
            "card": sel.repair_card(case),
            "photos": list(sel.case_photos(case)),
            "may_confirm": not as_tenant and feedback_services.owner_may_confirm(case),
            "may_report": not as_tenant and feedback_services.owner_may_report_not_fixed(case),
            "may_rate": not as_tenant and feedback_services.owner_may_rate(case),
            "rate_form": RateForm(),
            "nav": "cases",
        },
    )


def _own_case(request, pk):
    """A case the owner answers for (a tenant reading a shared repair may not): else 404."""
    case = sel.get_case_or_404(request.owner, pk)
    if sel.is_tenant_view(request.owner, case):
        raise Http404
    return case


@sessions.owner_view
@require_POST
def case_confirm(request, pk):
    """The owner's answer to a repair marked done: fixed, or not fixed (reopens it)."""
    case = _own_case(request, pk)
    fixed = request.POST.get("fixed") == "yes"
    try:
        feedback_services.case_owner_confirm(
            case=case, fixed=fixed, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("感谢确认，欢迎为本次服务评分。")
            if fixed
            else _("已退回重新处理，负责人已收到提醒，会尽快与您联系。"),
        )
    return redirect("owners:case_detail", pk=case.pk)


@sessions.owner_view
@require_POST
def case_rate(request, pk):
    case = _own_case(request, pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("owners:case_detail", pk=case.pk)
    try:
        feedback_services.case_owner_rate(
            case=case, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("感谢您的评价！"))
    return redirect("owners:case_detail", pk=case.pk)


@sessions.owner_view
def case_photo(request, pk, photo_pk):
    """A photo of a case the owner may open (another case's photo → 404)."""
    case = sel.get_case_or_404(request.owner, pk)
    photo = sel.get_photo_or_404(case, photo_pk)
    return serve_attachment(photo)


@sessions.owner_view
@require_POST
def unit_sharing(request, pk):
    """与租户共享报修记录: on or off for one of the owner's units (a tenant's → 404)."""
    share = request.POST.get("share") == "on"
    set_repair_sharing(owner=request.owner, unit_id=pk, share=share)
    messages.success(
        request,
        _("已开启：租户可查看该房屋的报修记录（不含费用和您的个人信息）。")
        if share
        else _("已关闭与租户共享报修记录。"),
    )
    return redirect("owners:unit_detail", pk=pk)
