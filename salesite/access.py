"""Access control in one layer (R-X-1).

Visibility: a user sees the projects they are a member of; a member whose role has company
scope (a subsidiary's GM or deputy) sees every project served by that property company; HQ
(users of the property HQ company, roles with "all" scope, superusers) sees every project.

Permissions: a role carries Django permissions (edited in admin). ``ProjectRoleBackend``
answers ``user.has_perm(perm, obj)`` for an object that belongs to a project with the
permissions of the user's roles that reach that project, so views ask
``user.has_perm("salesite.change_customer", customer)`` and cannot forget the project.

Record pages: each app declares, for every kind of record that has a page of its own (and so
may own attachments), the permission that page requires (``register_record_view``, called from
the app's ``AppConfig.ready``). The record's page, the attachments shown on it and their
download all ask ``can_view_record``/``require_view``, so they cannot disagree.

The result is computed once per user object (two queries) and cached on it; so are the user's
active memberships (``active_memberships``), which dashboards read instead of querying them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404


class Membership(NamedTuple):
    """One active membership of the user (what dashboards ask about the user's roles)."""

    project_id: int
    project_name: str
    role_id: int
    role_code: str


@dataclass
class Access:
    sees_all: bool = False
    project_ids: set[int] = field(default_factory=set)  # direct memberships
    company_ids: set[int] = field(default_factory=set)  # property companies with company scope
    all_perms: set[str] = field(default_factory=set)  # perms of "all"-scope roles
    project_perms: dict[int, set[str]] = field(default_factory=dict)
    company_perms: dict[int, set[str]] = field(default_factory=dict)
    personal_data_projects: set[int] = field(default_factory=set)
    personal_data_companies: set[int] = field(default_factory=set)
    personal_data_all: bool = False
    memberships: list[Membership] = field(default_factory=list)  # active ones
    _visible: list[int] | None = None


_ACCESS_SQL: list[str] = []


def _access_sql() -> str:
    """The access query (see get_access), built from the models' tables and columns once per
    process; parameters: the user's company id (may be NULL) and the user's id."""
    if not _ACCESS_SQL:
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        from salesite.models import Company, Project, ProjectMembership, Role

        q = connection.ops.quote_name

        def table(model) -> str:
            return q(model._meta.db_table)

        def col(model, name: str) -> str:
            return q(model._meta.get_field(name).column)

        through = Role.permissions.through
        m, r, p = ProjectMembership, Role, Project
        _ACCESS_SQL.append(
            f"SELECT m.{col(m, 'project')}, m.{col(m, 'role')}, r.{col(r, 'scope')}, "
            f"r.{col(r, 'can_view_personal_data')}, p.{col(p, 'property_company')}, "
            f"p.{col(p, 'name')}, r.{col(r, 'code')}, ct.{col(ContentType, 'app_label')}, "
            f"perm.{col(Permission, 'codename')}, "
            f"(SELECT c.{col(Company, 'kind')} FROM {table(Company)} c "
            f"WHERE c.{col(Company, 'id')} = %s) "
            f"FROM {table(m)} m "
            f"INNER JOIN {table(r)} r ON r.{col(r, 'id')} = m.{col(m, 'role')} "
            f"INNER JOIN {table(p)} p ON p.{col(p, 'id')} = m.{col(m, 'project')} "
            f"LEFT OUTER JOIN {table(through)} rp ON rp.{col(through, 'role')} = r.{col(r, 'id')} "
            f"LEFT OUTER JOIN {table(Permission)} perm "
            f"ON perm.{col(Permission, 'id')} = rp.{col(through, 'permission')} "
            f"LEFT OUTER JOIN {table(ContentType)} ct "
            f"ON ct.{col(ContentType, 'id')} = perm.{col(Permission, 'content_type')} "
            f"WHERE m.{col(m, 'user')} = %s AND m.{col(m, 'is_active')} "
            f"ORDER BY m.{col(m, 'id')}"
        )
    return _ACCESS_SQL[0]


def get_access(user) -> Access:
    cached = getattr(user, "_salesite_access", None)
    if cached is not None:
        return cached
    from salesite.models import Company, Role

    access = Access()
    if not user.is_authenticated or not user.is_active:
        user._salesite_access = access
        return access
    if user.is_superuser:
        access.sees_all = True
        access.personal_data_all = True
    # One query: the active memberships, each with its role's permissions (one row per
    # permission; a role without any gives one row of NULLs), and the kind of the user's company
    # (an uncorrelated subquery, evaluated once). Plain values, not model instances: a role
    # carries a hundred permissions or more, and building a Permission and a ContentType object
    # for each was a large share of a page. Its SQL is written once per process (_ACCESS_SQL):
    # the ORM took about 2 ms a request to build this nine-column, six-table query.
    company_id = user.company_id
    memberships: dict[tuple, None] = {}
    role_perms: dict[int, set[str]] = {}
    company_kind = None
    with connection.cursor() as cursor:
        cursor.execute(_access_sql(), [company_id, user.pk])
        for row in cursor.fetchall():
            memberships.setdefault(row[:7], None)
            if row[8] is not None:
                role_perms.setdefault(row[1], set()).add(f"{row[7]}.{row[8]}")
            company_kind = row[9]
    if company_id and not memberships:
        kinds = Company.objects.filter(pk=company_id).values_list("kind", flat=True)
        company_kind = next(iter(kinds), None)
    if company_kind == Company.Kind.PROPERTY_HQ:
        access.sees_all = True
    for project_id, role_id, scope, personal_data, company_id, name, code in memberships:
        access.memberships.append(Membership(project_id, name, role_id, code))
        perms = role_perms.get(role_id, set())
        access.project_ids.add(project_id)
        access.project_perms.setdefault(project_id, set()).update(perms)
        if personal_data:
            access.personal_data_projects.add(project_id)
        if scope == Role.Scope.COMPANY:
            access.company_ids.add(company_id)
            access.company_perms.setdefault(company_id, set()).update(perms)
            if personal_data:
                access.personal_data_companies.add(company_id)
        elif scope == Role.Scope.ALL:
            access.sees_all = True
            access.all_perms.update(perms)
            if personal_data:
                access.personal_data_all = True
    user._salesite_access = access
    return access


def active_memberships(user) -> list[Membership]:
    """The user's active memberships (project, role), read with the access (no query)."""
    return get_access(user).memberships


def visible_project_ids(user) -> list[int] | None:
    """Ids of the projects the user may see, or None for "every project"."""
    access = get_access(user)
    if access.sees_all:
        return None
    if access._visible is None:
        ids = set(access.project_ids)
        if access.company_ids:
            from salesite.models import Project

            ids.update(
                Project.objects.filter(property_company_id__in=access.company_ids).values_list(
                    "pk", flat=True
                )
            )
        access._visible = sorted(ids)
    return access._visible


def permitted_project_ids(user, perm: str) -> list[int] | None:
    """Ids of the visible projects on which the user's roles grant ``perm``; None for all."""
    access = get_access(user)
    if user.is_superuser or perm in access.all_perms:
        return None
    if access.sees_all and (user.has_perm(perm) or perm.partition(".")[2].startswith("view_")):
        return None  # HQ sees everything (R-X-1)
    ids = {pid for pid, perms in access.project_perms.items() if perm in perms}
    companies = [cid for cid, perms in access.company_perms.items() if perm in perms]
    if companies:
        from salesite.models import Project

        ids.update(
            Project.objects.filter(property_company_id__in=companies).values_list("pk", flat=True)
        )
    return sorted(ids)


def _project_of(obj):
    from salesite.models import Project

    if isinstance(obj, Project):
        return obj
    project = getattr(obj, "project", None)
    if project is None:
        raise TypeError(f"{type(obj).__name__} has no project")
    return project


def can_see(user, obj) -> bool:
    project = _project_of(obj)
    ids = visible_project_ids(user)
    return ids is None or project.pk in ids


def role_perms_for(user, project) -> set[str]:
    access = get_access(user)
    perms = set(access.all_perms)
    perms |= access.project_perms.get(project.pk, set())
    perms |= access.company_perms.get(project.property_company_id, set())
    return perms


def can_view_personal_data(user, obj) -> bool:
    """Full ID numbers and phones (R-X-5), for roles that need them, on records they see."""
    if not user.is_authenticated:
        return False
    access = get_access(user)
    if access.personal_data_all:
        return True
    project = _project_of(obj)
    if not can_see(user, project):
        return False
    return (
        project.pk in access.personal_data_projects
        or project.property_company_id in access.personal_data_companies
    )


class ProjectRoleBackend:
    """Object permissions from project roles; global permissions as the union of the roles."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        access = get_access(user_obj)
        if obj is None:
            return perm in self.get_all_permissions(user_obj)
        try:
            project = _project_of(obj)
        except TypeError:
            return False
        if not can_see(user_obj, project):
            return False
        if perm in role_perms_for(user_obj, project):
            return True
        # A user with the global model permission (admin-granted) may act on what they see.
        # HQ sees everything (R-X-1); other actions need the permission granted globally.
        return access.sees_all and (
            perm.partition(".")[2].startswith("view_") or user_obj.has_perm(perm)
        )

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active:
            return set()
        access = get_access(user_obj)
        if obj is not None:
            try:
                return role_perms_for(user_obj, _project_of(obj))
            except TypeError:
                return set()
        perms = set(access.all_perms)
        for group in (access.project_perms, access.company_perms):
            for p in group.values():
                perms |= p
        return perms


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one row through the visibility filter: another project's row is a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def require_perm(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# --- record pages (who may view a record, its attachments included) --------------------------


@dataclass(frozen=True)
class RecordView:
    """What viewing a record of one kind requires.

    ``perm``: the permission its page requires on the record's project (None: seeing the
    project is enough). ``via``: for a row shown on its parent's page (a defect on its
    inspection), the attribute leading to that parent, whose rule then applies."""

    perm: str | None = None
    via: str | None = None


_RECORD_VIEWS: dict[str, RecordView] = {}


def _label(model) -> str:
    return model._meta.label_lower


def register_record_view(model, perm: str | None = None, *, via: str | None = None) -> None:
    """Declare the view rule of a kind of record (from the owning app's ``ready()``)."""
    if perm is not None and via is not None:
        raise ValueError("a record view is either a permission or a parent, not both")
    _RECORD_VIEWS[_label(model)] = RecordView(perm=perm, via=via)


def record_view_kinds() -> dict[str, RecordView]:
    """Every declared kind of record ("app_label.modelname" → rule)."""
    return dict(_RECORD_VIEWS)


def is_record_kind(model) -> bool:
    return _label(model) in _RECORD_VIEWS


def page_record(obj):
    """The record whose page shows ``obj``: itself, or the parent it is shown on."""
    seen = 0
    while True:
        rule = _RECORD_VIEWS.get(_label(obj))
        if rule is None:
            raise LookupError(
                f"{_label(obj)} has no record view rule: call access.register_record_view "
                "for it in its app's ready()"
            )
        if rule.via is None:
            return obj
        obj = getattr(obj, rule.via)
        seen += 1
        if seen > 5:
            raise LookupError(f"record view rule of {_label(obj)} loops")


def can_view_record(user, obj) -> bool:
    """May ``user`` view ``obj``'s page and its attachments? (False for unknown kinds.)"""
    try:
        record = page_record(obj)
    except LookupError:
        return False
    if not can_see(user, record):
        return False
    perm = _RECORD_VIEWS[_label(record)].perm
    return perm is None or user.has_perm(perm, record)


def require_view(user, obj) -> None:
    """403 unless the user may view the record (call after the visibility filter's 404)."""
    page_record(obj)  # an undeclared kind is a programming error, not a 403
    if not can_view_record(user, obj):
        raise PermissionDenied
