"""Views of the core: thin — scoped queryset → form → service → message → redirect."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access, imports, services
from salesite.attachments import attachment_add, attachments_for
from salesite.dashboard import registry as dashboard_registry
from salesite.exceptions import DomainError
from salesite.exports import PersonalData, export_format, export_response
from salesite.filters import CustomerFilter, UnitFilter
from salesite.forms import (
    AttachmentForm,
    CustomerForm,
    ImportForm,
    LoginForm,
    PhaseChangeForm,
    PurchaseForm,
    TenantForm,
    UnitForm,
)
from salesite.integrity import FAILED, save_or_form_error
from salesite.masking import mask_id_number, mask_phone
from salesite.models import (
    Attachment,
    Building,
    Customer,
    ImportBatch,
    Notification,
    Project,
    ProjectMembership,
    Purchase,
    Tenant,
    Unit,
)
from salesite.redirects import is_safe_url, next_url
from salesite.selectors import projects_for

PAGE_SIZE = 25


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def safe_next(request, fallback_obj=None) -> str:
    """The ``next`` parameter if it points into this site, else the record's page or home."""
    fallback = fallback_obj if hasattr(fallback_obj, "get_absolute_url") else "home"
    return next_url(request, fallback)


def service_form_page(
    request,
    *,
    form,
    call,
    success,
    title,
    back=None,
    template="salesite/form.html",
    extra=None,
    redirect_to=None,
):
    """A form page whose valid POST calls one service with the cleaned data.

    The caller checks permissions first. A refused move (DomainError) goes on the form as its
    error and nothing is lost, and so does a duplicate that a concurrent request stored first
    (an IntegrityError, see ``salesite.integrity``); success shows ``success`` and redirects to ``redirect_to`` if
    given, else to ``back`` — a record with get_absolute_url, a URL or URL name, or a callable
    given what the service returned (e.g. ``lambda batch: batch`` for the record it created).
    ``extra`` is more context for the template, or a callable giving it, so that a detail
    page's heavier context is built only when the page is rendered.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save_or_form_error(form, lambda: call(form.cleaned_data))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if result is not FAILED:  # else a concurrent duplicate, now on the form
                messages.success(request, success)
                target = back if redirect_to is None else redirect_to
                return redirect(target(result) if callable(target) else target)
    if callable(extra):
        extra = extra()
    context = {"form": form, "title": title, "back": back, **(extra or {})}
    return render(request, template, context)


COUNT_LIMIT = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_LIMIT + 1 rows.

    Counting a million problems on every page costs 100 ms on PostgreSQL; nobody pages past
    page 400. Beyond the limit the page shows "10000+" and pages stop at the limit."""

    @cached_property
    def count(self):
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return len(qs)
        if qs._fields is None and qs.query.group_by is None and not qs.query.combinator:
            # Only the primary keys, unordered: the index answers, annotations are not run.
            counted = qs.order_by().values("pk")[: COUNT_LIMIT + 1].count()
        else:  # grouped or values() rows: count them as they are
            counted = qs.count()
        self.capped = counted > COUNT_LIMIT
        return min(counted, COUNT_LIMIT)

    capped = False


def paginate(request, queryset, per_page=PAGE_SIZE):
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page"))


# Fields whose values the audit trail masks for users who may not see personal data (R-X-5).
PERSONAL_FIELDS = {"phone": mask_phone, "emergency_phone": mask_phone, "id_number": mask_id_number}


class MaskedLogEntry:
    """A log entry shown with its personal-data values masked; everything else delegated."""

    def __init__(self, entry, masks: dict):
        self._entry = entry
        self._masks = masks  # verbose name (str) → masking function

    def __getattr__(self, name):
        return getattr(self._entry, name)

    @property
    def changes_display_dict(self):
        shown = {}
        for label, values in self._entry.changes_display_dict.items():
            mask = self._masks.get(str(label))
            if mask is not None:
                values = [v if v in (None, "", "None") else mask(v) for v in values]
            shown[label] = values
        return shown


def audit_entries(obj, limit=50, *, user=None):
    """The record's change history; personal data masked unless the user may see it."""
    # content_type is read by every entry's changes_display_dict: join it, not a query per row.
    entries = list(
        LogEntry.objects.get_for_object(obj).select_related("actor", "content_type")[:limit]
    )
    if user is None or access.can_view_personal_data(user, obj):
        return entries
    masks = {}
    for name, mask in PERSONAL_FIELDS.items():
        try:
            masks[str(obj._meta.get_field(name).verbose_name)] = mask
        except FieldDoesNotExist:
            continue
    if not masks:
        return entries
    return [MaskedLogEntry(entry, masks) for entry in entries]


def projects_with_perm(user, perm):
    """Visible projects on which the user holds ``perm`` (for create forms)."""
    projects = list(Project.objects.visible_to(user).order_by("name"))
    return [p for p in projects if user.has_perm(perm, p)]


def record_context(request, obj):
    """What every record page shows: its attachments, its audit trail, the upload form.

    The page shows the record's attachments, so it requires what downloading them requires
    (``access.require_view``, the rule the record's app declared): a view that forgot its own
    check still cannot show them to a role that may not view the record."""
    access.require_view(request.user, obj)
    ct = ContentType.objects.get_for_model(obj)
    return {
        "attachments": attachments_for(obj),
        "audit_entries": audit_entries(obj, user=request.user),
        "owner": obj,
        "attachment_form": AttachmentForm(),
        "owner_ct": ct,
        "can_change": can_upload_attachment(request.user, obj),
        "personal_data_ok": access.can_view_personal_data(request.user, obj),
    }


# --- home and projects -------------------------------------------------------------------


@login_required
def home(request):
    projects = projects_for(request.user)
    roles = (
        ProjectMembership.objects.filter(user=request.user, is_active=True)
        .select_related("project", "role")
        .order_by("project__name", "role__order")
    )
    recent = request.user.notifications.filter(read_at__isnull=True)[:5]
    return render(
        request,
        "salesite/home.html",
        {
            "projects": projects[:50],
            "roles": roles,
            "recent_notifications": recent,
            # The apps' blocks (today's empty posts, overdue rectification, …) rendered in
            # the order the apps registered them (salesite/dashboard/registry.py).
            "home_blocks": dashboard_registry.home_blocks(request.user, timezone.localdate()),
        },
    )


@login_required
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


@login_required
def project_detail(request, pk):
    project = access.get_visible_or_404(
        Project.objects.select_related("service_centre", "property_company", "developer_company"),
        request.user,
        pk=pk,
    )
    buildings = project.buildings.annotate(unit_count=Count("units")).order_by("phase", "name")
    members = project.memberships.filter(is_active=True).select_related("role", "user", "contact")
    context = {
        "project": project,
        "buildings": buildings,
        "members": members,
        "phase_changes": project.phase_changes.select_related("changed_by"),
        "imports": project.import_batches.select_related("imported_by")[:10],
        "can_change_phase": request.user.has_perm("salesite.change_marketing_phase", project),
        "can_import": request.user.has_perm("salesite.import_register", project),
        **record_context(request, project),
    }
    return render(request, "salesite/project_detail.html", context)


@login_required
def project_phase_change(request, pk):
    project = access.get_visible_or_404(Project.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "salesite.change_marketing_phase", project)
    form = PhaseChangeForm(
        request.POST or None, project=project, initial={"changed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_change_phase(
                project=project,
                to_phase=form.cleaned_data["to_phase"],
                on=form.cleaned_data["changed_on"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("营销阶段已更新。"))
            return redirect("salesite:project_detail", pk=project.pk)
    return render(
        request, "salesite/form.html", {"form": form, "title": _("变更营销阶段"), "back": project}
    )


# --- units -----------------------------------------------------------------------------


@login_required
def unit_list(request):
    base = Unit.objects.permitted(request.user, "salesite.view_unit").select_related(
        "building", "project"
    )
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


@login_required
def unit_detail(request, pk):
    unit = access.get_visible_or_404(
        Unit.objects.select_related("building", "project"), request.user, pk=pk
    )
    access.require_view(request.user, unit)
    purchases = unit.purchases.select_related("customer")
    tenants = unit.tenants.all()
    return render(
        request,
        "salesite/unit_detail.html",
        {"unit": unit, "purchases": purchases, "tenants": tenants, **record_context(request, unit)},
    )


def _unit_form(request, unit=None):
    user = request.user
    allowed = projects_with_perm(user, "salesite.change_unit" if unit else "salesite.add_unit")
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


@login_required
def unit_create(request):
    return _unit_form(request)


@login_required
def unit_edit(request, pk):
    unit = access.get_visible_or_404(Unit.objects.select_related("building"), request.user, pk=pk)
    access.require_perm(request.user, "salesite.change_unit", unit)
    return _unit_form(request, unit)


# --- customers -------------------------------------------------------------------------


@login_required
def customer_list(request):
    # Customers carry personal data: only projects where a role grants view_customer.
    base = Customer.objects.permitted(request.user, "salesite.view_customer").select_related(
        "project"
    )
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


@login_required
def customer_detail(request, pk):
    customer = access.get_visible_or_404(
        Customer.objects.select_related("project"), request.user, pk=pk
    )
    access.require_view(request.user, customer)
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
            **record_context(request, customer),
        },
    )


@login_required
def customer_create(request):
    projects = projects_with_perm(request.user, "salesite.add_customer")
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


@login_required
def customer_edit(request, pk):
    customer = access.get_visible_or_404(Customer.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "salesite.change_customer", customer)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        saved = save_or_form_error(form, form.save)
        if saved is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("客户资料已保存。"))
            return redirect("salesite:customer_detail", pk=customer.pk)
    return render(
        request, "salesite/form.html", {"form": form, "title": _("编辑客户"), "back": customer}
    )


@login_required
def purchase_edit(request, customer_pk, pk=None):
    customer = access.get_visible_or_404(
        Customer.objects.select_related("project"), request.user, pk=customer_pk
    )
    purchase = get_object_or_404(Purchase, pk=pk, customer=customer) if pk else None
    access.require_perm(
        request.user, "salesite.change_purchase" if purchase else "salesite.add_purchase", customer
    )
    form = PurchaseForm(request.POST or None, instance=purchase, customer=customer)
    if request.method == "POST" and form.is_valid():
        saved = save_or_form_error(form, form.save)
        if saved is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("购房记录已保存。"))
            return redirect("salesite:customer_detail", pk=customer.pk)
    return render(
        request, "salesite/form.html", {"form": form, "title": _("购房记录"), "back": customer}
    )


@login_required
def tenant_edit(request, project_pk, pk=None):
    project = access.get_visible_or_404(Project.objects.all(), request.user, pk=project_pk)
    tenant = get_object_or_404(Tenant, pk=pk, project=project) if pk else None
    access.require_perm(
        request.user, "salesite.change_tenant" if tenant else "salesite.add_tenant", project
    )
    form = TenantForm(request.POST or None, instance=tenant, project=project)
    if request.method == "POST" and form.is_valid():
        tenant = save_or_form_error(form, form.save)
        if tenant is not FAILED:  # else a concurrent duplicate, now on the form
            messages.success(request, _("租户资料已保存。"))
            return redirect("salesite:unit_detail", pk=tenant.unit_id)
    return render(request, "salesite/form.html", {"form": form, "title": _("租户登记")})


# --- owner-register import (R-X-6) -----------------------------------------------------


@login_required
def import_register(request, project_pk):
    """Upload an owner register: the file is stored and a batch queued at once; the batch
    page follows the background job (salesite.imports)."""
    project = access.get_visible_or_404(Project.objects.all(), request.user, pk=project_pk)
    access.require_perm(request.user, "salesite.import_register", project)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = imports.import_batch_create(
            project=project, uploaded=form.cleaned_data["file"], user=request.user
        )
        messages.success(
            request,
            _("文件“%(name)s”已上传，正在后台校验和导入；本页会自动显示进度和结果。")
            % {"name": batch.file_name},
        )
        return redirect("salesite:import_batch", pk=batch.pk)
    return render(
        request,
        "salesite/import.html",
        {
            "form": form,
            "project": project,
            "columns": imports.COLUMNS,
            "batches": project.import_batches.select_related("imported_by")[:10],
            "max_bytes": settings.IMPORT_MAX_BYTES,
            "max_rows": settings.IMPORT_MAX_ROWS,
        },
    )


@login_required
def import_batch(request, pk):
    """One import job: its progress while it runs (polled by htmx), then the row errors or
    what was created and updated."""
    batch = access.get_visible_or_404(
        ImportBatch.objects.select_related("project", "imported_by"), request.user, pk=pk
    )
    access.require_perm(request.user, "salesite.import_register", batch.project)
    context = {"batch": batch, "project": batch.project}
    if request.htmx:
        return render(request, "salesite/import_batch_status.html", context)
    return render(request, "salesite/import_batch.html", context)


@login_required
def import_template(request, project_pk):
    """An empty owner register with the expected header and one example row."""
    project = access.get_visible_or_404(Project.objects.all(), request.user, pk=project_pk)
    access.require_perm(request.user, "salesite.import_register", project)
    example = {
        "楼栋": "1幢",
        "分期": "一期",
        "房号": "101",
        "楼层": 1,
        "户型": "三室两厅两卫",
        "建筑面积": "128.50",
        "客户姓名": "张三",
        "手机": "13800000000",
        "证件类型": "居民身份证",
        "证件号码": "11010519491231002X",
        "认购日期": "2026-01-05",
        "签约日期": "2026-01-15",
    }
    headers = imports.template_rows()
    return export_response(
        request, headers, [[example.get(h, "") for h in headers]], f"业主清册模板-{project.code}"
    )


# --- attachments (R-X-4) ---------------------------------------------------------------


def can_upload_attachment(user, owner) -> bool:
    """Adding a file needs the right to view the record and to change it."""
    meta = owner._meta
    return access.can_view_record(user, owner) and user.has_perm(
        f"{meta.app_label}.change_{meta.model_name}", owner
    )


def _owner_or_404(user, ct_id, object_id):
    """The record a file is attached to: only kinds that declared a view rule (each app in its
    ``ready()``) own attachments; another project's record is a 404."""
    ct = get_object_or_404(ContentType, pk=ct_id)
    model = ct.model_class()
    if model is None or not access.is_record_kind(model):
        raise Http404
    return access.get_visible_or_404(model.objects.all(), user, pk=object_id)


@login_required
@require_POST
def attachment_upload(request, ct_id, object_id):
    owner = _owner_or_404(request.user, ct_id, object_id)
    access.require_view(request.user, owner)
    if not can_upload_attachment(request.user, owner):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                owner=owner,
                uploaded=form.cleaned_data["file"],
                user=request.user,
                description=form.cleaned_data["description"],
                personal=form.cleaned_data["personal"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("附件已上传。"))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(safe_next(request, owner))


@login_required
def attachment_download(request, pk):
    attachment = access.get_visible_or_404(
        Attachment.objects.select_related("content_type"), request.user, pk=pk
    )
    owner = attachment.owner
    if (
        owner is None
        or not access.is_record_kind(type(owner))
        or not access.can_see(request.user, owner)
    ):
        raise Http404
    # The same answer as the owning record's page: 403 to a role that may not view it.
    access.require_view(request.user, owner)
    if attachment.personal and not access.can_view_personal_data(request.user, owner):
        raise PermissionDenied  # an ID scan: only for roles with personal-data access (R-X-5)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.mime_type,
        as_attachment=not attachment.is_image and attachment.mime_type != "application/pdf",
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- inbox -----------------------------------------------------------------------------


@login_required
def inbox(request):
    qs = request.user.notifications.select_related("project")
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    return render(request, "salesite/inbox.html", {"page": paginate(request, qs)})


@login_required
@require_POST
def inbox_read(request, pk=None):
    qs = request.user.notifications.filter(read_at__isnull=True)
    if pk is not None:
        n = get_object_or_404(Notification, pk=pk, recipient=request.user)
        if n.read_at is None:
            n.read_at = timezone.now()
            n.save(update_fields=["read_at"])
        if n.url and request.POST.get("follow") and is_safe_url(request, n.url):
            return redirect(n.url)
    else:
        count = qs.update(read_at=timezone.now())
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("salesite:inbox")
