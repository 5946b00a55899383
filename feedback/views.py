"""Views of the feedback app: thin — scoped fetch → permission → form → service → message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Customer
from salesite.views import paginate, projects_with_perm, record_context

from . import selectors, services
from .filters import CallbackFilter, CaseFilter
from .forms import CallbackOutcomeForm, CaseForm, DispatchForm, NoteForm, ReplyForm
from .models import CallbackTask, Case, CaseStatus, Question, StepAction

# --- home ----------------------------------------------------------------------------------


@login_required
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
                status__in=["pending", "not_reached"], due_date__lte=today
            ).count(),
            "can_add": bool(projects_with_perm(request.user, "feedback.add_case")),
        },
    )


# --- cases ---------------------------------------------------------------------------------

CASE_EXPORT_HEADERS = [
    "编号",
    "项目",
    "类型",
    "状态",
    "受理时间",
    "客户",
    "楼栋",
    "房号",
    "事由",
    "责任人",
    "转派期限",
    "答复期限",
    "超时",
]


def _case_rows(qs):
    for c in qs.iterator(chunk_size=1000):
        yield [
            c.number,
            c.project.name,
            c.get_kind_display(),
            c.get_status_display(),
            timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
            c.customer_label,
            c.building.name if c.building_id else "",
            c.unit.number if c.unit_id else "",
            c.subject,
            c.responsible_person,
            timezone.localtime(c.dispatch_due).strftime("%Y-%m-%d %H:%M") if c.dispatch_due else "",
            timezone.localtime(c.answer_due).strftime("%Y-%m-%d %H:%M") if c.answer_due else "",
            "是" if c.breached else "",
        ]


def _case_list(request, queryset, template_title, mine=False):
    f = CaseFilter(request.GET, queryset=queryset, request=request)
    qs = f.qs
    if export_format(request):
        return export_response(request, CASE_EXPORT_HEADERS, _case_rows(qs), "feedback-cases")
    return render(
        request,
        "feedback/case_list.html",
        {"filter": f, "page": paginate(request, qs), "title": template_title, "mine": mine},
    )


@login_required
def case_list(request):
    return _case_list(request, selectors.cases_visible(request.user), _("客户反馈事项"))


@login_required
def my_cases(request):
    return _case_list(request, selectors.my_cases(request.user), _("我的事项"), mine=True)


@login_required
def case_create(request):
    projects = projects_with_perm(request.user, "feedback.add_case")
    if not projects:
        raise PermissionDenied
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


@login_required
def customer_search(request):
    """htmx: the customers of one project matching the typed name, phone or unit number."""
    customers = selectors.customer_search(
        request.user, project_id=request.GET.get("project"), q=request.GET.get("q", "")
    )
    return render(request, "feedback/partials/customer_results.html", {"customers": customers})


def _case_or_404(request, pk):
    return access.get_visible_or_404(
        Case.objects.select_related(
            "project", "customer", "building", "unit", "assignee", "department", "received_by"
        ),
        request.user,
        pk=pk,
    )


@login_required
def case_detail(request, pk):
    case = _case_or_404(request, pk)
    access.require_perm(request.user, "feedback.view_case", case)
    now = timezone.now()
    return render(
        request,
        "feedback/case_detail.html",
        {
            "case": case,
            "now": now,
            "events": case.events.select_related("by"),
            "breaches": case.breaches.all(),
            "callbacks": case.callback_tasks.select_related("assigned_to"),
            "dispatch_form": DispatchForm(case=case),
            "reply_form": ReplyForm(),
            "allowed": [s.value for s in case.allowed_next()],
            **record_context(request, case),
        },
    )


@login_required
@require_POST
def case_action(request, pk, action):
    case = _case_or_404(request, pk)
    access.require_perm(request.user, "feedback.change_case", case)
    user = request.user
    try:
        if action == "dispatch":
            form = DispatchForm(request.POST, case=case)
            if not form.is_valid():
                for errors in form.errors.values():
                    for e in errors:
                        messages.error(request, e)
                return redirect(case)
            services.case_dispatch(case=case, user=user, **form.cleaned_data)
            msg = _("事项已转派。")
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
            msg = _("已记录整改完成，1周内须完成满意度回访。")
        else:
            raise PermissionDenied
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, msg)
    return redirect(case)


# --- callbacks -----------------------------------------------------------------------------

CALLBACK_EXPORT_HEADERS = ["项目", "回访类型", "客户", "期限", "回访人", "状态", "次数", "得分"]


@login_required
def callback_list(request):
    qs = selectors.callbacks_visible(request.user)
    f = CallbackFilter(request.GET, queryset=qs, request=request)
    if export_format(request):
        rows = (
            [
                t.project.name,
                t.get_rule_display(),
                t.customer.name,
                t.due_date,
                str(t.assigned_to or ""),
                t.get_status_display(),
                t.attempts,
                t.score or "",
            ]
            for t in f.qs.iterator(chunk_size=1000)
        )
        return export_response(request, CALLBACK_EXPORT_HEADERS, rows, "feedback-callbacks")
    return render(
        request,
        "feedback/callback_list.html",
        {"filter": f, "page": paginate(request, f.qs), "today": timezone.localdate()},
    )


@login_required
def callback_detail(request, pk):
    task = access.get_visible_or_404(
        CallbackTask.objects.select_related("project", "customer", "assigned_to", "case"),
        request.user,
        pk=pk,
    )
    access.require_perm(request.user, "feedback.view_callbacktask", task)
    questions = services.questions_for(task.rule)
    form = CallbackOutcomeForm(request.POST or None, questions=questions)
    if request.method == "POST":
        access.require_perm(request.user, "feedback.change_callbacktask", task)
        if form.is_valid():
            try:
                task = services.callback_record_outcome(
                    task=task,
                    reached=form.cleaned_data["reached"],
                    answers=form.answers(),
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("回访结果已保存。"))
                if task.dissatisfied:
                    messages.warning(request, _("客户有不满意项，已生成跟进投诉事项。"))
                return redirect(task)
    answers = [
        (q.text, task.answers.get(str(q.pk), "")) for q in questions if str(q.pk) in task.answers
    ]
    return render(
        request,
        "feedback/callback_detail.html",
        {
            "task": task,
            "form": form,
            "answers": answers,
            "attempts": task.attempt_rows.select_related("by"),
            "follow_ups": task.follow_up_cases.all(),
            "question_kinds": Question.Kind,
            **record_context(request, task),
        },
    )


# --- 6+2 steps: a customer's timeline (R-FB-9) ----------------------------------------------


@login_required
def customer_timeline(request, pk):
    customer = access.get_visible_or_404(
        Customer.objects.select_related("project"), request.user, pk=pk
    )
    access.require_perm(request.user, "feedback.view_customersteprecord", customer)
    records = {r.action_id: r for r in customer.step_records.select_related("action").order_by()}
    steps = []
    for action in StepAction.objects.filter(per_project=False).order_by("order"):
        if not steps or steps[-1][0] != action.get_step_display():
            steps.append((action.get_step_display(), []))
        steps[-1][1].append((action, records.get(action.pk)))
    events = [(r.done_on, _("6+2"), str(r.action), "") for r in records.values()]
    events += [
        (
            timezone.localtime(c.received_at).date(),
            c.get_kind_display(),
            c.subject,
            c.get_absolute_url(),
        )
        for c in customer.cases.all()
    ]
    events += [
        (
            t.due_date,
            _("回访"),
            f"{t.get_rule_display()} · {t.get_status_display()}",
            t.get_absolute_url(),
        )
        for t in customer.callback_tasks.all()
    ]
    events += [
        (h.handover_date, _("交房"), str(h.unit_id), "") for h in customer.handover_facts.all()
    ]
    events.sort(key=lambda e: e[0], reverse=True)
    return render(
        request,
        "feedback/customer_timeline.html",
        {"customer": customer, "steps": steps, "events": events},
    )
