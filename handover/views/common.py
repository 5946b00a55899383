"""What the handover views share: the permissions they declare and the project pickers."""

from __future__ import annotations

from salesite.models import Project
from salesite.views import projects_with_perm

from .. import selectors

PERFORM = "handover.perform_handover"
PAYMENT = "handover.record_payment"
NOTICE_SEND = "handover.send_progressnotice"
INSPECT = "handover.change_mockinspection"


def projects_for(request, perm: str):
    """The visible projects where the user holds ``perm`` (the view's ``staff_view`` has
    already refused a user who holds it on none), as a queryset for a form's choices."""
    projects = projects_with_perm(request.user, perm)
    return Project.objects.filter(pk__in=[p.pk for p in projects]).order_by("name")


def unit_form(request, form_class, perm, **kwargs):
    """A form picking a unit of the buildings of the projects where ``perm`` holds."""
    return form_class(
        request.POST or None,
        buildings=selectors.visible_buildings(request.user, projects_with_perm(request.user, perm)),
        **kwargs,
    )
