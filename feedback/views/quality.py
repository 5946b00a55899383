"""Views of the defect report, contractor ranking, patrols (R-FB-11, R-FB-4), referrals and
repeat purchases (R-FB-12)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.views import paginate, projects_with_perm, service_form_page
from salesite.views_access import get_record, staff_view

from .. import exports, selectors, services
from ..forms import (
    PatrolForm,
    ProjectUnitForm,
    PurchaseByUnitForm,
    ReferralForm,
)
from ..models import (
    AmbassadorPatrol,
    DefectCategoryOption,
    Referral,
    RepeatPurchase,
)
from .assessment import quarter_from_request

# --- defect report, contractor ranking, patrols (R-FB-11, R-FB-4) ---------------------------


@staff_view("feedback.view_ambassadorpatrol")
def defect_report(request):
    projects = projects_with_perm(request.user, "feedback.view_ambassadorpatrol")
    form, year, quarter = quarter_from_request(request)
    report = selectors.defect_summary(projects, year=year, quarter=quarter)
    if export_format(request):
        return export_response(request, *exports.defects(report), f"defects-{year}Q{quarter}")
    return render(
        request,
        "feedback/defect_report.html",
        {"form": form, "report": report, "year": year, "quarter": quarter},
    )


@staff_view("feedback.view_ambassadorpatrol")
def defect_list(request):
    """The individual defects behind a count of the report (drill-down), with links."""
    projects = projects_with_perm(request.user, "feedback.view_ambassadorpatrol")
    form, year, quarter = quarter_from_request(request)
    g = request.GET
    project_id = g.get("project", "")
    rows = selectors.defect_drilldown(
        projects,
        year=year,
        quarter=quarter,
        category=g.get("category", ""),
        source=g.get("source", ""),
        project_id=int(project_id) if project_id.isdigit() else None,
        building=g.get("building", ""),
    )
    return render(
        request,
        "feedback/defect_list.html",
        {"form": form, "page": paginate(request, rows), "year": year, "quarter": quarter},
    )


@staff_view("feedback.view_callbacktask")
def contractor_ranking(request):
    projects = projects_with_perm(request.user, "feedback.view_callbacktask")
    form, year, quarter = quarter_from_request(request)
    rows = selectors.contractor_ranking(projects, year=year, quarter=quarter)
    if export_format(request):
        return export_response(request, *exports.contractors(rows), f"contractors-{year}Q{quarter}")
    return render(
        request,
        "feedback/contractor_ranking.html",
        {"form": form, "rows": rows, "year": year, "quarter": quarter},
    )


@staff_view("feedback.view_ambassadorpatrol")
def patrol_list(request):
    qs = (
        AmbassadorPatrol.objects.visible_to(request.user)
        .select_related("project", "building", "ambassador")
        .annotate(category_label=DefectCategoryOption.label_subquery("category"))
        .order_by("-patrolled_on", "-pk")
    )
    if export_format(request):
        return export_response(request, *exports.patrols(qs), _("客户大使巡查"))
    return render(
        request,
        "feedback/patrol_list.html",
        {
            "page": paginate(request, qs),
            "missing": selectors.patrols_missing(request.user)[:50],
            "can_add": bool(projects_with_perm(request.user, "feedback.add_ambassadorpatrol")),
        },
    )


@staff_view("feedback.add_ambassadorpatrol")
def patrol_create(request):
    projects = projects_with_perm(request.user, "feedback.add_ambassadorpatrol")
    return service_form_page(
        request,
        form=PatrolForm(
            request.POST or None, projects=projects, initial={"patrolled_on": timezone.localdate()}
        ),
        call=lambda d: services.patrol_record(user=request.user, **d),
        success=_("巡查发现已记录。"),
        title=_("记录巡查发现"),
        redirect_to="feedback:patrol_list",
    )


# --- referrals and repeat purchases (R-FB-12) -----------------------------------------------


@staff_view("feedback.view_referral")
def loyalty(request):
    projects = projects_with_perm(request.user, "feedback.view_referral")
    referrals = (
        Referral.objects.visible_to(request.user)
        .select_related("project", "referrer", "purchase__unit")
        .order_by("-recorded_at", "-pk")
    )
    repeats = (
        RepeatPurchase.objects.visible_to(request.user)
        .select_related("purchase__customer", "purchase__unit", "project")
        .order_by("-recorded_at", "-pk")
    )
    # ?format=…&table=referrals|repeats exports a table of the page; without table, the rates.
    table = request.GET.get("table")
    if export_format(request) and table == "referrals":
        headers, rows = exports.referrals(referrals, request.user)
        return export_response(request, headers, rows, _("老带新推荐记录"))
    if export_format(request) and table == "repeats":
        return export_response(request, *exports.repeat_purchases(repeats), _("老业主再次购房"))
    form, year, quarter = quarter_from_request(request)
    rates = selectors.loyalty_rates(projects, year=year, quarter=quarter)
    if export_format(request):
        return export_response(request, *exports.loyalty_rates(rates), f"loyalty-{year}Q{quarter}")
    return render(
        request,
        "feedback/loyalty.html",
        {
            "form": form,
            "rates": rates,
            "year": year,
            "quarter": quarter,
            "page": paginate(request, referrals),
            "repeats": repeats[:20],
            "can_add": bool(projects_with_perm(request.user, "feedback.add_referral")),
        },
    )


@staff_view("feedback.add_referral")
def referral_create(request):
    projects = projects_with_perm(request.user, "feedback.add_referral")
    return service_form_page(
        request,
        form=ReferralForm(request.POST or None, projects=projects, user=request.user),
        call=lambda d: services.referral_record(
            project=d["project"],
            referrer=d["referrer_obj"],
            referred_name=d["referred_name"],
            referred_phone=d["referred_phone"],
        ),
        success=_("推荐已登记。"),
        title=_("登记老带新推荐"),
        redirect_to="feedback:loyalty",
    )


@staff_view("feedback.change_referral", per_record=True)
def referral_sign(request, pk):
    # The GET (the form) already requires change_referral on the record.
    referral = get_record(request, Referral.objects.select_related("project", "referrer"), pk=pk)
    form = PurchaseByUnitForm(request.POST or None, project=referral.project)
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("purchase_obj"):
        try:
            referral = services.referral_mark_signed(
                referral=referral, purchase=form.cleaned_data["purchase_obj"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("推荐已成交，推荐人奖励：%(r)s") % {"r": referral.reward or "—"}
            )
            return redirect("feedback:loyalty")
    title = _("推荐成交：%(name)s（推荐人 %(ref)s）") % {
        "name": referral.referred_name,
        "ref": referral.referrer.name,
    }
    return render(request, "salesite/form.html", {"form": form, "title": title})


@staff_view("feedback.add_repeatpurchase")
def repeat_purchase_create(request):
    projects = projects_with_perm(request.user, "feedback.add_repeatpurchase")
    form = ProjectUnitForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("purchase_obj"):
        try:
            repeat = services.repeat_purchase_record(purchase=form.cleaned_data["purchase_obj"])
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("已登记再次购房，奖励：%(r)s") % {"r": repeat.reward or "—"}
            )
            return redirect("feedback:loyalty")
    return render(request, "salesite/form.html", {"form": form, "title": _("登记老业主再次购房")})
