"""What the handover views share: the permissions they declare and the project pickers."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required

from salesite.models import Project
from salesite.views import projects_with_perm
from salesite.views_access import declared_permission

from .. import selectors

PERFORM = "handover.perform_handover"
PAYMENT = "handover.record_payment"
NOTICE_SEND = "handover.send_progressnotice"
INSPECT = "handover.change_mockinspection"


def record_view(perm: str | None = None, *, post: str | None = None):
    """``staff_view`` for the page of one record (a pk in the URL): the same declaration
    (``staff_permission``, ``staff_post_permission``), enforced by ``get_record`` only, so
    another project's record stays a 404 before the permission's 403 — staff_view's early
    "holds it on no project" refusal would answer 403 for it (tests/permissions checks the 404).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            request.staff_permission = declared_permission(request, perm, post)
            return view(request, *args, **kwargs)

        wrapper.staff_permission = perm
        wrapper.staff_post_permission = post
        return login_required(wrapper)

    return decorate


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
