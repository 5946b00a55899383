"""Views of the service catalogue (R-CORE-6) and the service plan (R-CORE-7)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations.models import (
    PlanStatus,
    ServiceCategory,
    ServicePlan,
    ServicePlanService,
    ServiceType,
)
from salesite.exports import export_format, export_response
from salesite.querystring import query_pk
from salesite.views import paginate, projects_with_perm, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, selectors, services
from ..filters import (
    PlanFilter,
)
from .common import FORM, _form_page, _run

# --- service catalogue (R-CORE-6) ------------------------------------------------------


@staff_view()
def service_type_list(request):
    types = (
        permitted_rows(request, ServiceType.objects.all())
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


@staff_view("operations.add_servicetype")  # a superuser may also add a catalogue-wide service
def service_type_create(request):
    projects = projects_with_perm(request.user, request.staff_permission)
    return _service_type_form(request, projects=projects)


@staff_view("operations.change_servicetype", per_record=True)  # catalogue-wide: superuser
def service_type_edit(request, pk):
    return _service_type_form(request, st=get_record(request, ServiceType.objects.all(), pk=pk))


def _service_type_form(request, *, st=None, projects=()):
    form = forms.ServiceTypeForm(
        request.POST or None,
        instance=st,
        projects=projects,
        allow_global=request.user.is_superuser,
    )
    if request.method == "POST" and form.is_valid():
        st = form.save()
        messages.success(request, _("服务“%(name)s”已保存。") % {"name": st.name})
        return redirect("ops:service_type_list")
    return _form_page(request, form, _("编辑服务") if st else _("新增特色服务"))


# --- service plan (R-CORE-7) -----------------------------------------------------------


@staff_view()
def plan_list(request):
    base = permitted_rows(request, ServicePlan.objects.all()).select_related(
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


@staff_view("operations.add_serviceplan")
def plan_create(request):
    projects = projects_with_perm(request.user, request.staff_permission)
    form = forms.PlanForm(request.POST or None, projects=projects)

    def create(data):
        data = dict(data)
        project = data.pop("project")
        return services.plan_create(project=project, user=request.user, **data)

    return service_form_page(
        request,
        form=form,
        call=create,
        success=_("服务方案 V1 已创建，请添加服务内容后报送总部。"),
        title=_("新建营销现场配合服务方案"),
        template=FORM,
        redirect_to=lambda plan: plan,
    )


@staff_view()
def plan_detail(request, pk):
    plan = get_record(
        request,
        ServicePlan.objects.select_related(
            "project", "created_by", "submitted_by", "reviewed_by", "revised_from"
        ),
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


@staff_view()
def plan_print(request, pk):
    """The plan on paper, with sign-off boxes (编制/审核/备案). Same access as its page."""
    plan = get_record(
        request,
        ServicePlan.objects.select_related("project", "created_by", "submitted_by", "reviewed_by"),
        pk=pk,
    )
    return render(
        request,
        "salesite/ops/print_plan.html",
        {
            "plan": plan,
            "sections": selectors.plan_sections(plan),
            "plan_services": selectors.plan_services(plan),
        },
    )


# Another company's record is a 404 before the permission's 403 (the permission matrix),
# so the permission is checked on the record, not at the door.
@staff_view("operations.change_serviceplan", per_record=True)
def plan_edit(request, pk):
    plan = get_record(request, ServicePlan.objects.select_related("project"), pk=pk)
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
@staff_view("operations.change_serviceplan")
def plan_service_add(request, pk):
    plan = get_record(request, ServicePlan.objects.select_related("project"), pk=pk)
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
@staff_view("operations.change_serviceplan")
def plan_service_remove(request, pk, item_pk):
    plan = get_record(request, ServicePlan.objects.select_related("project"), pk=pk)
    item = get_object_or_404(ServicePlanService, pk=item_pk, plan=plan)
    _run(request, lambda: services.plan_service_remove(item=item), _("已移除该服务。"))
    return redirect(plan)


@login_required
@require_POST
@staff_view("operations.submit_serviceplan")
def plan_submit(request, pk):
    plan = get_record(request, ServicePlan.objects.select_related("project"), pk=pk)
    _run(
        request,
        lambda: services.plan_submit(plan=plan, user=request.user),
        _("方案已报送总部住宅项目部备案。"),
    )
    return redirect(plan)


@login_required
@require_POST
@staff_view("operations.file_serviceplan")
def plan_review(request, pk, decision):
    plan = get_record(request, ServicePlan.objects.select_related("project"), pk=pk)
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
@staff_view("operations.add_serviceplan")
def plan_revise(request, pk):
    plan = get_record(request, ServicePlan.objects.select_related("project"), pk=pk)
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
