"""Views of marketing events (R-CORE-9)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations.models import (
    EventChecklistItem,
    EventStatus,
    MarketingEvent,
)
from salesite.exports import export_format, export_response
from salesite.views import paginate, projects_with_perm, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view
from salesite.workflow import allowed_next

from .. import exports, forms, services
from ..filters import (
    EventFilter,
)
from .common import FORM, _form_page, _run

# --- marketing events (R-CORE-9) -------------------------------------------------------


@staff_view()
def event_list(request):
    base = (
        permitted_rows(request, MarketingEvent.objects.all())
        .select_related("project")
        .annotate(
            item_count=Count("checklist", distinct=True),
            done_count=Count("checklist", filter=Q(checklist__done=True), distinct=True),
        )
    )
    f = EventFilter(request.GET, queryset=base, request=request)
    events = f.qs.order_by("-starts_at", "-pk")
    if export_format(request):
        return export_response(request, *exports.events(events), _("营销活动"))
    return render(
        request,
        "salesite/ops/event_list.html",
        {
            "filter": f,
            "page": paginate(request, events),
            "can_add": bool(projects_with_perm(request.user, "operations.add_marketingevent")),
        },
    )


@staff_view("operations.add_marketingevent")
def event_create(request):
    projects = projects_with_perm(request.user, request.staff_permission)
    form = forms.EventForm(request.POST or None, projects=projects)

    def create(data):
        data = dict(data)
        staff = data.pop("staff")
        return services.event_create(user=request.user, staff=staff, **data)

    return service_form_page(
        request,
        form=form,
        call=create,
        success=_("活动已创建，并生成了默认准备事项。"),
        title=_("新增营销活动"),
        template=FORM,
        redirect_to=lambda event: event,
    )


# Another company's record is a 404 before the permission's 403 (the permission matrix),
# so the permission is checked on the record, not at the door.
@staff_view("operations.change_marketingevent", per_record=True)
def event_edit(request, pk):
    event = get_record(request, MarketingEvent.objects.all(), pk=pk)
    if event.status == EventStatus.CLOSED:
        messages.error(request, _("活动已关闭，不能修改。"))
        return redirect(event)
    form = forms.EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("活动已保存。"))
        return redirect(event)
    return _form_page(request, form, _("编辑营销活动"), event)


@staff_view()
def event_detail(request, pk):
    event = get_record(
        request, MarketingEvent.objects.select_related("project", "created_by", "closed_by"), pk=pk
    )
    user = request.user
    can_change = user.has_perm("operations.change_marketingevent", event)
    # Forward moves first, then the way back (prepared: 已举办 before 退回计划中).
    order = list(EventStatus.values)
    next_states = [
        EventStatus(s)
        for s in sorted(
            allowed_next(event), key=lambda s: order.index(s) < order.index(event.status)
        )
    ]
    context = {
        "event": event,
        "checklist": event.checklist.select_related("done_by"),
        "staff": event.staff.order_by("name"),
        "history": event.history.select_related("by"),
        "next_states": next_states if can_change else [],
        "can_tick": event.status != EventStatus.CLOSED
        and user.has_perm("operations.change_eventchecklistitem", event),
        "can_add_item": event.status != EventStatus.CLOSED
        and user.has_perm("operations.add_eventchecklistitem", event),
        "can_evaluate": can_change and event.status == EventStatus.HELD,
        **record_context(request, event),
    }
    if context["can_add_item"]:
        context["item_form"] = forms.ChecklistItemForm()
    return render(request, "salesite/ops/event_detail.html", context)


@staff_view()
def event_print(request, pk):
    """The event checklist on paper (活动准备清单), ticked and signed on site. Same access as
    the event's page."""
    event = get_record(
        request, MarketingEvent.objects.select_related("project", "created_by"), pk=pk
    )
    return render(
        request,
        "salesite/ops/print_event.html",
        {
            "event": event,
            "checklist": event.checklist.select_related("done_by"),
            "staff": event.staff.order_by("name", "username"),
            "blank_rows": range(3),
        },
    )


@login_required
@require_POST
@staff_view("operations.change_eventchecklistitem")
def checklist_toggle(request, pk, item_pk):
    event = get_record(request, MarketingEvent.objects.all(), pk=pk)
    item = get_object_or_404(EventChecklistItem, pk=item_pk, event=event)
    done = request.POST.get("done") == "1"
    _run(
        request,
        lambda: services.event_checklist_toggle(item=item, user=request.user, done=done),
        _("已更新准备事项“%(text)s”。") % {"text": item.text},
    )
    return redirect(event)


@login_required
@require_POST
@staff_view("operations.add_eventchecklistitem")
def checklist_add(request, pk):
    event = get_record(request, MarketingEvent.objects.all(), pk=pk)
    if event.status == EventStatus.CLOSED:
        messages.error(request, _("活动已关闭，不能修改准备事项。"))
        return redirect(event)
    form = forms.ChecklistItemForm(request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.event = event
        item.order = 1000
        item.save()
        messages.success(request, _("已添加准备事项。"))
    else:
        messages.error(request, _("请填写准备事项。"))
    return redirect(event)


@login_required
@require_POST
@staff_view("operations.change_marketingevent")
def event_transition(request, pk, to):
    event = get_record(request, MarketingEvent.objects.all(), pk=pk)
    if to not in EventStatus.values:
        raise Http404
    _run(
        request,
        lambda: services.event_transition(event=event, to=to, user=request.user),
        _("活动状态已变为“%(s)s”。") % {"s": EventStatus(to).label},
    )
    return redirect(event)


# Another company's record is a 404 before the permission's 403 (the permission matrix),
# so the permission is checked on the record, not at the door.
@staff_view("operations.change_marketingevent", per_record=True)
def event_outcome(request, pk):
    event = get_record(request, MarketingEvent.objects.all(), pk=pk)
    initial = {
        "visitor_count": event.visitor_count,
        "evaluation": event.evaluation,
        "rating": event.rating,
    }
    form = forms.EventOutcomeForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.event_record_outcome(
                event=event, user=request.user, **form.cleaned_data
            ),
            _("后评估已保存，现在可以关闭活动。"),
        )
    ):
        return redirect(event)
    return _form_page(request, form, _("来访人数与后评估"), event)
