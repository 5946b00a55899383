"""Views of a batch's rehearsal and emergency plan, and of its venue settings (the secret link
of the venue screen, the wait warning, the public documents) — issue #15 items 4 and 5."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.attachments import attachments_for
from salesite.views import service_form_page
from salesite.views_access import get_record, staff_view

from .. import forms_day
from ..models import DeliveryBatch, EmergencyCheckItem, EmergencyPlan, RehearsalProblem
from ..services import day as day_services
from .day import CHANGE_BATCH, _done


def qr_svg(url: str) -> HttpResponse:
    """A QR code of ``url`` as an SVG image (segno, pure Python)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def self_check_in_url(request, batch) -> str:
    url = reverse("owners:handover_check_in")
    return request.build_absolute_uri(f"{url}?batch={batch.pk}")


@staff_view()
def batch_day_plan(request, pk):
    batch = get_record(request, DeliveryBatch.objects.select_related("project"), pk=pk)
    plan = EmergencyPlan.objects.filter(batch=batch).prefetch_related("items").first()
    context = {
        "batch": batch,
        "rehearsals": batch.rehearsals.prefetch_related("problems").select_related("recorded_by"),
        "plan": plan,
        "can_change": request.user.has_perm(CHANGE_BATCH, batch),
    }
    return render(request, "handover/day/plan.html", context)


@staff_view(CHANGE_BATCH, per_record=True)
def rehearsal_create(request, pk):
    batch = get_record(request, DeliveryBatch.objects.all(), pk=pk)
    return service_form_page(
        request,
        form=forms_day.RehearsalForm(request.POST or None),
        call=lambda d: day_services.rehearsal_record(
            batch=batch,
            held_on=d["held_on"],
            participants=d["participants"],
            note=d["note"],
            problems=d["problems"],
            user=request.user,
        ),
        success=_("交付演练已记录。"),
        title=_("记录交付演练"),
        back=reverse("handover:batch_day_plan", args=[batch.pk]),
    )


@staff_view(CHANGE_BATCH, per_record=True)
def emergency_plan_edit(request, pk):
    batch = get_record(request, DeliveryBatch.objects.all(), pk=pk)
    plan = EmergencyPlan.objects.filter(batch=batch).first()
    initial = {}
    if plan:
        initial = {
            "content": plan.content,
            "items": "\n".join(plan.items.values_list("text", flat=True)),
        }
    return service_form_page(
        request,
        form=forms_day.EmergencyPlanForm(request.POST or None, initial=initial),
        call=lambda d: day_services.emergency_plan_save(
            batch=batch, content=d["content"], items=d["items"]
        ),
        success=_("应急预案已保存。"),
        title=_("应急预案"),
        back=reverse("handover:batch_day_plan", args=[batch.pk]),
    )


@staff_view(CHANGE_BATCH, per_record=True)
@require_POST
def problem_fixed(request, pk):
    problem = get_record(request, RehearsalProblem.objects.select_related("rehearsal"), pk=pk)
    _done(request, lambda: day_services.problem_fixed(problem=problem), _("已标记整改完成。"))
    return redirect("handover:batch_day_plan", pk=problem.rehearsal.batch_id)


@staff_view(CHANGE_BATCH, per_record=True)
@require_POST
def check_item_toggle(request, pk):
    item = get_record(request, EmergencyCheckItem.objects.select_related("plan"), pk=pk)
    _done(request, lambda: day_services.check_item_toggle(item=item), _("检查项已更新。"))
    return redirect("handover:batch_day_plan", pk=item.plan.batch_id)


@staff_view(CHANGE_BATCH, per_record=True)
def venue_settings(request, pk):
    batch = get_record(request, DeliveryBatch.objects.select_related("project"), pk=pk)
    venue = day_services.venue_for(batch)
    form = forms_day.VenueForm(
        request.POST or None,
        attachments=attachments_for(batch).filter(personal=False),
        initial={
            "wait_warning_minutes": venue.wait_warning_minutes,
            "public_attachments": list(venue.public_attachments.all()),
        },
    )
    return service_form_page(
        request,
        form=form,
        call=lambda d: day_services.venue_update(
            batch=batch,
            wait_warning_minutes=d["wait_warning_minutes"],
            public_attachments=d["public_attachments"],
        ),
        success=_("现场设置已保存。"),
        title=_("交付现场设置"),
        back=reverse("handover:venue_settings", args=[batch.pk]),
        template="handover/day/venue_settings.html",
        extra={
            "batch": batch,
            "screen_url": request.build_absolute_uri(
                reverse("venue_screen", args=[venue.screen_token])
            ),
            "check_in_url": self_check_in_url(request, batch),
        },
    )


@staff_view(CHANGE_BATCH, per_record=True)
@require_POST
def venue_rotate(request, pk):
    batch = get_record(request, DeliveryBatch.objects.all(), pk=pk)
    _done(
        request,
        lambda: day_services.venue_rotate(batch=batch),
        _("现场公示链接已更换，旧链接已失效，请在电视上打开新链接。"),
    )
    return redirect("handover:venue_settings", pk=batch.pk)


@staff_view()
def batch_check_in_qr(request, pk):
    """The QR code printed at the door: the owner's self check-in page of the batch."""
    batch = get_record(request, DeliveryBatch.objects.all(), pk=pk)
    return qr_svg(self_check_in_url(request, batch))
