"""What the handover views share: the permissions they check and the project pickers."""

from __future__ import annotations

from salesite import access
from salesite.models import Project
from salesite.views import projects_with_perm

from .. import selectors

PERFORM = "handover.perform_handover"
PAYMENT = "handover.record_payment"
NOTICE_SEND = "handover.send_progressnotice"
INSPECT = "handover.change_mockinspection"


def _pick_projects(request):
    projects = projects_with_perm(request.user, PERFORM)
    if not projects:
        access.require_perm(request.user, PERFORM)
    return projects


def _projects_qs(request, perm):
    projects = projects_with_perm(request.user, perm)
    if not projects:
        access.require_perm(request.user, perm)
    return Project.objects.filter(pk__in=[p.pk for p in projects]).order_by("name")


def _unit_form(request, form_class, perm, **kwargs):
    projects = _pick_projects(request) if perm == PERFORM else _projects_qs(request, perm)
    return form_class(
        request.POST or None,
        buildings=selectors.visible_buildings(request.user, projects),
        **kwargs,
    )
