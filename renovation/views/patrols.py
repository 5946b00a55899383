"""Daily patrol pages (R-REN-6)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.views import paginate, record_context
from salesite.views_access import get_record, staff_view

from .. import selectors, services
from ..forms import PatrolForm
from ..models import PATROL_PERMS, PatrolKind, PatrolRecord
from .common import (
    FORM_TEMPLATE,
    _pick_day,
    _pick_project,
    _visible_projects,
)


@staff_view()
def patrol_today(request):
    """Today's patrols of a project: every active renovation × kind, done or missing."""
    projects = _visible_projects(request.user)
    project = _pick_project(request, projects)
    day = _pick_day(request)
    page = rows = None
    if project is not None:
        page = paginate(request, selectors.active_applications(request.user, project))
        rows = selectors.patrol_board(page.object_list, day)
    allowed = {
        kind
        for kind, perm in PATROL_PERMS.items()
        if project and request.user.has_perm(perm, project)
    }
    return render(
        request,
        "renovation/patrol_today.html",
        {
            "projects": projects,
            "project": project,
            "day": day,
            "is_today": day == timezone.localdate(),
            "page": page,
            "rows": rows,
            "allowed": allowed,
        },
    )


# The permission depends on the patrol kind, a URL argument; on the application.
@staff_view({"kind": PATROL_PERMS}, per_record=True)
def patrol_add(request, pk, kind):
    if kind not in PATROL_PERMS:
        raise Http404
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = PatrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.patrol_record(
                application=app, kind=kind, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("巡查已登记，可上传现场照片。"))
            return redirect(record)
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "title": f"{PatrolKind(kind).label} · {app.unit}", "back": app},
    )


@staff_view()
def patrol_detail(request, pk):
    record = get_record(
        request,
        PatrolRecord.objects.select_related(
            "application__unit__building", "patrolled_by", "project"
        ),
        pk=pk,
    )
    return render(
        request,
        "renovation/patrol_detail.html",
        {"record": record, "app": record.application, **record_context(request, record)},
    )
