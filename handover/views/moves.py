"""Views of move-in, fee settlement and item release (R-HO-6, R-HO-7)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exports import export_format, export_response
from salesite.views import paginate, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms
from ..models import (
    ItemRelease,
    MoveIn,
    MoveInTenantInfo,
)
from ..services import moves
from .common import PAYMENT, PERFORM, unit_form


@staff_view(PAYMENT)
def fee_status_edit(request):
    return service_form_page(
        request,
        form=unit_form(request, forms.FeeStatusForm, PAYMENT),
        call=lambda d: moves.fee_status_record(
            unit=d["unit"], outstanding=d["outstanding"], user=request.user, note=d["note"]
        ),
        success=_("费用结清情况已登记。"),
        title=_("登记费用结清情况"),
        redirect_to="handover:release_list",
    )


@staff_view()
def movein_list(request):
    qs = (
        permitted_rows(request, MoveIn.objects)
        .select_related("project", "unit__building", "customer", "tenant")
        .annotate(has_tenant_info=Exists(MoveInTenantInfo.objects.filter(move_in=OuterRef("pk"))))
        .order_by("-move_in_date", "-pk")
    )
    if export_format(request):
        return export_response(request, *exports.moveins(qs), _("客户入住"))
    return render(request, "handover/movein_list.html", {"page": paginate(request, qs)})


@staff_view(PERFORM)
def movein_create(request):
    return service_form_page(
        request,
        form=unit_form(
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


@staff_view(post=PAYMENT, per_record=True)
def movein_detail(request, pk):
    move_in = get_record(
        request,
        MoveIn.objects.select_related(
            "project",
            "unit__building",
            "customer",
            "tenant",
            "created_by",
            "billing_marked_by",
            "owner_file_updated_by",
        ),
        pk=pk,
    )
    # The page is open to all who see the move-in; only the billing form needs the cashier.
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
    """The move-in, with the permission its view declared (PERFORM) checked on it."""
    return get_record(
        request,
        MoveIn.objects.select_related("project", "unit__building", "customer", "tenant"),
        pk=pk,
    )


@staff_view(PERFORM, per_record=True)
def movein_tenant_info(request, pk):
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


@staff_view(PERFORM, per_record=True)
def movein_owner_file(request, pk):
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


@staff_view()
def release_list(request):
    qs = (
        permitted_rows(request, ItemRelease.objects)
        .select_related("project", "unit__building", "handled_by")
        .order_by("-released_at")
    )
    if request.GET.get("flagged"):
        qs = qs.filter(flagged=True)
    if export_format(request):
        return export_response(request, *exports.releases(qs, request.user), _("物品放行"))
    return render(request, "handover/release_list.html", {"page": paginate(request, qs)})


@staff_view(PERFORM)
def release_create(request):
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
        form=unit_form(request, forms.ReleaseForm, PERFORM),
        call=issue,
        success=_("放行条已开具，请打印一式二联。"),
        title=_("开具物品放行条"),
        redirect_to=lambda release: release,
    )


@staff_view()
def release_detail(request, pk):
    release = get_record(
        request,
        ItemRelease.objects.select_related("project", "unit__building", "handled_by"),
        pk=pk,
    )
    context = {"release": release, **record_context(request, release)}
    return render(request, "handover/release_detail.html", context)
