"""One declaration of what a staff page requires, at the view.

::

    @staff_view("feedback.change_case")
    def case_dispatch(request, pk):
        case = get_record(request, Case.objects.select_related("project"), pk=pk)
        ...

``@staff_view(perm, post=…)`` logs the user in, refuses (403) one whose roles hold ``perm``
on no project, and records the permission on the view (``staff_permission``,
``staff_post_permission``) where the permission matrix test reads it. Inside, ``get_record``
fetches the row through the visibility filter (another project's row is a 404) and applies the
declared permission to the row's project (403), the ``post`` one for a POST; with no
permission declared, the record's page rule (``access.require_view``) applies. List pages
narrow their rows with ``permitted_rows``. The body holds no permission string of its own.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from salesite import access

ANY_MEMBER = None  # a page open to every member who sees the record's project


def staff_view(perm: str | None = ANY_MEMBER, *, post: str | None = None):
    """Declare (and enforce) the permission a staff view requires; see the module doc."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            required = declared_permission(request, perm, post)
            if required is not None and not holds_anywhere(request.user, required):
                raise PermissionDenied
            request.staff_permission = required
            return view(request, *args, **kwargs)

        wrapper.staff_permission = perm
        wrapper.staff_post_permission = post
        return login_required(wrapper)

    return decorate


def declared_permission(request, perm, post):
    return post if (post is not None and request.method == "POST") else perm


def holds_anywhere(user, perm: str) -> bool:
    """Does any of the user's roles grant ``perm`` on some project they see?"""
    if user.has_perm(perm):
        return True
    ids = access.permitted_project_ids(user, perm)
    return ids is None or bool(ids)


def get_record(request, queryset, **lookup):
    """The row, 404 unless visible, 403 unless the view's permission holds on its project."""
    obj = access.get_visible_or_404(queryset, request.user, **lookup)
    perm = getattr(request, "staff_permission", None)
    if perm is None:
        access.require_view(request.user, obj)
    elif not request.user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def permitted_rows(request, queryset):
    """A list page's rows: of the projects where the view's permission holds (visible rows
    when the view is open to every member)."""
    perm = getattr(request, "staff_permission", None)
    if perm is None:
        return queryset.visible_to(request.user)
    return queryset.permitted(request.user, perm)
