"""Views of sales-site operations: thin — scoped queryset → permission → form → service →
message → redirect. Rows are always fetched through ``visible_to``; another project's row is a
404, a missing permission a 403."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations.models import (
    EVENT_TRANSITIONS,
    EventChecklistItem,
    EventStatus,
    Inspection,
    InspectionScore,
    InspectionStatus,
    MarketingEvent,
    PlanStatus,
    RectificationItem,
    RectificationStatus,
    RosterEntry,
    ServiceCategory,
    ServicePlan,
    ServicePlanService,
    ServicePost,
    ServiceType,
    Shift,
    SiteArea,
    TrainingAttendance,
    TrainingSession,
)
from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.forms import AttachmentForm
from salesite.models import Attachment, Project, ProjectMembership, User
from salesite.querystring import query_date, query_pk
from salesite.views import paginate, projects_with_perm, record_context

from . import exports, forms, selectors, services
from .filters import (
    EventFilter,
    InspectionFilter,
    PlanFilter,
    RectificationFilter,
    RosterFilter,
    SiteAreaFilter,
    TrainingFilter,
)

FORM = "salesite/form.html"
PRINT_BLANK_ROWS = 5  # empty lines on a sign-in sheet for people not registered beforehand


def _projects_or_403(user, perm):
    projects = projects_with_perm(user, perm)
    if not projects:
        raise PermissionDenied
    return projects


def _form_page(request, form, title, back=None):
    return render(request, FORM, {"form": form, "title": title, "back": back})


def _run(request, action, success: str) -> bool:
    """Call a service; show its refusal as an error message. True when it succeeded."""
    try:
        with transaction.atomic():
            action()
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _parse_day(value, default=None) -> datetime.date:
    return query_date(value) or default or timezone.localdate()


# --- areas and posts (R-CORE-3) ------------------------------------------------------------


@login_required
def area_list(request):
    base = (
        SiteArea.objects.visible_to(request.user)
        .select_related("project")
        .annotate(
            post_count=Count("posts", filter=Q(posts__is_active=True)),
        )
    )
    f = SiteAreaFilter(request.GET, queryset=base, request=request)
    areas = f.qs.order_by("project__name", "order", "name")
    if export_format(request):
        return export_response(request, *exports.areas(areas), _("营销现场区域"))
    return render(
        request, "salesite/ops/area_list.html", {"filter": f, "page": paginate(request, areas)}
    )


@login_required
def area_detail(request, pk):
    area = access.get_visible_or_404(
        SiteArea.objects.select_related("project"), request.user, pk=pk
    )
    posts = area.posts.prefetch_related("shifts").order_by("order", "name")
    return render(
        request,
        "salesite/ops/area_detail.html",
        {"area": area, "posts": posts, **record_context(request, area)},
    )


@login_required
def area_edit(request, pk=None):
    area = None
    projects = ()
    if pk:
        area = access.get_visible_or_404(SiteArea.objects.all(), request.user, pk=pk)
        access.require_perm(request.user, "operations.change_sitearea", area)
    else:
        projects = _projects_or_403(request.user, "operations.add_sitearea")
    form = forms.SiteAreaForm(request.POST or None, instance=area, projects=projects)
    if request.method == "POST" and form.is_valid():
        area = form.save()
        messages.success(request, _("区域“%(name)s”已保存。") % {"name": area.name})
        return redirect(area)
    return _form_page(request, form, _("编辑区域") if area else _("新增区域"), area)


@login_required
def post_detail(request, pk):
    post = access.get_visible_or_404(
        ServicePost.objects.select_related("area", "project"), request.user, pk=pk
    )
    today = timezone.localdate()
    upcoming = (
        RosterEntry.objects.filter(post=post, date__gte=today)
        .select_related("user", "shift")
        .order_by("date", "shift__start")[:30]
    )
    return render(
        request,
        "salesite/ops/post_detail.html",
        {
            "post": post,
            "shifts": post.shifts.all(),
            "upcoming": upcoming,
            **record_context(request, post),
        },
    )


@login_required
def post_edit(request, area_pk=None, pk=None):
    if pk:
        post = access.get_visible_or_404(
            ServicePost.objects.select_related("area__project"), request.user, pk=pk
        )
        area = post.area
        access.require_perm(request.user, "operations.change_servicepost", post)
    else:
        post = None
        area = access.get_visible_or_404(
            SiteArea.objects.select_related("project"), request.user, pk=area_pk
        )
        access.require_perm(request.user, "operations.add_servicepost", area)
    form = forms.ServicePostForm(request.POST or None, instance=post, area=area)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            post = form.save()
        messages.success(request, _("岗位“%(name)s”已保存。") % {"name": post.name})
        return redirect(post)
    return _form_page(request, form, _("编辑岗位") if post else _("新增岗位"), area)


# --- shifts ----------------------------------------------------------------------------


@login_required
def shift_list(request):
    shifts = Shift.objects.visible_to(request.user).select_related("project")
    project_id = query_pk(request.GET.get("project"))
    if project_id:
        shifts = shifts.filter(Q(project__isnull=True) | Q(project_id=project_id))
    shifts = shifts.order_by("project__name", "order", "start")
    if export_format(request):
        return export_response(request, *exports.shifts(shifts), _("班次"))
    return render(
        request,
        "salesite/ops/shift_list.html",
        {
            "page": paginate(request, shifts),
            "can_add": bool(projects_with_perm(request.user, "operations.add_shift")),
        },
    )


@login_required
def shift_edit(request, pk=None):
    shift = None
    projects = ()
    allow_global = request.user.is_superuser
    if pk:
        shift = access.get_visible_or_404(Shift.objects.all(), request.user, pk=pk)
        if shift.project_id is None:
            if not allow_global:
                raise PermissionDenied
        else:
            access.require_perm(request.user, "operations.change_shift", shift)
    else:
        projects = projects_with_perm(request.user, "operations.add_shift")
        if not projects and not allow_global:
            raise PermissionDenied
    form = forms.ShiftForm(
        request.POST or None, instance=shift, projects=projects, allow_global=allow_global
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("班次已保存。"))
        return redirect("ops:shift_list")
    return _form_page(request, form, _("编辑班次") if shift else _("新增班次"))


# --- roster (R-CORE-5) -----------------------------------------------------------------


@login_required
def roster_day(request):
    projects = list(Project.objects.visible_to(request.user).order_by("name"))
    if not projects:
        raise PermissionDenied
    chosen = request.GET.get("project")
    project = next((p for p in projects if str(p.pk) == chosen), projects[0])
    day = _parse_day(request.GET.get("date"))
    can_add = request.user.has_perm("operations.add_rosterentry", project)
    context = {
        "projects": projects,
        "project": project,
        "day": day,
        "prev_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "grid": selectors.roster_grid(project, day),
        "can_add": can_add,
        "can_delete": request.user.has_perm("operations.delete_rosterentry", project),
        "site_open": project.marketing_phase in ("displaying", "opened", "sold_out"),
    }
    if can_add:
        context["add_form"] = forms.RosterAddForm(project=project, date=day)
        context["copy_form"] = forms.RosterCopyForm(
            initial={"from_date": day - datetime.timedelta(days=1)}
        )
    return render(request, "salesite/ops/roster_day.html", context)


def _roster_url(project, day):
    return f"{reverse('ops:roster_day')}?project={project.pk}&date={day:%Y-%m-%d}"


@login_required
@require_POST
def roster_add(request, project_pk, date):
    project = access.get_visible_or_404(Project.objects.all(), request.user, pk=project_pk)
    access.require_perm(request.user, "operations.add_rosterentry", project)
    day = _parse_day(date)
    form = forms.RosterAddForm(request.POST, project=project, date=day)
    if form.is_valid():
        _run(
            request,
            lambda: services.roster_add(
                post=form.cleaned_data["post"],
                shift=form.cleaned_data["shift"],
                user=form.cleaned_data["user"],
                date=day,
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            _("已排班：%(user)s。") % {"user": form.cleaned_data["user"]},
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(_roster_url(project, day))


@login_required
@require_POST
def roster_delete(request, pk):
    entry = access.get_visible_or_404(
        RosterEntry.objects.select_related("project"), request.user, pk=pk
    )
    access.require_perm(request.user, "operations.delete_rosterentry", entry)
    project, day = entry.project, entry.date
    entry.delete()
    messages.success(request, _("已取消该排班。"))
    return redirect(_roster_url(project, day))


@login_required
@require_POST
def roster_copy(request, project_pk, date):
    project = access.get_visible_or_404(Project.objects.all(), request.user, pk=project_pk)
    access.require_perm(request.user, "operations.add_rosterentry", project)
    day = _parse_day(date)
    form = forms.RosterCopyForm(request.POST)
    if form.is_valid():
        n = services.roster_copy_day(
            project=project, from_date=form.cleaned_data["from_date"], to_date=day, by=request.user
        )
        messages.success(request, _("已复制 %(n)s 条排班。") % {"n": n})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(_roster_url(project, day))


@login_required
def roster_list(request):
    base = RosterEntry.objects.visible_to(request.user).select_related(
        "project", "post__area", "shift", "user"
    )
    f = RosterFilter(request.GET, queryset=base, request=request)
    rows = f.qs.order_by("-date", "project__name", "post__area__order", "post__order", "pk")
    if export_format(request):
        return export_response(request, *exports.roster(rows), _("排班明细"))
    return render(
        request, "salesite/ops/roster_list.html", {"filter": f, "page": paginate(request, rows)}
    )


# --- service catalogue (R-CORE-6) ------------------------------------------------------


@login_required
def service_type_list(request):
    types = (
        ServiceType.objects.visible_to(request.user)
        .select_related("category", "project")
        .order_by("category__order", "project__name", "order", "name")
    )
    project_id = query_pk(request.GET.get("project"))
    if project_id:
        types = types.filter(Q(project__isnull=True) | Q(project_id=project_id))
    if export_format(request):
        return export_response(request, *exports.service_types(types), _("营销现场服务项目"))
    categories = list(ServiceCategory.objects.order_by("order"))
    by_cat = {c.pk: [] for c in categories}
    for t in types[:500]:
        by_cat[t.category_id].append(t)
    return render(
        request,
        "salesite/ops/service_type_list.html",
        {
            "categories": [(c, by_cat[c.pk]) for c in categories],
            "can_add": bool(projects_with_perm(request.user, "operations.add_servicetype")),
        },
    )


@login_required
def service_type_edit(request, pk=None):
    allow_global = request.user.is_superuser
    st = None
    projects = ()
    if pk:
        st = access.get_visible_or_404(ServiceType.objects.all(), request.user, pk=pk)
        if st.project_id is None:
            if not allow_global:
                raise PermissionDenied
        else:
            access.require_perm(request.user, "operations.change_servicetype", st)
    else:
        projects = projects_with_perm(request.user, "operations.add_servicetype")
        if not projects and not allow_global:
            raise PermissionDenied
    form = forms.ServiceTypeForm(
        request.POST or None, instance=st, projects=projects, allow_global=allow_global
    )
    if request.method == "POST" and form.is_valid():
        st = form.save()
        messages.success(request, _("服务“%(name)s”已保存。") % {"name": st.name})
        return redirect("ops:service_type_list")
    return _form_page(request, form, _("编辑服务") if st else _("新增特色服务"))


# --- service plan (R-CORE-7) -----------------------------------------------------------


@login_required
def plan_list(request):
    base = ServicePlan.objects.visible_to(request.user).select_related(
        "project", "submitted_by", "reviewed_by"
    )
    f = PlanFilter(request.GET, queryset=base, request=request)
    plans = f.qs.order_by("project__name", "-version")
    if export_format(request):
        return export_response(request, *exports.plans(plans), _("服务方案"))
    return render(
        request,
        "salesite/ops/plan_list.html",
        {
            "filter": f,
            "page": paginate(request, plans),
            "can_add": bool(projects_with_perm(request.user, "operations.add_serviceplan")),
        },
    )


@login_required
def plan_create(request):
    projects = _projects_or_403(request.user, "operations.add_serviceplan")
    form = forms.PlanForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        project = data.pop("project")
        try:
            plan = services.plan_create(project=project, user=request.user, **data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("服务方案 V1 已创建，请添加服务内容后报送总部。"))
            return redirect(plan)
    return _form_page(request, form, _("新建营销现场配合服务方案"))


@login_required
def plan_detail(request, pk):
    plan = access.get_visible_or_404(
        ServicePlan.objects.select_related(
            "project", "created_by", "submitted_by", "reviewed_by", "revised_from"
        ),
        request.user,
        pk=pk,
    )
    versions = list(
        ServicePlan.objects.filter(project_id=plan.project_id)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-version")
    )
    plan_services = list(selectors.plan_services(plan))
    compare = None
    compare_id = query_pk(request.GET.get("compare"))
    if compare_id:
        compare = next((v for v in versions if v.pk == compare_id), None)
    elif plan.revised_from_id:
        compare = next((v for v in versions if v.pk == plan.revised_from_id), None)
    diff = None
    if compare is not None and compare.pk != plan.pk:
        old, new = (compare, plan) if compare.version < plan.version else (plan, compare)
        diff = {"old": old, "new": new, "sections": selectors.plan_diff(old, new)}
    user = request.user
    editable = plan.is_editable and user.has_perm("operations.change_serviceplan", plan)
    context = {
        "plan": plan,
        "sections": selectors.plan_sections(plan),
        "plan_services": plan_services,
        "versions": versions,
        "history": plan.history.select_related("by"),
        "diff": diff,
        "compare": compare,
        "editable": editable,
        "can_submit": plan.status == PlanStatus.DRAFT
        and user.has_perm("operations.submit_serviceplan", plan),
        "can_review": plan.status == PlanStatus.SUBMITTED
        and user.has_perm("operations.file_serviceplan", plan),
        "can_revise": plan.is_revisable
        and user.has_perm("operations.add_serviceplan", plan)
        and not any(v.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED) for v in versions),
        **record_context(request, plan),
    }
    if editable:
        context["service_form"] = forms.PlanServiceForm(plan=plan)
    if context["can_review"]:
        context["review_form"] = forms.CommentForm()
    if context["can_revise"]:
        context["revise_form"] = forms.PlanReviseForm()
    return render(request, "salesite/ops/plan_detail.html", context)


@login_required
def plan_print(request, pk):
    """The plan on paper, with sign-off boxes (编制/审核/备案). Same access as its page."""
    plan = access.get_visible_or_404(
        ServicePlan.objects.select_related("project", "created_by", "submitted_by", "reviewed_by"),
        request.user,
        pk=pk,
    )
    access.require_view(request.user, plan)
    return render(
        request,
        "salesite/ops/print_plan.html",
        {
            "plan": plan,
            "sections": selectors.plan_sections(plan),
            "plan_services": selectors.plan_services(plan),
        },
    )


def _plan_for(request, pk, perm):
    plan = access.get_visible_or_404(
        ServicePlan.objects.select_related("project"), request.user, pk=pk
    )
    access.require_perm(request.user, perm, plan)
    return plan


@login_required
def plan_edit(request, pk):
    plan = _plan_for(request, pk, "operations.change_serviceplan")
    if not plan.is_editable:
        messages.error(
            request, _("只有草稿状态的方案可以修改；已备案或已退回的方案请修订生成新版本。")
        )
        return redirect(plan)
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "project"}
        if _run(
            request,
            lambda: services.plan_update(plan=plan, user=request.user, **data),
            _("方案已保存。"),
        ):
            return redirect(plan)
    return _form_page(request, form, _("编辑服务方案"), plan)


@login_required
@require_POST
def plan_service_add(request, pk):
    plan = _plan_for(request, pk, "operations.change_serviceplan")
    form = forms.PlanServiceForm(request.POST, plan=plan)
    if form.is_valid():
        _run(
            request,
            lambda: services.plan_service_set(plan=plan, **form.cleaned_data),
            _("服务内容已保存。"),
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(plan)


@login_required
@require_POST
def plan_service_remove(request, pk, item_pk):
    plan = _plan_for(request, pk, "operations.change_serviceplan")
    item = get_object_or_404(ServicePlanService, pk=item_pk, plan=plan)
    _run(request, lambda: services.plan_service_remove(item=item), _("已移除该服务。"))
    return redirect(plan)


@login_required
@require_POST
def plan_submit(request, pk):
    plan = _plan_for(request, pk, "operations.submit_serviceplan")
    _run(
        request,
        lambda: services.plan_submit(plan=plan, user=request.user),
        _("方案已报送总部住宅项目部备案。"),
    )
    return redirect(plan)


@login_required
@require_POST
def plan_review(request, pk, decision):
    plan = _plan_for(request, pk, "operations.file_serviceplan")
    form = forms.CommentForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if decision == "file":
        _run(
            request,
            lambda: services.plan_file(plan=plan, user=request.user, comment=comment),
            _("方案已备案。"),
        )
    elif decision == "return":
        _run(
            request,
            lambda: services.plan_return(plan=plan, user=request.user, comment=comment),
            _("方案已退回，并附审核意见。"),
        )
    else:
        raise Http404
    return redirect(plan)


@login_required
@require_POST
def plan_revise(request, pk):
    plan = _plan_for(request, pk, "operations.add_serviceplan")
    form = forms.PlanReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写修订原因。"))
        return redirect(plan)
    result = {}

    def action():
        result["plan"] = services.plan_revise(
            plan=plan, user=request.user, reason=form.cleaned_data["reason"]
        )

    if _run(request, action, _("已生成新版本，请修改后重新报送。")):
        return redirect(result["plan"])
    return redirect(plan)


# --- training (R-CORE-8) ---------------------------------------------------------------


@login_required
def training_list(request):
    base = (
        TrainingSession.objects.visible_to(request.user)
        .select_related("project", "trainer")
        .annotate(
            attendee_count=Count("attendance", distinct=True),
            passed_count=Count("attendance", filter=Q(attendance__passed=True), distinct=True),
        )
    )
    f = TrainingFilter(request.GET, queryset=base, request=request)
    sessions = f.qs.order_by("-date", "pk")
    if export_format(request):
        return export_response(request, *exports.trainings(sessions), _("培训"))
    return render(
        request,
        "salesite/ops/training_list.html",
        {
            "filter": f,
            "page": paginate(request, sessions),
            "can_add": bool(projects_with_perm(request.user, "operations.add_trainingsession")),
        },
    )


@login_required
def training_edit(request, pk=None):
    session = None
    projects = ()
    if pk:
        session = access.get_visible_or_404(TrainingSession.objects.all(), request.user, pk=pk)
        access.require_perm(request.user, "operations.change_trainingsession", session)
    else:
        projects = _projects_or_403(request.user, "operations.add_trainingsession")
    form = forms.TrainingForm(request.POST or None, instance=session, projects=projects)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("培训已保存。"))
        return redirect(session)
    return _form_page(request, form, _("编辑培训") if session else _("新增培训"), session)


@login_required
def training_detail(request, pk):
    session = access.get_visible_or_404(
        TrainingSession.objects.select_related("project", "trainer"), request.user, pk=pk
    )
    can_edit = request.user.has_perm("operations.change_trainingattendance", session)
    context = {
        "session": session,
        "attendance": session.attendance.select_related("user").order_by("user__name"),
        "can_edit_attendance": can_edit,
        **record_context(request, session),
    }
    if can_edit:
        context["attendance_form"] = forms.AttendanceForm(session=session)
    return render(request, "salesite/ops/training_detail.html", context)


@login_required
def training_print(request, pk):
    """The sign-in sheet (培训签到表): the registered attendees and blank lines for walk-ins.
    Same access as the session's page."""
    session = access.get_visible_or_404(
        TrainingSession.objects.select_related("project", "trainer"), request.user, pk=pk
    )
    access.require_view(request.user, session)
    attendance = session.attendance.select_related("user__department").order_by(
        "user__name", "user__username"
    )
    return render(
        request,
        "salesite/ops/print_training.html",
        {"session": session, "attendance": attendance, "blank_rows": range(PRINT_BLANK_ROWS)},
    )


@login_required
@require_POST
def attendance_save(request, pk):
    session = access.get_visible_or_404(
        TrainingSession.objects.select_related("project"), request.user, pk=pk
    )
    access.require_perm(request.user, "operations.change_trainingattendance", session)
    form = forms.AttendanceForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            lambda: services.training_attendance_set(session=session, **data),
            _("参训记录已保存：%(user)s。") % {"user": data["user"]},
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(session)


@login_required
@require_POST
def attendance_remove(request, pk, item_pk):
    session = access.get_visible_or_404(TrainingSession.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "operations.delete_trainingattendance", session)
    get_object_or_404(TrainingAttendance, pk=item_pk, session=session).delete()
    messages.success(request, _("已从参训名单移除。"))
    return redirect(session)


@login_required
def staff_training(request, user_pk):
    """A staff member's training history, on the projects the viewer sees."""
    staff = get_object_or_404(User, pk=user_pk)
    visible = access.visible_project_ids(request.user)
    memberships = ProjectMembership.objects.filter(user=staff)
    if visible is not None:
        memberships = memberships.filter(project_id__in=visible)
    if not memberships.exists() and staff != request.user:
        raise Http404
    rows = (
        TrainingAttendance.objects.visible_to(request.user)
        .filter(user=staff)
        .select_related("session__project", "session__trainer")
        .order_by("-session__date", "pk")
    )
    if export_format(request):
        name = _("培训记录-%(id)s") % {"id": staff.pk}
        return export_response(request, *exports.staff_training(rows), name)
    page = paginate(request, rows)
    return render(request, "salesite/ops/staff_training.html", {"staff": staff, "page": page})


# --- marketing events (R-CORE-9) -------------------------------------------------------


@login_required
def event_list(request):
    base = (
        MarketingEvent.objects.visible_to(request.user)
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


@login_required
def event_create(request):
    projects = _projects_or_403(request.user, "operations.add_marketingevent")
    form = forms.EventForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        staff = data.pop("staff")
        event = services.event_create(user=request.user, staff=staff, **data)
        messages.success(request, _("活动已创建，并生成了默认准备事项。"))
        return redirect(event)
    return _form_page(request, form, _("新增营销活动"))


@login_required
def event_edit(request, pk):
    event = access.get_visible_or_404(MarketingEvent.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "operations.change_marketingevent", event)
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


@login_required
def event_detail(request, pk):
    event = access.get_visible_or_404(
        MarketingEvent.objects.select_related("project", "created_by", "closed_by"),
        request.user,
        pk=pk,
    )
    user = request.user
    can_change = user.has_perm("operations.change_marketingevent", event)
    next_states = [EventStatus(s) for s in EVENT_TRANSITIONS[EventStatus(event.status)]]
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


@login_required
def event_print(request, pk):
    """The event checklist on paper (活动准备清单), ticked and signed on site. Same access as
    the event's page."""
    event = access.get_visible_or_404(
        MarketingEvent.objects.select_related("project", "created_by"), request.user, pk=pk
    )
    access.require_view(request.user, event)
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
def checklist_toggle(request, pk, item_pk):
    event = access.get_visible_or_404(MarketingEvent.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "operations.change_eventchecklistitem", event)
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
def checklist_add(request, pk):
    event = access.get_visible_or_404(MarketingEvent.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "operations.add_eventchecklistitem", event)
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
def event_transition(request, pk, to):
    event = access.get_visible_or_404(MarketingEvent.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "operations.change_marketingevent", event)
    if to not in EventStatus.values:
        raise Http404
    _run(
        request,
        lambda: services.event_transition(event=event, to=to, user=request.user),
        _("活动状态已变为“%(s)s”。") % {"s": EventStatus(to).label},
    )
    return redirect(event)


@login_required
def event_outcome(request, pk):
    event = access.get_visible_or_404(MarketingEvent.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "operations.change_marketingevent", event)
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


# --- HQ inspections (R-CORE-11) --------------------------------------------------------


@login_required
def inspection_list(request):
    base = (
        Inspection.objects.visible_to(request.user)
        .select_related("project", "inspector", "checklist")
        .annotate(
            rect_count=Count("rectifications", distinct=True),
            open_count=Count(
                "rectifications",
                filter=~Q(rectifications__status=RectificationStatus.VERIFIED),
                distinct=True,
            ),
        )
    )
    f = InspectionFilter(request.GET, queryset=base, request=request)
    rows = f.qs.order_by("-date", "-pk")
    if export_format(request):
        return export_response(request, *exports.inspections(rows), _("品质检查"))
    return render(
        request,
        "salesite/ops/inspection_list.html",
        {
            "filter": f,
            "page": paginate(request, rows),
            "can_add": bool(projects_with_perm(request.user, "operations.add_inspection")),
        },
    )


@login_required
def inspection_create(request):
    projects = _projects_or_403(request.user, "operations.add_inspection")
    form = forms.InspectionCreateForm(
        request.POST or None, projects=projects, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(inspector=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("检查已创建，请逐项评分。"))
            return redirect(inspection)
    return _form_page(request, form, _("新建品质检查"))


@login_required
def inspection_detail(request, pk):
    inspection = access.get_visible_or_404(
        Inspection.objects.select_related("project", "inspector", "checklist"),
        request.user,
        pk=pk,
    )
    scores = list(inspection.scores.select_related("item").order_by("item__order", "item_id"))
    score_ct = ContentType.objects.get_for_model(InspectionScore)
    photos: dict[int, list] = {}
    for a in Attachment.objects.filter(
        content_type=score_ct, object_id__in=[s.pk for s in scores]
    ).order_by("uploaded_at"):
        photos.setdefault(a.object_id, []).append(a)
    draft = inspection.status == InspectionStatus.DRAFT
    can_score = draft and request.user.has_perm("operations.change_inspection", inspection)
    scores_form = forms.InspectionScoresForm(scores=scores) if can_score else None
    rows = [
        (
            s,
            photos.get(s.pk, []),
            scores_form[f"score_{s.pk}"] if scores_form else None,
            scores_form[f"note_{s.pk}"] if scores_form else None,
        )
        for s in scores
    ]
    context = {
        "inspection": inspection,
        "rows": rows,
        "can_score": can_score,
        "can_photo": request.user.has_perm("operations.change_inspectionscore", inspection),
        "score_ct": score_ct,
        "photo_form": AttachmentForm(),
        "rectifications": inspection.rectifications.select_related("owner", "verified_by"),
        "today": timezone.localdate(),
        **record_context(request, inspection),
    }
    if can_score:
        context["complete_form"] = forms.InspectionCompleteForm(
            project=inspection.project,
            initial={"deadline": timezone.localdate() + datetime.timedelta(days=7)},
        )
    return render(request, "salesite/ops/inspection_detail.html", context)


@login_required
def inspection_print(request, pk):
    """The HQ inspection score sheet (品质检查评分表): blank score cells while the inspection
    is a draft, the scores once entered; signed by the inspector and the project. Same access
    as the inspection's page."""
    inspection = access.get_visible_or_404(
        Inspection.objects.select_related("project", "inspector", "checklist"),
        request.user,
        pk=pk,
    )
    access.require_view(request.user, inspection)
    return render(
        request,
        "salesite/ops/print_inspection.html",
        {
            "inspection": inspection,
            "scores": inspection.scores.select_related("item").order_by("item__order", "item_id"),
            "rectifications": inspection.rectifications.select_related("owner"),
        },
    )


def _inspection_for_change(request, pk):
    inspection = access.get_visible_or_404(
        Inspection.objects.select_related("project"), request.user, pk=pk
    )
    access.require_perm(request.user, "operations.change_inspection", inspection)
    return inspection


@login_required
@require_POST
def inspection_scores(request, pk):
    inspection = _inspection_for_change(request, pk)
    scores = list(inspection.scores.select_related("item"))
    form = forms.InspectionScoresForm(request.POST, scores=scores)
    if form.is_valid():
        _run(
            request,
            lambda: services.inspection_score(inspection=inspection, scores=form.scores()),
            _("评分已保存。"),
        )
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}")
    return redirect(inspection)


@login_required
@require_POST
def inspection_complete(request, pk):
    inspection = _inspection_for_change(request, pk)
    form = forms.InspectionCompleteForm(request.POST, project=inspection.project)
    if form.is_valid():
        result = {}

        def action():
            result["items"] = services.inspection_complete(
                inspection=inspection, user=request.user, **form.cleaned_data
            )

        if _run(request, action, _("检查已完成。")):
            messages.info(request, _("生成了 %(n)s 个整改项。") % {"n": len(result["items"])})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(inspection)


@login_required
def rectification_list(request):
    base = RectificationItem.objects.visible_to(request.user).select_related(
        "project", "owner", "inspection"
    )
    f = RectificationFilter(request.GET, queryset=base, request=request)
    rows = f.qs.order_by("status", "deadline", "pk")
    if export_format(request):
        return export_response(request, *exports.rectifications(rows), _("整改项"))
    return render(
        request,
        "salesite/ops/rectification_list.html",
        {"filter": f, "page": paginate(request, rows), "today": timezone.localdate()},
    )


@login_required
def rectification_detail(request, pk):
    item = access.get_visible_or_404(
        RectificationItem.objects.select_related(
            "project", "owner", "inspection__inspector", "verified_by", "score__item"
        ),
        request.user,
        pk=pk,
    )
    user = request.user
    can_change = user.has_perm("operations.change_rectificationitem", item)
    is_owner = item.owner_id == user.pk
    context = {
        "item": item,
        "today": timezone.localdate(),
        "overdue": item.is_overdue(timezone.localdate()),
        **record_context(request, item),
    }
    if item.status == RectificationStatus.OPEN and (can_change or is_owner):
        context["done_form"] = forms.RectificationDoneForm()
    if item.status != RectificationStatus.VERIFIED and can_change:
        context["edit_form"] = forms.RectificationForm(
            project=item.project, initial={"owner": item.owner_id, "deadline": item.deadline}
        )
    if item.status == RectificationStatus.DONE and user.has_perm(
        "operations.verify_rectificationitem", item
    ):
        context["verify_form"] = forms.RectificationVerifyForm()
    return render(request, "salesite/ops/rectification_detail.html", context)


def _rectification(request, pk):
    return access.get_visible_or_404(
        RectificationItem.objects.select_related("project"), request.user, pk=pk
    )


@login_required
@require_POST
def rectification_edit(request, pk):
    item = _rectification(request, pk)
    access.require_perm(request.user, "operations.change_rectificationitem", item)
    form = forms.RectificationForm(request.POST, project=item.project)
    if form.is_valid():
        _run(
            request,
            lambda: services.rectification_update(item=item, **form.cleaned_data),
            _("整改项已更新。"),
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(item)


@login_required
@require_POST
def rectification_done(request, pk):
    item = _rectification(request, pk)
    if item.owner_id != request.user.pk:
        access.require_perm(request.user, "operations.change_rectificationitem", item)
    form = forms.RectificationDoneForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.rectification_done(
                item=item, user=request.user, note=form.cleaned_data["note"]
            ),
            _("整改结果已提交，等待总部验证。"),
        )
    else:
        messages.error(request, _("请填写整改情况。"))
    return redirect(item)


@login_required
@require_POST
def rectification_verify(request, pk):
    item = _rectification(request, pk)
    access.require_perm(request.user, "operations.verify_rectificationitem", item)
    form = forms.RectificationVerifyForm(request.POST)
    if form.is_valid():
        accepted = form.cleaned_data["accepted"]
        _run(
            request,
            lambda: services.rectification_verify(
                item=item, user=request.user, accepted=accepted, note=form.cleaned_data["note"]
            ),
            _("整改项已验证通过。") if accepted else _("整改项已退回整改。"),
        )
    else:
        messages.error(request, _("请选择验证结果。"))
    return redirect(item)


# --- index -----------------------------------------------------------------------------


@login_required
def index(request):
    return redirect("ops:roster_day")
