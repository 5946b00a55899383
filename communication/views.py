"""Views of the communication app: thin — scoped selector → form → service → message →
redirect. Every object comes through ``visible_to(user)``; another project's row is a 404,
a missing permission a 403."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communication import exports, selectors, services
from communication.exceptions import DomainError
from communication.filters import ProblemFilter, RecordFilter
from communication.forms import (
    ComplianceRangeForm,
    EscalateForm,
    ProblemFormSet,
    ReassignForm,
    RecordForm,
    ResolveForm,
    problems_from_formset,
)
from communication.models import CommunicationLevel, CommunicationRecord, Problem
from salesite import access
from salesite.exports import export_format, export_response
from salesite.models import Company, Project
from salesite.querystring import query_pk
from salesite.redirects import next_url
from salesite.views import paginate, record_context

VIEW_RECORD = "communication.view_communicationrecord"
VIEW_PROBLEM = "communication.view_problem"


def _require_view(user, perm, obj):
    access.require_perm(user, perm, obj)


def _permitted_records(user):
    """The records of the projects where the user's roles grant the view permission that the
    record's own page requires: a list (and its export) shows no record the page would refuse.
    The other projects' rows are left out, as the customer list does, rather than a 403."""
    qs = selectors.records_for(user)
    ids = access.permitted_project_ids(user, VIEW_RECORD)
    return qs if ids is None else qs.filter(project_id__in=ids)


# --- index --------------------------------------------------------------------------------


@login_required
def index(request):
    today = timezone.localdate()
    projects = list(
        Project.objects.visible_to(request.user)
        .select_related("service_centre")
        .order_by("name")[:50]
    )
    levels = selectors.active_levels()
    rows = selectors.compliance(projects, today, today, today=today, levels=levels)
    status = defaultdict(list)
    for row in rows:
        status[row.project.pk].append(row)
    problem_counts = {
        r["project_id"]: r
        for r in Problem.objects.filter(project__in=projects)
        .unresolved()
        .values("project_id")
        .annotate(
            open=Count("pk"),
            escalated=Count("pk", filter=Q(status=Problem.Status.ESCALATED)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
        .order_by()
    }
    to_acknowledge = (
        request.user.minutes_received.filter(acknowledged_at__isnull=True)
        .select_related("record__project", "record__level")
        .order_by("-record__held_at")[:10]
    )
    cards = [
        {"project": p, "rows": status[p.pk], "problems": problem_counts.get(p.pk)} for p in projects
    ]
    return render(
        request,
        "communication/index.html",
        {"cards": cards, "today": today, "to_acknowledge": to_acknowledge},
    )


# --- records ------------------------------------------------------------------------------


@login_required
def record_list(request):
    f = RecordFilter(request.GET, queryset=_permitted_records(request.user), request=request)
    if export_format(request):
        return export_response(request, *exports.records(f.qs), _("沟通记录"))
    return render(
        request,
        "communication/record_list.html",
        {"filter": f, "page": paginate(request, f.qs), "title": _("沟通记录")},
    )


@login_required
def report_list(request):
    """Weekly and monthly service reports (周志/月志, R-COM-5), shown in full."""
    base = _permitted_records(request.user).filter(level__kind=CommunicationLevel.Kind.REPORT)
    f = RecordFilter(request.GET, queryset=base, request=request)
    f.form.fields["level"].queryset = CommunicationLevel.objects.filter(
        kind=CommunicationLevel.Kind.REPORT
    )
    if export_format(request):
        return export_response(request, *exports.reports(f.qs), _("服务周志月志"))
    return render(
        request, "communication/report_list.html", {"filter": f, "page": paginate(request, f.qs)}
    )


@login_required
def record_create(request):
    """Pick the project first (participants and agenda depend on it)."""
    projects = [
        p
        for p in Project.objects.visible_to(request.user).order_by("name")
        if request.user.has_perm(selectors.ADD_RECORD, p)
    ]
    if not projects:
        raise PermissionDenied
    if len(projects) == 1:
        return redirect("communication:record_create_for", project_pk=projects[0].pk)
    return render(request, "communication/project_pick.html", {"projects": projects})


def _level_from_request(request, levels):
    code = request.GET.get("level") or request.POST.get("level")
    for lv in levels:
        if lv.code == code:
            return lv
    return None


@login_required
def record_create_for(request, project_pk):
    project = access.get_visible_or_404(
        Project.objects.select_related("service_centre"), request.user, pk=project_pk
    )
    levels = selectors.recordable_levels(request.user, project)
    if not levels:
        raise PermissionDenied
    level = _level_from_request(request, levels)
    if level is None and request.GET.get("level"):
        raise PermissionDenied  # a level the user may not record
    if level is None:
        if len(levels) > 1:
            return render(
                request,
                "communication/level_pick.html",
                {"project": project, "levels": levels},
            )
        level = levels[0]
    return _record_form(request, project=project, level=level)


@login_required
def record_edit(request, pk):
    record = access.get_visible_or_404(
        CommunicationRecord.objects.select_related("project", "level"), request.user, pk=pk
    )
    access.require_perm(request.user, selectors.CHANGE_RECORD, record)
    if not selectors.can_record(request.user, record.project, record.level):
        raise PermissionDenied
    return _record_form(request, project=record.project, level=record.level, record=record)


def _record_form(request, *, project, level, record=None):
    user = request.user
    initial = {} if record else {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = RecordForm(
        request.POST or None, instance=record, initial=initial, project=project, level=level
    )
    formset = None
    if level.takes_problems:
        formset = ProblemFormSet(
            request.POST or None,
            prefix="problems",
            form_kwargs={"project": project, "level": level},
        )
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        data = form.cleaned_data
        kwargs = {
            "user": user,
            "held_at": data["held_at"],
            "participants": data.get("participants") or [],
            "recipients": data.get("recipients") or [],
            "problems": problems_from_formset(formset, user) if formset else [],
            **form.record_fields(),
        }
        try:
            if record is None:
                record = services.record_create(project=project, level=level, **kwargs)
            else:
                record = services.record_update(
                    record=record, version=data.get("version") or record.version, **kwargs
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(level)s记录已保存。") % {"level": level},
            )
            return redirect(record)
    agenda = selectors.agenda_for(project, level, exclude_record=record) if not record else []
    return render(
        request,
        "communication/record_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "level": level,
            "record": record,
            "agenda": agenda,
            "levels": [] if record else selectors.recordable_levels(user, project),
        },
    )


@login_required
def record_detail(request, pk):
    record = access.get_visible_or_404(
        CommunicationRecord.objects.select_related("project", "level", "created_by", "department"),
        request.user,
        pk=pk,
    )
    access.require_view(request.user, record)
    problems = record.problems_raised.select_related(
        "owner", "level", "developer_owner__contact", "developer_owner__user"
    )
    agenda = record.agenda.select_related("owner", "level")
    recipients = record.recipients.select_related("user")
    my_receipt = next((r for r in recipients if r.user_id == request.user.pk), None)
    participants = record.participants.select_related("role", "user", "contact")
    can_edit = request.user.has_perm(selectors.CHANGE_RECORD, record) and selectors.can_record(
        request.user, record.project, record.level
    )
    return render(
        request,
        "communication/record_detail.html",
        {
            "record": record,
            "problems": problems,
            "agenda": agenda,
            "recipients": recipients,
            "my_receipt": my_receipt,
            "participants": participants,
            "can_edit": can_edit,
            "can_escalate": request.user.has_perm("communication.escalate_problem", record),
            **record_context(request, record),
        },
    )


@login_required
def record_print(request, pk):
    """The record on paper (日志/会议纪要/周志月志): participants sign, recipients sign for
    receipt. Same access as the record's page."""
    record = access.get_visible_or_404(
        CommunicationRecord.objects.select_related("project", "level", "created_by", "department"),
        request.user,
        pk=pk,
    )
    access.require_view(request.user, record)
    return render(
        request,
        "communication/print_record.html",
        {
            "record": record,
            "participants": record.participants.select_related("role", "user", "contact"),
            "agenda": record.agenda.select_related("owner", "level"),
            "problems": record.problems_raised.select_related(
                "owner", "developer_owner__user", "developer_owner__contact"
            ),
            "recipients": record.recipients.select_related("user"),
        },
    )


@login_required
@require_POST
def record_acknowledge(request, pk):
    record = access.get_visible_or_404(CommunicationRecord.objects.all(), request.user, pk=pk)
    try:
        services.minutes_acknowledge(record=record, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已确认收到纪要。"))
    return redirect(record)


# --- problems -----------------------------------------------------------------------------


@login_required
def problem_list(request):
    problems = selectors.problems_for(request.user)
    ids = access.permitted_project_ids(request.user, VIEW_PROBLEM)  # as the problem's page
    if ids is not None:
        problems = problems.filter(project_id__in=ids)
    f = ProblemFilter(request.GET, queryset=problems, request=request)
    problems = f.qs.order_by("status", "due_date", "-pk")
    if export_format(request):
        return export_response(request, *exports.problems(problems), _("问题跟踪"))
    return render(
        request,
        "communication/problem_list.html",
        {"filter": f, "page": paginate(request, problems), "today": timezone.localdate()},
    )


def _problem(request, pk):
    problem = access.get_visible_or_404(
        Problem.objects.select_related("project", "level", "owner", "raised_in"),
        request.user,
        pk=pk,
    )
    _require_view(request.user, VIEW_PROBLEM, problem)
    return problem


@login_required
def problem_detail(request, pk, forms=None):
    problem = _problem(request, pk)
    forms = forms or {}
    targets = selectors.escalation_targets(problem.level)
    user = request.user
    can_change = selectors.can_act_on_problem(user, problem)
    can_escalate = selectors.can_act_on_problem(user, problem, "communication.escalate_problem")
    events = problem.events.select_related(
        "from_level", "to_level", "from_owner", "to_owner", "by", "record"
    )
    return render(
        request,
        "communication/problem_detail.html",
        {
            "problem": problem,
            "events": events,
            "discussed_in": problem.discussed_in.select_related("level").order_by("held_at"),
            "today": timezone.localdate(),
            "can_change": can_change and problem.is_open,
            "can_escalate": can_escalate and problem.is_open and bool(targets),
            "default_target": selectors.default_escalation_target(problem.level),
            "resolve_form": forms.get("resolve") or ResolveForm(),
            "escalate_form": forms.get("escalate") or EscalateForm(targets=targets),
            "reassign_form": forms.get("reassign")
            or ReassignForm(project=problem.project, initial={"owner": problem.owner_id}),
        },
    )


def _problem_action(request, pk, *, perm, form_name, build_form, run, success):
    problem = _problem(request, pk)
    if not selectors.can_act_on_problem(request.user, problem, perm):
        raise PermissionDenied
    form = build_form(problem)
    if form is None or form.is_valid():
        try:
            run(problem, form.cleaned_data if form is not None else {})
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
            return redirect(next_url(request, problem))
        return redirect(problem)
    messages.error(request, _("请检查填写的内容。"))
    response = problem_detail(request, pk, forms={form_name: form})
    response.status_code = 400
    return response


@login_required
@require_POST
def problem_resolve(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.change_problem",
        form_name="resolve",
        build_form=lambda p: ResolveForm(request.POST),
        run=lambda p, d: services.problem_resolve(
            problem=p, resolution=d["resolution"], user=request.user
        ),
        success=_("问题已标记为已解决。"),
    )


@login_required
@require_POST
def problem_escalate(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.escalate_problem",
        form_name="escalate",
        build_form=lambda p: EscalateForm(
            request.POST, targets=selectors.escalation_targets(p.level)
        ),
        run=lambda p, d: services.problem_escalate(
            problem=p, to_level=d["to_level"], reason=d["reason"], user=request.user
        ),
        success=_("问题已升级，并已通知相关负责人。"),
    )


@login_required
@require_POST
def problem_escalate_now(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.escalate_problem",
        form_name="escalate",
        build_form=lambda p: None,
        run=lambda p, d: services.problem_escalate_now(
            problem=p, user=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("问题已立即上报双方领导。"),
    )


@login_required
@require_POST
def problem_reassign(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.change_problem",
        form_name="reassign",
        build_form=lambda p: ReassignForm(request.POST, project=p.project),
        run=lambda p, d: services.problem_reassign(
            problem=p,
            owner=d["owner"],
            developer_owner=d.get("developer_owner"),
            note=d.get("note", ""),
            user=request.user,
        ),
        success=_("责任人已变更。"),
    )


# --- compliance (R-COM-6) -----------------------------------------------------------------


@login_required
def compliance(request):
    today = timezone.localdate()
    default_start = today.replace(day=1) if today.day > 7 else today - datetime.timedelta(days=30)
    data = request.GET.copy()
    data.setdefault("start", default_start.isoformat())
    data.setdefault("end", today.isoformat())
    form = ComplianceRangeForm(data)
    projects = Project.objects.visible_to(request.user).select_related("property_company")
    scope_label = _("全部可见项目")
    project = company = None
    if request.GET.get("project"):
        project = access.get_visible_or_404(
            Project.objects.all(), request.user, pk=_int(request.GET["project"])
        )
        projects = projects.filter(pk=project.pk)
        scope_label = project.name
    elif request.GET.get("company"):
        company = get_object_or_404(Company, pk=_int(request.GET["company"]))
        projects = projects.filter(property_company=company)
        if not projects.exists():
            raise Http404  # another company's figures are not shown
        scope_label = company.name
    rows, totals = [], []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows = selectors.compliance(projects.order_by("name")[:200], start, end, today=today)
        totals = selectors.compliance_by_level(rows)
    if export_format(request):
        return export_response(request, *exports.compliance(rows), _("沟通达标情况"))
    return render(
        request,
        "communication/compliance.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "project": project,
            "company": company,
            "scope_label": scope_label,
            "companies": selectors.visible_property_companies(request.user),
            "visible_projects": Project.objects.visible_to(request.user).order_by("name")[:200],
        },
    )


def _int(value) -> int:
    pk = query_pk(value)
    if pk is None:
        raise Http404
    return pk
