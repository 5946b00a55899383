"""Pages of the register (R-CORE-2, R-CORE-10): projects and their marketing phase, units,
customers, purchases and tenants. Each view declares its permission (salesite.views_access)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite import panels, services
from salesite.exports import PersonalData, export_format, export_response
from salesite.filters import CustomerFilter, UnitFilter
from salesite.forms import (
    CustomerForm,
    PhaseChangeForm,
    PurchaseForm,
    TenantForm,
    UnitForm,
)
from salesite.integrity import FAILED, save_or_form_error
from salesite.models import (
    Building,
    Customer,
    Project,
    Purchase,
    Tenant,
    Unit,
)
from salesite.selectors import projects_for
from salesite.views import (
    paginate,
    projects_with_perm,
    record_context,
    service_form_page,
)
from salesite.views_access import get_record, permitted_rows, staff_view


@staff_view("salesite.view_project", per_record=True)  # the projects the user sees
def project_list(request):
    projects = projects_for(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        projects = projects.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if export_format(request):
        headers = [
            _("项目名称"),
            _("项目编码"),
            _("营销阶段"),
            _("阶段变更日期"),
            _("地产城市公司"),
            _("物业下属公司"),
            _("物管中心/处"),
            _("服务电话"),
            _("地址"),
            _("房屋数"),
            _("客户数"),
        ]
        rows = (
            (
                p.name,
                p.code,
                p.get_marketing_phase_display(),
                p.phase_changed_on,
                str(p.developer_company),
                str(p.property_company),
                str(p.service_centre),
                p.service_phone,
                p.address,
                p.unit_count,
                p.customer_count,
            )
            for p in projects.iterator(chunk_size=2000)
        )
        return export_response(request, headers, rows, _("项目"))
    return render(
        request, "salesite/project_list.html", {"page": paginate(request, projects), "q": q}
    )


@staff_view()
def project_detail(request, pk):
    project = get_record(
        request,
        Project.objects.select_related("service_centre", "property_company", "developer_company"),
        pk=pk,
    )
    buildings = project.buildings.annotate(unit_count=Count("units")).order_by("phase", "name")
    members = project.memberships.filter(is_active=True).select_related("role", "user", "contact")
    context = {
        "project": project,
        "buildings": buildings,
        "members": members,
        "phase_changes": project.phase_changes.select_related("by"),
        "imports": project.import_batches.select_related("imported_by")[:10],
        "can_change_phase": request.user.has_perm("salesite.change_marketing_phase", project),
        "can_import": request.user.has_perm("salesite.import_register", project),
        **record_context(request, project),
    }
    return render(request, "salesite/project_detail.html", context)


@staff_view("salesite.change_marketing_phase", per_record=True)
def project_phase_change(request, pk):
    project = get_record(request, Project.objects.all(), pk=pk)
    return service_form_page(
        request,
        form=PhaseChangeForm(
            request.POST or None, project=project, initial={"changed_on": timezone.localdate()}
        ),
        call=lambda data: services.project_change_phase(
            project=project,
            to_phase=data["to_phase"],
            on=data["changed_on"],
            note=data["note"],
            user=request.user,
        ),
        success=_("营销阶段已更新。"),
        title=_("变更营销阶段"),
        back=project,
    )


# --- units -----------------------------------------------------------------------------


@staff_view("salesite.view_unit", per_record=True)
def unit_list(request):
    base = permitted_rows(request, Unit.objects.select_related("building", "project"))
    f = UnitFilter(request.GET, queryset=base, request=request)
    units = f.qs.order_by("project__name", "building__name", "number")
    if export_format(request):
        rows = (
            (u.project.name, u.building.name, u.number, u.floor, u.unit_type, u.area)
            for u in units.iterator(chunk_size=2000)
        )
        headers = [_("项目"), _("楼栋"), _("房号"), _("楼层"), _("户型"), _("建筑面积(m²)")]
        return export_response(request, headers, rows, _("房屋"))
    return render(
        request, "salesite/unit_list.html", {"filter": f, "page": paginate(request, units)}
    )


@staff_view()
def unit_detail(request, pk):
    unit = get_record(request, Unit.objects.select_related("building", "project"), pk=pk)
    purchases = unit.purchases.select_related("customer")
    tenants = unit.tenants.all()
    return render(
        request,
        "salesite/unit_detail.html",
        {"unit": unit, "purchases": purchases, "tenants": tenants, **record_context(request, unit)},
    )


def _unit_form(request, unit=None):
    user = request.user
    allowed = projects_with_perm(user, request.staff_permission)  # add_unit / change_unit
    if unit is None and not allowed:
        raise PermissionDenied
    buildings = Building.objects.filter(project__in=allowed).select_related("project")
    form = UnitForm(request.POST or None, instance=unit, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        saved = save_or_form_error(form, form.save)
        if saved is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("房屋 %(unit)s 已保存。") % {"unit": saved})
            return redirect("salesite:unit_detail", pk=saved.pk)
    return render(
        request,
        "salesite/form.html",
        {"form": form, "title": _("编辑房屋") if unit else _("新增房屋"), "back": unit},
    )


@staff_view("salesite.add_unit")
def unit_create(request):
    return _unit_form(request)


@staff_view("salesite.change_unit", per_record=True)
def unit_edit(request, pk):
    unit = get_record(request, Unit.objects.select_related("building"), pk=pk)
    return _unit_form(request, unit)


# --- customers -------------------------------------------------------------------------


@staff_view("salesite.view_customer", per_record=True)
def customer_list(request):
    # Customers carry personal data: only projects where a role grants view_customer.
    base = permitted_rows(request, Customer.objects.select_related("project"))
    f = CustomerFilter(request.GET, queryset=base, request=request)
    customers = f.qs.order_by("project__name", "name", "pk")
    if export_format(request):
        return export_response(
            request,
            [
                _("项目"),
                _("姓名"),
                _("手机"),
                _("证件类型"),
                _("证件号码"),
                _("生日"),
                _("俱乐部会员"),
            ],
            _customer_export_rows(request.user, customers),
            _("客户"),
        )
    return render(
        request, "salesite/customer_list.html", {"filter": f, "page": paginate(request, customers)}
    )


def _customer_export_rows(user, customers):
    """Export rows; phone and ID numbers stay masked unless the role may see them (R-X-5)."""
    personal = PersonalData(user)
    for c in customers.iterator(chunk_size=2000):
        yield (
            c.project.name,
            c.name,
            personal.phone(c.project, c.phone),
            c.get_id_type_display(),
            personal.id_number(c.project, c.id_number),
            c.birthday,
            c.is_club_member,
        )


@staff_view()
def customer_detail(request, pk):
    customer = get_record(request, Customer.objects.select_related("project"), pk=pk)
    purchases = customer.purchases.select_related("unit__building")
    tenants = Tenant.objects.filter(unit__purchases__customer=customer).select_related(
        "unit__building"
    )
    return render(
        request,
        "salesite/customer_detail.html",
        {
            "customer": customer,
            "purchases": purchases,
            "tenants": tenants,
            "can_add_purchase": request.user.has_perm("salesite.add_purchase", customer),
            "can_add_tenant": request.user.has_perm("salesite.add_tenant", customer),
            "panels": panels.customer_panels(request, customer),
            **record_context(request, customer),
        },
    )


@staff_view("salesite.add_customer")
def customer_create(request):
    projects = projects_with_perm(request.user, request.staff_permission)
    if not projects:
        raise PermissionDenied
    qs = Project.objects.filter(pk__in=[p.pk for p in projects])
    form = CustomerForm(request.POST or None, projects=qs)
    if request.method == "POST" and form.is_valid():
        customer = save_or_form_error(form, form.save)
        if customer is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("客户 %(name)s 已创建。") % {"name": customer.name})
            return redirect("salesite:customer_detail", pk=customer.pk)
    return render(request, "salesite/form.html", {"form": form, "title": _("新增客户")})


@staff_view("salesite.change_customer", per_record=True)
def customer_edit(request, pk):
    customer = get_record(request, Customer.objects.all(), pk=pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        saved = save_or_form_error(form, form.save)
        if saved is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("客户资料已保存。"))
            return redirect("salesite:customer_detail", pk=customer.pk)
    return render(
        request, "salesite/form.html", {"form": form, "title": _("编辑客户"), "back": customer}
    )


@staff_view("salesite.add_purchase", per_record=True)
def purchase_create(request, customer_pk):
    customer = get_record(request, Customer.objects.select_related("project"), pk=customer_pk)
    return _purchase_form(request, customer)


@staff_view("salesite.change_purchase", per_record=True)
def purchase_edit(request, customer_pk, pk):
    customer = get_record(request, Customer.objects.select_related("project"), pk=customer_pk)
    return _purchase_form(request, customer, get_object_or_404(Purchase, pk=pk, customer=customer))


def _purchase_form(request, customer, purchase=None):
    form = PurchaseForm(request.POST or None, instance=purchase, customer=customer)
    if request.method == "POST" and form.is_valid():
        saved = save_or_form_error(form, form.save)
        if saved is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("购房记录已保存。"))
            return redirect("salesite:customer_detail", pk=customer.pk)
    return render(
        request, "salesite/form.html", {"form": form, "title": _("购房记录"), "back": customer}
    )


@staff_view("salesite.add_tenant", per_record=True)
def tenant_create(request, project_pk):
    return _tenant_form(request, get_record(request, Project.objects.all(), pk=project_pk))


@staff_view("salesite.change_tenant", per_record=True)
def tenant_edit(request, project_pk, pk):
    project = get_record(request, Project.objects.all(), pk=project_pk)
    return _tenant_form(request, project, get_object_or_404(Tenant, pk=pk, project=project))


def _tenant_form(request, project, tenant=None):
    form = TenantForm(request.POST or None, instance=tenant, project=project)
    if request.method == "POST" and form.is_valid():
        tenant = save_or_form_error(form, form.save)
        if tenant is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("租户资料已保存。"))
            return redirect("salesite:unit_detail", pk=tenant.unit_id)
    return render(request, "salesite/form.html", {"form": form, "title": _("租户登记")})
