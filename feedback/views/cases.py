"""Views of the feedback app: thin — scoped fetch → permission → form → service → message."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Customer
from salesite.querystring import query_pk
from salesite.views import paginate, projects_with_perm, record_context

from . import exports, selectors, services
from .filters import CallbackFilter, CaseFilter
from .forms import (
    AssessmentA1Form,
    AttendeeForm,
    CallbackOutcomeForm,
    CaseForm,
    ClubEventForm,
    DispatchForm,
    NoteForm,
    PatrolForm,
    ProjectUnitForm,
    PurchaseByUnitForm,
    QuarterForm,
    ReferralForm,
    ReplyForm,
    WarrantyItemForm,
    WarrantyReportForm,
)
from .models import (
    AmbassadorPatrol,
    CallbackTask,
    Case,
    CaseStatus,
    ClubEvent,
    Question,
    Referral,
    RepeatPurchase,
    StepAction,
    WarrantyItem,
    quarter_of,
)

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
        request.user, project_id=query_pk(request.GET.get("project")), q=request.GET.get("q", "")
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
    access.require_view(request.user, case)
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
    access.require_view(request.user, task)
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


# --- quarterly 6+2 assessment (R-FB-10) -----------------------------------------------------

ASSESSMENT_EXPORT_HEADERS = [
    "排名",
    "项目",
    "A1 感知指标",
    "A2 过程指标",
    "回访及时率",
    "事项按时率",
    "进度告知率",
    "A3 客户评价",
    "总分",
]


def _quarter_from_request(request):
    year, quarter = quarter_of(timezone.localdate())
    form = QuarterForm(request.GET or None, initial={"year": year, "quarter": quarter})
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    elif form.is_bound:
        form = QuarterForm(initial={"year": year, "quarter": quarter})
    return form, year, quarter


@login_required
def assessment(request):
    projects = projects_with_perm(request.user, "feedback.view_quarterlyassessment")
    if not projects:
        raise PermissionDenied
    form, year, quarter = _quarter_from_request(request)
    rows = selectors.assessment_ranking(projects, year=year, quarter=quarter)
    if export_format(request):
        data = (
            [
                r["rank"] or "",
                r["project"].name,
                r["a1"],
                r["a2"],
                r["callbacks_on_time"],
                r["cases_on_time"],
                r["notices_sent"],
                r["a3"],
                r["total"],
            ]
            for r in rows
        )
        return export_response(
            request, ASSESSMENT_EXPORT_HEADERS, data, f"assessment-{year}Q{quarter}"
        )
    return render(
        request,
        "feedback/assessment.html",
        {
            "form": form,
            "rows": rows,
            "year": year,
            "quarter": quarter,
            "can_enter": bool(projects_with_perm(request.user, "feedback.add_quarterlyassessment")),
        },
    )


@login_required
def assessment_enter(request):
    projects = projects_with_perm(request.user, "feedback.add_quarterlyassessment")
    if not projects:
        raise PermissionDenied
    year, quarter = quarter_of(timezone.localdate())
    initial = {"year": year, "quarter": quarter, **request.GET.dict()}
    form = AssessmentA1Form(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.assessment_record_a1(
                project=d["project"],
                year=d["year"],
                quarter=d["quarter"],
                site_check_score=d["site_check_score"],
                mystery_visit_score=d["mystery_visit_score"],
                note=d["note"],
                user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("感知指标 A1 已保存。"))
            return redirect(
                f"{reverse('feedback:assessment')}?year={d['year']}&quarter={d['quarter']}"
            )
    return render(
        request,
        "salesite/form.html",
        {"form": form, "title": _("录入6+2季度考核感知指标（A1）")},
    )


# --- warranty ledger (R-FB-7) ---------------------------------------------------------------

WARRANTY_REPORT_HEADERS = [
    "项目",
    "部位/系统",
    "责任单位",
    "保修到期",
    "楼栋",
    "房号",
    "业主",
    "问题",
    "反映日期",
    "状态",
    "答复期限",
]


@login_required
def warranty_list(request):
    qs = selectors.warranty_items_visible(request.user)
    project = query_pk(request.GET.get("project"))
    if project:
        qs = qs.filter(project_id=project)
    if request.GET.get("expiring") == "true":
        today = timezone.localdate()
        qs = qs.filter(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=62))
    if export_format(request):
        return export_response(request, *exports.warranty_items(qs), _("工程保修期限台帐"))
    return render(
        request,
        "feedback/warranty_list.html",
        {
            "page": paginate(request, qs),
            "projects": projects_with_perm(request.user, "feedback.view_warrantyitem"),
            "can_add": bool(projects_with_perm(request.user, "feedback.add_warrantyitem")),
            "today": timezone.localdate(),
        },
    )


@login_required
def warranty_create(request):
    projects = projects_with_perm(request.user, "feedback.add_warrantyitem")
    if not projects:
        raise PermissionDenied
    form = WarrantyItemForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.warranty_item_create(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("保修台帐已添加。"))
            return redirect(item)
    return render(request, "salesite/form.html", {"form": form, "title": _("新增保修台帐")})


@login_required
def warranty_detail(request, pk):
    item = access.get_visible_or_404(
        WarrantyItem.objects.select_related("project", "building"), request.user, pk=pk
    )
    access.require_view(request.user, item)
    reports = item.reports.select_related("customer", "unit__building")
    if export_format(request):
        rows = (
            [
                item.project.name,
                item.name,
                item.responsible_unit,
                item.ends_on,
                r.unit.building.name if r.unit_id else "",
                r.unit.number if r.unit_id else "",
                r.customer.name if r.customer_id else "",
                r.description,
                r.reported_on,
                r.get_status_display(),
                r.response_due,
            ]
            for r in reports
        )
        return export_response(request, WARRANTY_REPORT_HEADERS, rows, f"warranty-{item.pk}")
    form = WarrantyReportForm(request.POST or None, project=item.project)
    if request.method == "POST":
        access.require_perm(request.user, "feedback.add_warrantyreport", item)
        try:
            if request.POST.get("action") == "send":
                access.require_perm(request.user, "feedback.change_warrantyitem", item)
                n = services.warranty_reports_send(item=item)
                messages.success(request, _("已将 %(n)s 条问题转交责任单位。") % {"n": n})
                return redirect(item)
            if form.is_valid():
                services.warranty_report_add(
                    item=item,
                    description=form.cleaned_data["description"],
                    unit=form.cleaned_data["unit_obj"],
                    customer=form.cleaned_data["customer_obj"],
                    user=request.user,
                )
                messages.success(request, _("问题已记录。"))
                return redirect(item)
        except DomainError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "feedback/warranty_detail.html",
        {
            "item": item,
            "reports": reports,
            "form": form,
            "notice_count": item.notices.count(),
            "today": timezone.localdate(),
            **record_context(request, item),
        },
    )


# --- club events (R-FB-8) -------------------------------------------------------------------


@login_required
def club_event_list(request):
    events = selectors.club_events_visible(request.user)
    if export_format(request):
        return export_response(request, *exports.club_events(events), _("客户俱乐部活动"))
    return render(
        request,
        "feedback/club_event_list.html",
        {
            "page": paginate(request, events),
            "can_add": bool(projects_with_perm(request.user, "feedback.add_clubevent")),
        },
    )


@login_required
def club_event_create(request):
    projects = projects_with_perm(request.user, "feedback.add_clubevent")
    if not projects:
        raise PermissionDenied
    form = ClubEventForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        event = services.club_event_create(**form.cleaned_data)
        messages.success(request, _("活动已创建。"))
        return redirect(event)
    return render(request, "salesite/form.html", {"form": form, "title": _("新建俱乐部活动")})


@login_required
def club_event_detail(request, pk):
    event = access.get_visible_or_404(
        ClubEvent.objects.select_related("project"), request.user, pk=pk
    )
    access.require_view(request.user, event)
    form = AttendeeForm(request.POST or None, project=event.project)
    if request.method == "POST":
        access.require_perm(request.user, "feedback.add_clubeventattendee", event)
        try:
            attendee_pk = request.POST.get("attended")
            if attendee_pk:
                attendee = get_object_or_404(event.attendees, pk=attendee_pk)
                services.club_event_mark_attended(attendee=attendee)
                messages.success(request, _("已签到。"))
                return redirect(event)
            if form.is_valid():
                services.club_event_register(
                    event=event, customer=form.cleaned_data["customer_obj"]
                )
                messages.success(request, _("报名成功。"))
                return redirect(event)
        except DomainError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "feedback/club_event_detail.html",
        {
            "event": event,
            "attendees": event.attendees.select_related("customer"),
            "form": form,
            **record_context(request, event),
        },
    )


# --- defect report, contractor ranking, patrols (R-FB-11, R-FB-4) ---------------------------


def _projects_or_403(user, perm):
    projects = projects_with_perm(user, perm)
    if not projects:
        raise PermissionDenied
    return projects


@login_required
def defect_report(request):
    projects = _projects_or_403(request.user, "feedback.view_ambassadorpatrol")
    form, year, quarter = _quarter_from_request(request)
    rows = selectors.defect_report(projects, year=year, quarter=quarter)
    if export_format(request):
        data = (
            [r["category"].label, r["complaints"], r["callbacks"], r["patrols"], r["total"]]
            for r in rows
        )
        headers = ["类别", "投诉", "回访不满意", "巡查发现", "合计"]
        return export_response(request, headers, data, f"defects-{year}Q{quarter}")
    return render(
        request,
        "feedback/defect_report.html",
        {"form": form, "rows": rows, "year": year, "quarter": quarter},
    )


@login_required
def contractor_ranking(request):
    projects = _projects_or_403(request.user, "feedback.view_callbacktask")
    form, year, quarter = _quarter_from_request(request)
    rows = selectors.contractor_ranking(projects, year=year, quarter=quarter)
    if export_format(request):
        data = (
            [r["rank"], r["contractor"], r["mean"], r["count"], r["dissatisfied"]] for r in rows
        )
        headers = ["排名", "维修单位", "平均满意度(1–5)", "回访数", "不满意数"]
        return export_response(request, headers, data, f"contractors-{year}Q{quarter}")
    return render(
        request,
        "feedback/contractor_ranking.html",
        {"form": form, "rows": rows, "year": year, "quarter": quarter},
    )


@login_required
def patrol_list(request):
    qs = (
        AmbassadorPatrol.objects.visible_to(request.user)
        .select_related("project", "building", "ambassador")
        .order_by("-patrolled_on", "-pk")
    )
    if not projects_with_perm(request.user, "feedback.view_ambassadorpatrol"):
        raise PermissionDenied
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


@login_required
def patrol_create(request):
    projects = _projects_or_403(request.user, "feedback.add_ambassadorpatrol")
    form = PatrolForm(
        request.POST or None, projects=projects, initial={"patrolled_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.patrol_record(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("巡查发现已记录。"))
            return redirect("feedback:patrol_list")
    return render(request, "salesite/form.html", {"form": form, "title": _("记录巡查发现")})


# --- referrals and repeat purchases (R-FB-12) -----------------------------------------------


@login_required
def loyalty(request):
    projects = _projects_or_403(request.user, "feedback.view_referral")
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
    form, year, quarter = _quarter_from_request(request)
    rates = selectors.loyalty_rates(projects, year=year, quarter=quarter)
    if export_format(request):
        data = (
            [
                r["project"].name,
                r["signed"],
                r["referred"],
                r["referral_rate"],
                r["repeat"],
                r["repeat_rate"],
            ]
            for r in rates
        )
        headers = ["项目", "签约套数", "推荐成交", "推荐成交率(%)", "再次购房", "复购率(%)"]
        return export_response(request, headers, data, f"loyalty-{year}Q{quarter}")
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


@login_required
def referral_create(request):
    projects = _projects_or_403(request.user, "feedback.add_referral")
    form = ReferralForm(request.POST or None, projects=projects, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.referral_record(
                project=d["project"],
                referrer=d["referrer_obj"],
                referred_name=d["referred_name"],
                referred_phone=d["referred_phone"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("推荐已登记。"))
            return redirect("feedback:loyalty")
    return render(request, "salesite/form.html", {"form": form, "title": _("登记老带新推荐")})


@login_required
def referral_sign(request, pk):
    referral = access.get_visible_or_404(
        Referral.objects.select_related("project", "referrer"), request.user, pk=pk
    )
    access.require_perm(request.user, "feedback.change_referral", referral)
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


@login_required
def repeat_purchase_create(request):
    projects = _projects_or_403(request.user, "feedback.add_repeatpurchase")
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
