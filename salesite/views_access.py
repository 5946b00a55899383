"""One declaration of what a staff page requires, at the view.

::

    @staff_view("feedback.change_case")
    def case_dispatch(request, pk):
        case = get_record(request, Case.objects.select_related("project"), pk=pk)
        ...

``@staff_view(perm, post=…)`` logs the user in, refuses (403) one whose roles hold ``perm``
on no project, and records the permission on the view (``staff_permission``,
``staff_post_permission``) where the permission matrix test reads it. With
``per_record=True`` there is no early refusal: the permission applies to the row only (another
project's row stays a 404 before the 403) and a list of someone who holds it nowhere is empty
— for pages whose answers must not tell a role without the permission more than that. Inside, ``get_record``
fetches the row through the visibility filter (another project's row is a 404) and applies the
declared permission to the row's project (403), the ``post`` one for a POST; with no
permission declared, the record's page rule (``access.require_view``) applies. List pages
narrow their rows with ``permitted_rows``. The body holds no permission string of its own.

A permission that depends on a URL argument is declared as a mapping
``{"kwarg": {value: perm, ...}}`` (for ``perm`` or ``post``)::

    @staff_view({"side": {"engineering": REVIEW_ENGINEERING, "cs": REVIEW_CS}}, per_record=True)
    def application_review(request, pk, side): ...

The view's URL argument picks the permission (``staff_permission`` keeps the whole mapping;
``permission_for(view, kwargs)`` resolves it for given URL arguments and
``declared_permissions(view)`` lists every permission the view may require). A value the
mapping does not name requires a permission nobody holds: refused at the door (403), or with
``per_record=True`` by ``get_record`` — so the body may first answer an unknown value as it
sees fit (a 404 of its own).

A page whose POST carries several actions (``action=…``) may require, for one of them, a
second permission on the record besides ``post``: ``actions={"send": CHANGE_ITEM}``, applied by
``get_record`` (recorded as ``staff_action_permissions``).
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from salesite import access

ANY_MEMBER = None  # a page open to every member who sees the record's project


class _Undeclared:
    """The permission of a URL argument value the view's mapping does not name: nobody holds
    it (not even a superuser)."""

    def __repr__(self):
        return "UNDECLARED"


UNDECLARED = _Undeclared()


def staff_view(perm=ANY_MEMBER, *, post=None, per_record: bool = False, actions=None):
    """Declare (and enforce) the permission a staff view requires; see the module doc."""

    for declared in (perm, post):
        if isinstance(declared, dict) and not (
            len(declared) == 1 and isinstance(next(iter(declared.values())), dict)
        ):
            raise TypeError('a permission by URL argument is {"kwarg": {value: perm, ...}}')

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            required = _for_method(request.method, perm, post, kwargs)
            if (
                not per_record
                and required is not None
                and not holds_anywhere(request.user, required)
            ):
                raise PermissionDenied
            request.staff_permission = required
            request.staff_action_permission = (
                actions.get(request.POST.get("action"))
                if actions and request.method == "POST"
                else None
            )
            return view(request, *args, **kwargs)

        wrapper.staff_permission = perm
        wrapper.staff_post_permission = post
        wrapper.staff_per_record = per_record
        wrapper.staff_action_permissions = dict(actions or {})
        return login_required(wrapper)

    return decorate


def _for_method(method, perm, post, kwargs):
    chosen = post if (post is not None and method == "POST") else perm
    return _by_argument(chosen, kwargs or {})


def _by_argument(perm, kwargs):
    """``perm`` itself, or the one a ``{"kwarg": {value: perm}}`` mapping gives the URL
    argument (``UNDECLARED`` for a value it does not name)."""
    if not isinstance(perm, dict):
        return perm
    ((kwarg, table),) = perm.items()
    return table.get(kwargs.get(kwarg), UNDECLARED)


def permission_for(view, kwargs=None, method: str = "GET"):
    """The permission ``view`` requires for a request with these URL ``kwargs`` (what the
    permission matrix reads): a string, ``None`` (any member) or ``UNDECLARED``."""
    perm = getattr(view, "staff_permission", None)
    post = getattr(view, "staff_post_permission", None)
    return _for_method(method, perm, post, kwargs)


def declared_permissions(view) -> set[str]:
    """Every permission a view decorated with ``staff_view`` may require (GET and POST, every
    value of a URL argument); empty for a page open to every member."""
    found = set()
    for perm in (
        getattr(view, "staff_permission", None),
        getattr(view, "staff_post_permission", None),
    ):
        if isinstance(perm, dict):
            ((_kwarg, table),) = perm.items()
            found.update(table.values())
        elif perm is not None:
            found.add(perm)
    found.update(getattr(view, "staff_action_permissions", {}).values())
    return found


def holds_anywhere(user, perm) -> bool:
    """Does any of the user's roles grant ``perm`` on some project they see? (No query beyond
    the user's cached access.)"""
    if perm is UNDECLARED:
        return False
    if user.is_superuser:
        return True
    ids = access.permitted_project_ids(user, perm)
    return ids is None or bool(ids)


def get_record(request, queryset, **lookup):
    """The row, 404 unless visible, 403 unless the view's permission holds on its project."""
    obj = access.get_visible_or_404(queryset, request.user, **lookup)
    perm = getattr(request, "staff_permission", None)
    if perm is None:
        access.require_view(request.user, obj)
    elif perm is UNDECLARED or not request.user.has_perm(perm, obj):
        raise PermissionDenied
    action_perm = getattr(request, "staff_action_permission", None)
    if action_perm is not None and not request.user.has_perm(action_perm, obj):
        raise PermissionDenied
    return obj


def permitted_rows(request, queryset):
    """A list page's rows: of the projects where the view's permission holds (visible rows
    when the view is open to every member)."""
    perm = getattr(request, "staff_permission", None)
    if perm is None:
        return queryset.visible_to(request.user)
    if perm is UNDECLARED:
        return queryset.none()
    return queryset.permitted(request.user, perm)
