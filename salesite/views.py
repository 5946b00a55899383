"""Views of the core: thin — scoped queryset → form → service → message → redirect.

The shared helpers of every app's views (``service_form_page``, ``paginate``,
``record_context``…), the home page and the inbox live here; the register's pages are in
``salesite.register_views``, the import's in ``salesite.import_views`` and the attachments' in
``salesite.attachment_views``."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.attachments import attachments_for
from salesite.dashboard import registry as dashboard_registry
from salesite.exceptions import DomainError
from salesite.forms import (
    AttachmentForm,
    LoginForm,
)
from salesite.integrity import FAILED, save_or_form_error
from salesite.masking import mask_id_number, mask_phone
from salesite.models import (
    Notification,
    Project,
    ProjectMembership,
)
from salesite.redirects import is_safe_url, next_url
from salesite.selectors import home_projects
from salesite.views_access import staff_view

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


# --- home -------------------------------------------------------------------


@staff_view()  # every logged-in user; the blocks narrow to their projects
def home(request):
    projects = home_projects(request.user, limit=50)
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
            "projects": projects,
            "roles": roles,
            "recent_notifications": recent,
            # The apps' blocks (today's empty posts, overdue rectification, …) rendered in
            # the order the apps registered them (salesite/dashboard/registry.py).
            "home_blocks": dashboard_registry.home_blocks(request.user, timezone.localdate()),
        },
    )


# --- attachments (R-X-4): the pages are in salesite.attachment_views ----------------------


def can_upload_attachment(user, owner) -> bool:
    """Adding a file needs the right to view the record and to change it."""
    meta = owner._meta
    return access.can_view_record(user, owner) and user.has_perm(
        f"{meta.app_label}.change_{meta.model_name}", owner
    )


# --- inbox -----------------------------------------------------------------------------


@staff_view()  # the user's own notifications
def inbox(request):
    qs = request.user.notifications.select_related("project")
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    return render(request, "salesite/inbox.html", {"page": paginate(request, qs)})


@staff_view()  # the user's own notifications
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
