"""Views of feedback cases: the home page, lists, registration, detail and actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Customer
from salesite.querystring import query_pk
from salesite.views import paginate, projects_with_perm, record_context
from salesite.views_access import get_record, staff_view

from .. import exports, selectors, services
from ..filters import CaseFilter
from ..forms import (
    CaseForm,
    DispatchForm,
    NoteForm,
    ReplyForm,
)
from ..forms_repair import ComplaintContractorForm, RepairTeamForm
from ..models import (
    OPEN_CALLBACK_STATUSES,
    CallbackTask,
    Case,
    CaseKind,
    CaseStatus,
    Channel,
)

# --- home ----------------------------------------------------------------------------------


@staff_view()
def index(request):
    counts = selectors.case_status_counts(request.user)
    today = timezone.localdate()
    callbacks = CallbackTask.objects.visible_to(request.user)
    return render(
        request,
        "feedback/index.html",
        {
            "counts": [(s, counts.get(s.value, 0)) for s in CaseStatus if s != CaseStatus.CLOSED],
            "callbacks_due": callbacks.filter(
                status__in=OPEN_CALLBACK_STATUSES, due_date__lte=today
            ).count(),
            "can_add": bool(projects_with_perm(request.user, "feedback.add_case")),
        },
    )


# --- cases ---------------------------------------------------------------------------------


def _case_list(request, queryset, template_title, mine=False):
    f = CaseFilter(request.GET, queryset=queryset, request=request)
    qs = f.qs
    if export_format(request):
        return export_response(request, *exports.cases(qs), "feedback-cases")
    # The page's rows: the columns the list shows (the export above reads every column).
    qs = qs.select_related(None).select_related("customer", "building", "unit").only(*LIST_COLUMNS)
    return render(
        request,
        "feedback/case_list.html",
        {"filter": f, "page": paginate(request, qs), "title": template_title, "mine": mine},
    )


LIST_COLUMNS = (
    "pk",
    "project_id",
    "kind",
    "is_major",
    "channel",
    "subject",
    "customer__name",
    "walk_in_name",
    "contact_phone",
    "building__name",
    "unit__number",
    "status",
    "received_at",
    "dispatch_due",
    "dispatched_at",
    "answer_due",
    "replied_at",
)


@staff_view()
def case_list(request):
    return _case_list(request, selectors.cases_visible(request.user), _("客户反馈事项"))


@staff_view()
def my_cases(request):
    return _case_list(request, selectors.my_cases(request.user), _("我的事项"), mine=True)


@staff_view("feedback.add_case")
def case_create(request):
    projects = projects_with_perm(request.user, "feedback.add_case")
    form = CaseForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_create(
                project=d["project"],
                kind=d["kind"],
                channel=d["channel"],
                complaint_category=d["complaint_category"],
                customer=d["customer_obj"],
                walk_in_name=d["walk_in_name"],
                contact_phone=d["contact_phone"],
                building=d["building"],
                unit=d["unit_obj"],
                area=d["area"],
                subject=d["subject"],
                content=d["content"],
                settled_on_spot=d["settled_on_spot"],
                reply=d["reply"],
                is_major=d["is_major"],
                promised_at=d["promised_at"],
                contractor=d.get("complaint_contractor"),
                user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("事项 %(n)s 已登记。") % {"n": case.number})
            if case.escalated_at:
                messages.warning(request, _("已立即上报物管中心负责人。"))
            return redirect(case)
    selected = None
    if form.is_bound and form.data.get("customer"):
        selected = (
            Customer.objects.visible_to(request.user).filter(pk=form.data.get("customer")).first()
        )
    return render(request, "feedback/case_form.html", {"form": form, "selected": selected})


@staff_view()
def customer_search(request):
    """htmx: the customers of one project matching the typed name, phone or unit number."""
    customers = selectors.customer_search(
        request.user, project_id=query_pk(request.GET.get("project")), q=request.GET.get("q", "")
    )
    return render(request, "feedback/partials/customer_results.html", {"customers": customers})


def _case(request, pk):
    """The case of the URL, under the view's declared permission (``get_record``)."""
    return get_record(
        request,
        Case.objects.select_related(
            "project",
            "customer",
            "building",
            "unit",
            "assignee",
            "department",
            "received_by",
            "contractor",
            "repair_supervisor",
        ),
        pk=pk,
    )


@staff_view()
def case_detail(request, pk):
    case = _case(request, pk)
    now = timezone.now()
    return render(
        request,
        "feedback/case_detail.html",
        {
            "case": case,
            "now": now,
            "events": case.events.select_related("by"),
            "breaches": case.breaches.all(),
            "callbacks": case.callback_tasks.select_related("assigned_to", "rule"),
            "dispatch_form": DispatchForm(case=case),
            "team_form": RepairTeamForm(case=case) if _team_changeable(case) else None,
            "complaint_contractor_form": (
                ComplaintContractorForm(case=case) if case.kind == CaseKind.COMPLAINT else None
            ),
            "reply_form": ReplyForm(),
            "allowed": case.allowed_next(),
            **record_context(request, case),
        },
    )


def _team_changeable(case) -> bool:
    return (
        case.kind == CaseKind.REPAIR
        and case.dispatched_at is not None
        and case.status != CaseStatus.CLOSED
    )


def _warn_untrained(request, case) -> None:
    if case.contractor_untrained:
        messages.warning(
            request,
            _("注意：维修单位“%(c)s”的技术及管理人员尚无岗前培训记录，已在事项上标记。")
            % {"c": case.contractor},
        )


@staff_view(post="feedback.change_case")
@require_POST
def case_action(request, pk, action):
    case = _case(request, pk)
    user = request.user
    try:
        if action == "dispatch":
            form = DispatchForm(request.POST, case=case)
            if not form.is_valid():
                for errors in form.errors.values():
                    for e in errors:
                        messages.error(request, e)
                return redirect(case)
            case = services.case_dispatch(case=case, user=user, **form.cleaned_data)
            msg = _("事项已转派。")
            _warn_untrained(request, case)
        elif action == "team":
            form = RepairTeamForm(request.POST, case=case)
            if not form.is_valid():
                for errors in form.errors.values():
                    for e in errors:
                        messages.error(request, e)
                return redirect(case)
            case = services.case_repair_team_change(case=case, user=user, **form.cleaned_data)
            msg = _("维修单位/监理已更新。")
            _warn_untrained(request, case)
        elif action == "complaint_contractor":
            form = ComplaintContractorForm(request.POST, case=case)
            if not form.is_valid():
                for errors in form.errors.values():
                    for e in errors:
                        messages.error(request, e)
                return redirect(case)
            case = services.case_complaint_contractor_set(case=case, user=user, **form.cleaned_data)
            msg = _("被投诉维修单位已更新。")
        elif action == "start":
            services.case_start(case=case, user=user, note=request.POST.get("note", ""))
            msg = _("事项已开始处理。")
        elif action == "reply":
            form = ReplyForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("请填写答复客户的内容。"))
                return redirect(case)
            services.case_reply(case=case, user=user, **form.cleaned_data)
            msg = _("答复已记录。")
        elif action == "close":
            form = NoteForm(request.POST)
            form.is_valid()
            services.case_close(case=case, user=user, note=form.cleaned_data.get("note", ""))
            msg = _("事项已关闭。")
        elif action == "rectified":
            services.case_rectification_done(case=case, user=user)
            if case.kind == CaseKind.REPAIR:
                msg = (
                    _("已记录维修完成，已请业主在业主端确认并评价。")
                    if case.channel == Channel.OWNER
                    else _("已记录维修完成。")
                )
            else:
                msg = _("已记录整改完成，1周内须完成满意度回访。")
        else:
            raise PermissionDenied
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, msg)
    return redirect(case)
