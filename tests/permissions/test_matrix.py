"""Permission matrix (R-X-1): every URL pattern of the site × every demo role of a project.

The URL patterns come from the URL conf, so a new view cannot be forgotten: a URL name that
``URLS`` does not classify fails ``test_every_url_pattern_is_classified``. Each entry says what
kind of page it is and how to fill its URL kwargs from the demo data (``seed_demo``):

* ``Page(perm)``: no object in the URL (lists, reports, create forms). With ``perm`` it is a
  list page that must answer 200 to every role holding that permission on the project.
* ``Obj(resolver)``: a page of one object; ``resolver(project)`` returns the URL kwargs for an
  object of that project (or None when the demo has none).
* ``PostOnly(resolver)``: a ``require_POST`` view; GET answers 405 to a logged-in user (its
  project check is covered by the app's own POST tests, never by this GET-only matrix).
* ``OwnerPage(resolver)``: a page of the owner portal (owners/): every staff role gets 403,
  an anonymous visitor the owner login; the demo owner (``owners.demo``) gets 200 on their own
  object and 404 on another owner's. Conversely, every staff URL sends the demo owner's
  session to the staff login (``test_a_portal_session_is_refused_by_every_staff_url``).

Owner pages need no entry: every URL name of the "owners" namespace whose view is an
``owners.sessions.owner_view`` (``wrapper.owner_view = True``) is an owner page, with its URL
kwargs filled generically (every int kwarg the demo owner's first unit in the project). Every
check of owner pages (staff 403 on GET and POST, anonymous to the owner login, owner and tenant
sessions) covers it as soon as it is in the URL conf. An explicit ``OwnerPage(resolver)`` in
``URLS`` adds the check that the demo owner reaches their own object (200) and not another
owner's (404): give one for a page of one object when the demo has such objects.

Besides the binjiang staff roles, the matrix has two portal columns: ``portal_owner`` (the demo
owner, logged in through ``owners.sessions.log_in``) and ``portal_tenant`` (a binjiang tenant,
not an owner). Every staff URL answers both with the staff login, on GET and on POST.

Attachments: every kind of record that may own files (each app declares it with
``access.register_record_view``) gets a file on a binjiang record, and its download must answer
every role exactly as the record's own page does (``test_attachment_answers_as_its_record_page``).

The observed answers (URL name × binjiang role → status) are compared with
``expected_matrix.json``. After a deliberate change of permissions, rewrite it with
``UPDATE_MATRIX=1 .venv/bin/pytest tests/permissions`` and review the diff before committing.
A cell noted "KNOWN BUG" in the JSON is a permission that looks wrong by the SPEC: it holds the
answer the SPEC asks for and the test is an expected failure until the view is fixed.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from salesite.access import record_view_kinds
from salesite.views_access import holds_anywhere, permission_for
from tests import module_db

EXPECTED_FILE = Path(__file__).with_name("expected_matrix.json")
UPDATE = os.environ.get("UPDATE_MATRIX") == "1"

OWN = "binjiang"  # the users' own project
SAME_COMPANY = "yunqi"  # another project of the same property company (杭州物业分公司)
OTHER_COMPANY = "haitang"  # a project of another property company (宁波物业分公司)

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/", "__debug__/")
# Public by design, or (password_change) every logged-in user's own account, the same for every
# role and without a project: tests/salesite/test_accounts.py covers them, and
# tests/feedback/test_survey_links.py the survey answered by SMS link (no login, by token).
SKIPPED_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "survey_answer",
}
# The handover venue screen by its secret link (no login): tests/handover/test_day.py.
SKIPPED_NAMES |= {"venue_screen", "venue_board", "venue_qr", "venue_document"}
# The owner portal's own login and logout (public by design): tests/owners/test_views.py.
SKIPPED_NAMES |= {"owners:login", "owners:login_verify", "owners:logout"}

# Roles checked against another company's objects (R-X-1: "users see only their projects").
CROSS_PROJECT_ROLES = ("front_desk", "security", "cashier", "engineering", "dev_sales_director")
ALLOWED = {200, 302, 403, 404}

Kwargs = dict[str, object]
Resolver = Callable[[object], Kwargs | None]


# --- URL kwargs from the demo data --------------------------------------------------------------


def _first(label: str, project, **filters):
    model = apps.get_model(label)
    return model.objects.filter(project=project, **filters).order_by("pk").first()


def pk_of(label: str, kwarg: str = "pk", **filters) -> Resolver:
    """The pk of the first ``label`` row of the project."""

    def resolve(project):
        obj = _first(label, project, **filters)
        return None if obj is None else {kwarg: obj.pk}

    resolve.label = label
    resolve.filters = filters
    return resolve


def child_of(label: str, parent: str, child_kwarg: str, parent_kwarg: str = "pk") -> Resolver:
    """A child row (``label``) with its parent's pk: ``{parent_kwarg, child_kwarg}``."""

    def resolve(project):
        model = apps.get_model(label)
        obj = model.objects.filter(**{f"{parent}__project": project}).order_by("pk").first()
        if obj is None:
            return None
        return {parent_kwarg: getattr(obj, f"{parent}_id"), child_kwarg: obj.pk}

    return resolve


def plus(resolver: Resolver, **constants) -> Resolver:
    def resolve(project):
        kwargs = resolver(project)
        return None if kwargs is None else {**kwargs, **constants}

    return resolve


def project_pk(kwarg: str = "project_pk") -> Resolver:
    return lambda project: {kwarg: project.pk}


def attachment_owner(project):
    att = _first("salesite.Attachment", project)
    if att is None:
        customer = _first("salesite.Customer", project)
        from django.contrib.contenttypes.models import ContentType

        return {"ct_id": ContentType.objects.get_for_model(customer).pk, "object_id": customer.pk}
    return {"ct_id": att.content_type_id, "object_id": att.object_id}


def staff_of(project):
    from salesite.models import ProjectMembership

    m = ProjectMembership.objects.filter(project=project, role__code="front_desk").first()
    return None if m is None else {"user_pk": m.user_id}


def purchase_of(project):
    obj = _first("salesite.Purchase", project)
    return None if obj is None else {"customer_pk": obj.customer_id, "pk": obj.pk}


def tenant_of(project):
    obj = _first("salesite.Tenant", project)
    return None if obj is None else {"project_pk": project.pk, "pk": obj.pk}


tenant_of.label = "salesite.Tenant"


def refund_of(project):
    obj = _first("renovation.DepositRefund", project)
    return None if obj is None else {"pk": obj.application_id}


refund_of.label = "renovation.DepositRefund"


def add_missing_objects(projects) -> None:
    """The demo leaves some records out of some projects (haitang has no handover, no plan,
    nobody has an attachment): add what the matrix needs. A missing row of ``project`` is a copy
    of binjiang's (or of a shared, project-less) row moved to ``project``: the views look the
    row up by pk through the project filter, which is what the matrix checks."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from salesite.models import Attachment, Customer, Tenant, Unit

    for project in projects.values():
        if not Tenant.objects.filter(project=project).exists():
            unit = Unit.objects.filter(project=project).order_by("pk").first()
            Tenant.objects.create(project=project, unit=unit, name="租户", phone="13800000000")
        if not Attachment.objects.filter(project=project).exists():
            customer = Customer.objects.filter(project=project).order_by("pk").first()
            Attachment.objects.create(
                project=project,
                content_type=ContentType.objects.get_for_model(Customer),
                object_id=customer.pk,
                file=ContentFile(b"%PDF-1.4 matrix", name="matrix.pdf"),
                original_name="matrix.pdf",
                mime_type="application/pdf",
                size=15,
            )
    for spec in URLS.values():
        if not isinstance(spec, Obj) or not hasattr(spec.resolve, "label"):
            continue
        model = apps.get_model(spec.resolve.label)
        filters = getattr(spec.resolve, "filters", {})
        for code in (OWN, SAME_COMPANY, OTHER_COMPANY):
            if not model.objects.filter(project=projects[code], **filters).exists():
                copy_into(model, projects[code], filters=filters)


def attach_to_every_record_kind(project) -> dict[str, object]:
    """{kind: an attachment on a ``project`` record of that kind}, for every kind of record
    that may own files (``access.record_view_kinds``); a file is added where the demo has none.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    from salesite.access import record_view_kinds
    from salesite.models import Attachment, Project

    found = {}
    for kind in sorted(record_view_kinds()):
        model = apps.get_model(kind)
        if model is Project:
            owner = project
        else:
            rows = model.objects.for_project(project).order_by("pk")
            owner = rows.first() or copy_into(model, project)
        if owner is None:
            found[kind] = None  # reported by the test
            continue
        ct = ContentType.objects.get_for_model(model)
        attachment = (
            Attachment.objects.filter(content_type=ct, object_id=owner.pk).order_by("pk").first()
        )
        if attachment is None:
            attachment = Attachment.objects.create(
                project=project,
                content_type=ct,
                object_id=owner.pk,
                file=ContentFile(b"%PDF-1.4 matrix", name="matrix.pdf"),
                original_name=f"matrix-{kind}.pdf",
                mime_type="application/pdf",
                size=15,
            )
        found[kind] = attachment
    return found


def contractor_of(project):
    """A contractor of the register serving ``project`` (issue #16)."""
    from salesite.models import Contractor

    obj = Contractor.objects.filter(projects=project).order_by("pk").first()
    return None if obj is None else {"pk": obj.pk}


def competition_of(project):
    """A skill competition of the project's property company (issue #16)."""
    from salesite.models import SkillCompetition

    obj = SkillCompetition.objects.filter(company=project.property_company_id).order_by("pk")
    obj = obj.first()
    return None if obj is None else {"pk": obj.pk}


def defect_of(project):
    obj = _first("handover.InspectionDefect", project)
    return None if obj is None else {"pk": obj.inspection_id, "defect_pk": obj.pk}


def _project_scoped(model) -> bool:
    return any(f.name == "project" for f in model._meta.concrete_fields)


def copy_into(model, project, depth: int = 0, filters=None):
    """A copy of the first row of ``model`` (binjiang's, or a shared one) in ``project``, its
    foreign keys to project records pointed at unused rows of ``project`` (copied in turn)."""
    source = (
        model.objects.exclude(project=project)
        .filter(**(filters or {}))
        .order_by("project_id", "pk")
        .first()
    )
    if source is None or depth > 4:
        return None
    copy = model.objects.get(pk=source.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.project = project
    for f in model._meta.concrete_fields:
        related = f.related_model
        if not f.many_to_one and not f.one_to_one:
            continue
        if f.name == "project" or related is None or getattr(copy, f.attname) is None:
            continue
        if not _project_scoped(related):
            if f.unique and f.null:
                setattr(copy, f.name, None)
            continue
        candidates = related.objects.filter(project=project).order_by("pk")
        unused = candidates.exclude(
            pk__in=model.objects.filter(**{f"{f.name}__isnull": False}).values(f.name)
        )
        target = unused.first() or (None if f.unique else candidates.first())
        if target is None:
            target = copy_into(related, project, depth + 1)
        setattr(copy, f.name, target)
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        return None  # reported by test_demo_has_an_object_for_every_object_url
    return copy


@dataclass(frozen=True)
class Page:
    perm: str | None = None  # a list page: 200 for every role with this permission


@dataclass(frozen=True)
class Obj:
    resolve: Resolver


@dataclass(frozen=True)
class PostOnly:
    resolve: Resolver | None = None


@dataclass(frozen=True)
class OwnerPage:
    resolve: Resolver | None = None
    post: bool = False  # a POST-only owner action: its own object is checked with a POST


Spec = Page | Obj | PostOnly | OwnerPage


def demo_owner_unit(project):
    """A unit of the demo owner (owners.demo) in the project."""
    from owners.demo import DEMO_OWNER_MOBILE

    p = _first("salesite.Purchase", project, customer__phone=DEMO_OWNER_MOBILE, is_active=True)
    return None if p is None else {"pk": p.unit_id}


def other_owner_unit(project):
    """A unit of the project that the demo owner neither owns nor rents."""
    from owners.demo import DEMO_OWNER_MOBILE

    p = (
        apps.get_model("salesite.Purchase")
        .objects.filter(project=project)
        .exclude(unit__purchases__customer__phone=DEMO_OWNER_MOBILE)
        .exclude(unit__tenants__phone=DEMO_OWNER_MOBILE)
        .order_by("pk")
        .first()
    )
    return None if p is None else {"pk": p.unit_id}


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _owner_case(project, *, demo: bool, photo: bool = False):
    """A case (with a photo) of the demo owner, or of another owner, in the project; made
    through the services when the demo has none."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from feedback.models import Case
    from owners.demo import DEMO_OWNER_MOBILE
    from owners.selectors import load_owner
    from owners.services.cases import owner_case_submit
    from salesite.attachments import attachment_add
    from salesite.models import Attachment, Purchase

    cases = Case.objects.filter(project=project, customer__isnull=False)
    cases = (
        cases.filter(customer__phone=DEMO_OWNER_MOBILE)
        if demo
        else cases.exclude(customer__phone=DEMO_OWNER_MOBILE)
    )
    case = cases.order_by("pk").first()
    if case is None:
        purchases = Purchase.objects.filter(project=project, is_active=True)
        purchases = (
            purchases.filter(customer__phone=DEMO_OWNER_MOBILE)
            if demo
            else purchases.exclude(customer__phone=DEMO_OWNER_MOBILE)
        )
        purchase = purchases.select_related("customer").order_by("pk").first()
        if purchase is None:
            return None
        case = owner_case_submit(
            owner=load_owner(purchase.customer.phone),
            unit_id=purchase.unit_id,
            kind="repair",
            content="权限矩阵测试报修",
        )
    if not photo:
        return {"pk": case.pk}
    found = Attachment.objects.filter(
        object_id=case.pk, content_type__model="case", mime_type__startswith="image/"
    ).first() or attachment_add(
        owner=case, uploaded=SimpleUploadedFile("m.png", PNG), user=None, description="matrix"
    )
    return {"pk": case.pk, "photo_pk": found.pk}


def demo_owner_case(project):
    return _owner_case(project, demo=True)


def other_owner_case(project):
    return _owner_case(project, demo=False)


def demo_owner_photo(project):
    return _owner_case(project, demo=True, photo=True)


def other_owner_photo(project):
    return _owner_case(project, demo=False, photo=True)


def project_self(project):
    return {"pk": project.pk}


# Rows of the owner portal's 通知/装修/交房 pages: the demo owner's own (binjiang) and another
# owner's (every project), made by ``add_owner_rows`` where the demo has none.


def _owner_purchases(project, *, demo: bool):
    from owners.demo import DEMO_OWNER_MOBILE

    purchases = apps.get_model("salesite.Purchase").objects.filter(project=project, is_active=True)
    if demo:
        return purchases.filter(customer__phone=DEMO_OWNER_MOBILE)
    return purchases.exclude(customer__phone=DEMO_OWNER_MOBILE).exclude(
        unit__purchases__customer__phone=DEMO_OWNER_MOBILE
    )


def _owner_notice(demo: bool) -> Resolver:
    def resolve(project):
        rows = apps.get_model("handover.NoticeRecipient").objects.filter(
            project=project,
            notice__status="sent",
            customer__in=_owner_purchases(project, demo=demo).values("customer"),
        )
        row = rows.order_by("pk").first()
        return None if row is None else {"kind": "notice", "pk": row.pk}

    return resolve


def _owner_application(demo: bool) -> Resolver:
    def resolve(project):
        row = (
            apps.get_model("renovation.RenovationApplication")
            .objects.filter(
                project=project, owner__in=_owner_purchases(project, demo=demo).values("customer")
            )
            .order_by("pk")
            .first()
        )
        return None if row is None else {"pk": row.pk}

    return resolve


def _owner_file(label: str, owner_path: str, demo: bool) -> Resolver:
    def resolve(project):
        from django.contrib.contenttypes.models import ContentType

        from salesite.models import Attachment

        model = apps.get_model(label)
        rows = model.objects.filter(
            **{f"{owner_path}__in": _owner_purchases(project, demo=demo).values("customer")}
        )
        att = (
            Attachment.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=rows.values("pk"),
                personal=False,
            )
            .order_by("pk")
            .first()
        )
        return None if att is None else {"pk": att.pk}

    return resolve


demo_owner_notice, other_owner_notice = _owner_notice(True), _owner_notice(False)
demo_owner_application, other_owner_application = (
    _owner_application(True),
    _owner_application(False),
)
demo_owner_document_file, other_owner_document_file = (
    _owner_file("renovation.ApplicationDocument", "application__owner", True),
    _owner_file("renovation.ApplicationDocument", "application__owner", False),
)
demo_owner_handover_photo, other_owner_handover_photo = (
    _owner_file("handover.RectificationItem", "case__customer", True),
    _owner_file("handover.RectificationItem", "case__customer", False),
)
demo_owner_finding_photo, other_owner_finding_photo = (
    _owner_file("handover.PreviewFinding", "customer", True),
    _owner_file("handover.PreviewFinding", "customer", False),
)
# The demo owner's object → another owner's object of the same kind (a 404 for the demo owner).
OTHER_OWNER_RESOLVER = {
    demo_owner_unit: other_owner_unit,
    demo_owner_notice: other_owner_notice,
    demo_owner_application: other_owner_application,
    demo_owner_document_file: other_owner_document_file,
    demo_owner_handover_photo: other_owner_handover_photo,
    demo_owner_finding_photo: other_owner_finding_photo,
    demo_owner_case: other_owner_case,
    demo_owner_photo: other_owner_photo,
}


def add_owner_rows(projects) -> None:
    """For the demo owner (binjiang) and another owner (every project): a notice sent to them,
    a renovation application with a file on a document line, and a rectification item of
    their unit's handover with a photo — each where the demo has none."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from handover.models import (
        DeliveryBatch,
        HandoverCase,
        NoticeRecipient,
        PreviewFinding,
        ProgressNotice,
        RectificationItem,
    )
    from renovation.models import ApplicationDocument, RenovationApplication
    from salesite.models import Attachment
    from tests.renovation.factories import ApplicationFactory

    def attach(row, project, name, mime, data):
        ct = ContentType.objects.get_for_model(row)
        if not Attachment.objects.filter(content_type=ct, object_id=row.pk, personal=False):
            Attachment.objects.create(
                project=project,
                content_type=ct,
                object_id=row.pk,
                file=ContentFile(data, name=name),
                original_name=name,
                mime_type=mime,
                size=len(data),
            )

    for code, project in projects.items():
        for demo in (True, False) if code == OWN else (False,):
            purchase = _owner_purchases(project, demo=demo).order_by("pk").first()
            customer = purchase.customer
            if not NoticeRecipient.objects.filter(customer=customer, notice__status="sent"):
                notice = ProgressNotice.objects.create(
                    project=project,
                    kind="design_change",
                    title="矩阵通报",
                    body="矩阵",
                    status="sent",
                    sent_at=timezone.now(),
                )
                NoticeRecipient.objects.create(project=project, notice=notice, customer=customer)
            app = RenovationApplication.objects.filter(owner=customer).order_by("pk").first()
            if app is None:
                app = ApplicationFactory(unit=purchase.unit, owner=customer)
            doc, _new = ApplicationDocument.objects.get_or_create(
                project=project, application=app, kind="drawing_plan"
            )
            attach(doc, project, "plan.pdf", "application/pdf", b"%PDF-1.4 matrix")
            case = HandoverCase.objects.filter(unit=purchase.unit).first()
            if case is None:
                case = HandoverCase.objects.create(
                    project=project, unit=purchase.unit, purchase=purchase, customer=customer
                )
            item = RectificationItem.objects.filter(case=case).order_by("pk").first()
            if item is None:  # bulk: past the guard of a signed handover (models/signatures.py)
                (item,) = RectificationItem.objects.bulk_create(
                    [
                        RectificationItem(
                            project=project,
                            case=case,
                            location="主卫",
                            description="矩阵",
                            responsible_unit="总包",
                            deadline=datetime.date(2099, 1, 1),
                            found_on=datetime.date(2026, 1, 5),
                        )
                    ]
                )
            attach(item, project, "photo.png", "image/png", b"\x89PNG\r\n\x1a\nmatrix")
            finding = PreviewFinding.objects.filter(customer=customer).order_by("pk").first()
            if finding is None:
                batch = DeliveryBatch.objects.filter(project=project).order_by("pk").first()
                if batch is None:
                    batch = DeliveryBatch.objects.create(
                        project=project,
                        name="矩阵批次",
                        planned_delivery_date=datetime.date(2099, 1, 1),
                    )
                finding = PreviewFinding.objects.create(
                    project=project,
                    batch=batch,
                    unit=purchase.unit,
                    customer=customer,
                    category="finish",
                    location="客厅",
                    description="矩阵",
                    responsible_unit="总包",
                    deadline=datetime.date(2099, 1, 1),
                    found_on=datetime.date(2026, 1, 5),
                )
            attach(finding, project, "photo.png", "image/png", b"\x89PNG\r\n\x1a\nmatrix")


DAY = "2026-01-05"

# Every URL name of the site (minus admin, i18n, login and logout) → its classification.
URLS: dict[str, Spec] = {
    "home": Page(),
    "dashboard:my_work": Page(),
    "dashboard:dashboard": Page(),
    # core
    "salesite:project_list": Page("salesite.view_project"),
    "salesite:project_detail": Obj(project_self),
    "salesite:project_phase_change": Obj(project_self),
    "salesite:import_register": Obj(project_pk()),
    "salesite:import_template": Obj(project_pk()),
    "salesite:import_batch": Obj(pk_of("salesite.ImportBatch")),
    "salesite:tenant_create": Obj(project_pk()),
    "salesite:tenant_edit": Obj(tenant_of),
    "salesite:unit_list": Page("salesite.view_unit"),
    "salesite:unit_create": Page(),
    "salesite:unit_detail": Obj(pk_of("salesite.Unit")),
    "salesite:unit_edit": Obj(pk_of("salesite.Unit")),
    "salesite:customer_list": Page("salesite.view_customer"),
    "salesite:customer_create": Page(),
    "salesite:customer_detail": Obj(pk_of("salesite.Customer")),
    "salesite:customer_edit": Obj(pk_of("salesite.Customer")),
    "salesite:purchase_create": Obj(pk_of("salesite.Customer", "customer_pk")),
    "salesite:purchase_edit": Obj(purchase_of),
    "salesite:attachment_upload": PostOnly(attachment_owner),
    "salesite:attachment_download": Obj(pk_of("salesite.Attachment")),
    "salesite:inbox": Page(),
    "salesite:contractor_list": Page("salesite.view_contractor"),
    "salesite:contractor_create": Page(),
    "salesite:contractor_detail": Obj(contractor_of),
    "salesite:contractor_edit": Obj(contractor_of),
    "salesite:contractor_status": PostOnly(contractor_of),
    "salesite:contractor_document_create": Obj(contractor_of),
    "salesite:contractor_training_create": Obj(contractor_of),
    "salesite:contractor_evaluation_create": Obj(contractor_of),
    "salesite:contractor_document": Obj(pk_of("salesite.ContractorDocument")),
    "salesite:contractor_document_edit": Obj(pk_of("salesite.ContractorDocument")),
    "salesite:contractor_training": Obj(pk_of("salesite.ContractorTraining")),
    "salesite:competition_list": Page("salesite.view_skillcompetition"),
    "salesite:competition_create": Page(),
    "salesite:competition_detail": Obj(competition_of),
    "salesite:competition_action": PostOnly(plus(competition_of, action="publish")),
    "salesite:inbox_read_all": PostOnly(),
    "salesite:inbox_read": PostOnly(pk_of("salesite.Notification")),
    # operations
    "ops:index": Page(),
    "ops:area_list": Page("operations.view_sitearea"),
    "ops:area_create": Page(),
    "ops:area_detail": Obj(pk_of("operations.SiteArea")),
    "ops:area_edit": Obj(pk_of("operations.SiteArea")),
    "ops:post_create": Obj(pk_of("operations.SiteArea", "area_pk")),
    "ops:post_detail": Obj(pk_of("operations.ServicePost")),
    "ops:post_edit": Obj(pk_of("operations.ServicePost")),
    "ops:shift_list": Page("operations.view_shift"),
    "ops:shift_create": Page(),
    "ops:shift_edit": Obj(pk_of("operations.Shift")),
    "ops:roster_day": Page("operations.view_rosterentry"),
    "ops:roster_list": Page("operations.view_rosterentry"),
    "ops:roster_add": PostOnly(plus(project_pk(), date=DAY)),
    "ops:roster_copy": PostOnly(plus(project_pk(), date=DAY)),
    "ops:roster_delete": PostOnly(pk_of("operations.RosterEntry")),
    "ops:service_type_list": Page("operations.view_servicetype"),
    "ops:service_type_create": Page(),
    "ops:service_type_edit": Obj(pk_of("operations.ServiceType")),
    "ops:plan_list": Page("operations.view_serviceplan"),
    "ops:plan_create": Page(),
    "ops:plan_detail": Obj(pk_of("operations.ServicePlan")),
    "ops:plan_edit": Obj(pk_of("operations.ServicePlan")),
    "ops:plan_print": Obj(pk_of("operations.ServicePlan")),
    "ops:plan_service_add": PostOnly(pk_of("operations.ServicePlan")),
    "ops:plan_service_remove": PostOnly(
        child_of("operations.ServicePlanService", "plan", "item_pk")
    ),
    "ops:plan_submit": PostOnly(pk_of("operations.ServicePlan")),
    "ops:plan_review": PostOnly(plus(pk_of("operations.ServicePlan"), decision="file")),
    "ops:plan_revise": PostOnly(pk_of("operations.ServicePlan")),
    "ops:training_list": Page("operations.view_trainingsession"),
    "ops:training_create": Page(),
    "ops:training_detail": Obj(pk_of("operations.TrainingSession")),
    "ops:training_edit": Obj(pk_of("operations.TrainingSession")),
    "ops:training_print": Obj(pk_of("operations.TrainingSession")),
    "ops:attendance_save": PostOnly(pk_of("operations.TrainingSession")),
    "ops:attendance_remove": PostOnly(
        child_of("operations.TrainingAttendance", "session", "item_pk")
    ),
    "ops:staff_training": Obj(staff_of),
    "ops:event_list": Page("operations.view_marketingevent"),
    "ops:event_create": Page(),
    "ops:event_detail": Obj(pk_of("operations.MarketingEvent")),
    "ops:event_edit": Obj(pk_of("operations.MarketingEvent")),
    "ops:event_print": Obj(pk_of("operations.MarketingEvent")),
    "ops:event_outcome": Obj(pk_of("operations.MarketingEvent")),
    "ops:event_transition": PostOnly(plus(pk_of("operations.MarketingEvent"), to="prepared")),
    "ops:checklist_add": PostOnly(pk_of("operations.MarketingEvent")),
    "ops:checklist_toggle": PostOnly(child_of("operations.EventChecklistItem", "event", "item_pk")),
    "ops:inspection_list": Page("operations.view_inspection"),
    "ops:inspection_create": Page(),
    "ops:inspection_detail": Obj(pk_of("operations.Inspection")),
    "ops:inspection_print": Obj(pk_of("operations.Inspection")),
    "ops:inspection_scores": PostOnly(pk_of("operations.Inspection")),
    "ops:inspection_complete": PostOnly(pk_of("operations.Inspection")),
    "ops:rectification_list": Page("operations.view_rectificationitem"),
    "ops:rectification_detail": Obj(pk_of("operations.RectificationItem")),
    "ops:rectification_edit": PostOnly(pk_of("operations.RectificationItem")),
    "ops:rectification_done": PostOnly(pk_of("operations.RectificationItem")),
    "ops:rectification_verify": PostOnly(pk_of("operations.RectificationItem")),
    # communication
    "communication:index": Page(),
    "communication:record_list": Page("communication.view_communicationrecord"),
    "communication:record_create": Page(),
    "communication:record_create_for": Obj(project_pk()),
    "communication:record_detail": Obj(pk_of("communication.CommunicationRecord")),
    "communication:record_edit": Obj(pk_of("communication.CommunicationRecord")),
    "communication:record_print": Obj(pk_of("communication.CommunicationRecord")),
    "communication:record_acknowledge": PostOnly(pk_of("communication.CommunicationRecord")),
    "communication:report_list": Page("communication.view_communicationrecord"),
    "communication:problem_list": Page("communication.view_problem"),
    "communication:problem_detail": Obj(pk_of("communication.Problem")),
    "communication:problem_resolve": PostOnly(pk_of("communication.Problem")),
    "communication:problem_escalate": PostOnly(pk_of("communication.Problem")),
    "communication:problem_escalate_now": PostOnly(pk_of("communication.Problem")),
    "communication:problem_reassign": PostOnly(pk_of("communication.Problem")),
    "communication:compliance": Page(),
    # handover
    "handover:index": Page(),
    "handover:batch_list": Page("handover.view_deliverybatch"),
    "handover:batch_create": Page(),
    "handover:batch_detail": Obj(pk_of("handover.DeliveryBatch")),
    "handover:batch_change_date": Obj(pk_of("handover.DeliveryBatch")),
    "handover:milestone_complete": PostOnly(pk_of("handover.Milestone")),
    "handover:case_list": Page("handover.view_handovercase"),
    "handover:case_start": Page(),
    "handover:case_not_taken_new": Page(),
    "handover:case_detail": Obj(pk_of("handover.HandoverCase")),
    "handover:case_print": Obj(pk_of("handover.HandoverCase")),
    # step 6 is the cashier's payment (R-HO-4), the step most worth guarding
    "handover:case_step": Obj(plus(pk_of("handover.HandoverCase"), step=6)),
    "handover:case_not_taken": Obj(pk_of("handover.HandoverCase")),
    "handover:case_resume": PostOnly(pk_of("handover.HandoverCase")),
    "handover:acceptance_edit": Obj(pk_of("handover.HandoverCase")),
    "handover:rectification_add": Obj(pk_of("handover.HandoverCase")),
    "handover:rectification_status": PostOnly(pk_of("handover.RectificationItem")),
    # the demo's binjiang case at step 3 has the owner's safety signature awaiting the countersign
    # A case ready to sign where the demo has one, else any case of the project: the view
    # answers for every case (a case not ready yet is sent back to it with a message).
    "handover:signature_sign": Obj(
        plus(
            lambda project: (
                pk_of("handover.HandoverCase", status="in_progress", last_step__gte=3)(project)
                or pk_of("handover.HandoverCase")(project)
            ),
            document="safety",
            role="staff",
        )
    ),
    "handover:signature_void": Obj(plus(pk_of("handover.HandoverCase"), document="safety")),
    "handover:safety_print": Obj(pk_of("handover.HandoverCase")),
    "handover:report": Page(),  # kind=summary, see FIXED_KWARGS
    "handover:report_print": Page(),  # kind=summary, see FIXED_KWARGS
    "handover:notice_list": Page("handover.view_progressnotice"),
    "handover:notice_create": Page(),
    "handover:notice_detail": Obj(pk_of("handover.ProgressNotice")),
    "handover:notice_print": Obj(pk_of("handover.ProgressNotice")),
    "handover:notice_send": PostOnly(pk_of("handover.ProgressNotice")),
    "handover:openday_list": Page("handover.view_siteopenday"),
    "handover:openday_create": Page(),
    "handover:openday_detail": Obj(pk_of("handover.SiteOpenDay")),
    "handover:openday_invite": PostOnly(pk_of("handover.SiteOpenDay")),
    "handover:invitation_record": PostOnly(pk_of("handover.OpenDayInvitation")),
    "handover:fee_status_edit": Page(),
    "handover:movein_list": Page("handover.view_movein"),
    "handover:movein_create": Page(),
    "handover:movein_detail": Obj(pk_of("handover.MoveIn")),
    "handover:movein_print": Obj(pk_of("handover.MoveIn")),
    "handover:movein_tenant_info": Obj(pk_of("handover.MoveIn")),
    "handover:movein_owner_file": Obj(pk_of("handover.MoveIn")),
    "handover:release_list": Page("handover.view_itemrelease"),
    "handover:release_create": Page(),
    "handover:release_detail": Obj(pk_of("handover.ItemRelease")),
    "handover:release_print": Obj(pk_of("handover.ItemRelease")),
    "handover:inspection_list": Page("handover.view_mockinspection"),
    "handover:inspection_create": Page(),
    "handover:inspection_detail": Obj(pk_of("handover.MockInspection")),
    "handover:inspection_print": Obj(pk_of("handover.MockInspection")),
    "handover:defect_verify": PostOnly(defect_of),
    "handover:inspection_complete": PostOnly(pk_of("handover.MockInspection")),
    "handover:finding_list": Page("handover.view_previewfinding"),
    "handover:finding_create": Obj(pk_of("handover.DeliveryBatch")),
    "handover:finding_detail": Obj(pk_of("handover.PreviewFinding")),
    "handover:finding_edit": Obj(pk_of("handover.PreviewFinding")),
    # handover days (issue #15)
    "handover:batch_days": Obj(pk_of("handover.DeliveryBatch")),
    "handover:day_create": Obj(pk_of("handover.DeliveryBatch")),
    "handover:batch_waits": Obj(pk_of("handover.DeliveryBatch")),
    "handover:batch_waits_print": Obj(pk_of("handover.DeliveryBatch")),
    "handover:batch_day_plan": Obj(pk_of("handover.DeliveryBatch")),
    "handover:rehearsal_create": Obj(pk_of("handover.DeliveryBatch")),
    "handover:emergency_plan_edit": Obj(pk_of("handover.DeliveryBatch")),
    "handover:venue_settings": Obj(pk_of("handover.DeliveryBatch")),
    "handover:venue_rotate": PostOnly(pk_of("handover.DeliveryBatch")),
    "handover:batch_qr": Obj(pk_of("handover.DeliveryBatch")),
    "handover:problem_fixed": PostOnly(pk_of("handover.RehearsalProblem")),
    "handover:check_item_toggle": PostOnly(pk_of("handover.EmergencyCheckItem")),
    "handover:day_detail": Obj(pk_of("handover.HandoverDay")),
    "handover:slot_create": Obj(pk_of("handover.HandoverDay")),
    "handover:day_start": PostOnly(pk_of("handover.HandoverDay")),
    "handover:booking_phone": PostOnly(pk_of("handover.HandoverDay")),
    "handover:day_queue": Obj(pk_of("handover.HandoverDay")),
    "handover:queue_check_in": PostOnly(pk_of("handover.HandoverDay")),
    "handover:queue_call": PostOnly(pk_of("handover.HandoverDay")),
    "handover:booking_no_show": PostOnly(pk_of("handover.SlotBooking")),
    "handover:ticket_action": PostOnly(plus(pk_of("handover.QueueTicket"), action="start")),
    # renovation
    "renovation:index": Page(),
    "renovation:application_list": Page("renovation.view_renovationapplication"),
    "renovation:application_create": Page(),
    "renovation:application_detail": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:application_print": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:agreement_print": Obj(
        pk_of("renovation.RenovationApplication", agreement__isnull=False)
    ),
    "renovation:completion_print": Obj(
        pk_of("renovation.RenovationApplication", inspections__isnull=False)
    ),
    "renovation:application_edit": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:application_submit": PostOnly(pk_of("renovation.RenovationApplication")),
    "renovation:document_check": PostOnly(
        child_of("renovation.ApplicationDocument", "application", "doc_pk")
    ),
    "renovation:application_review": Obj(
        plus(pk_of("renovation.RenovationApplication"), side="engineering")
    ),
    "renovation:government_approval_add": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:agreement_sign": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:fee_payment": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:permit_issue": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:permit_print": Obj(pk_of("renovation.RenovationApplication", permit_number__gt="")),
    "renovation:worker_pass_add": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:passes_print": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:entry_confirm": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:entry_notice": PostOnly(pk_of("renovation.RenovationApplication")),
    "renovation:refund_request": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:refund_sign": Obj(refund_of),
    "renovation:refund_approve": PostOnly(pk_of("renovation.RenovationApplication")),
    "renovation:refund_pay": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:refund_memo_print": Obj(refund_of),
    "renovation:application_close": PostOnly(pk_of("renovation.RenovationApplication")),
    "renovation:patrol_today": Page("renovation.view_patrolrecord"),
    "renovation:patrol_detail": Obj(pk_of("renovation.PatrolRecord")),
    "renovation:patrol_add": Obj(plus(pk_of("renovation.RenovationApplication"), kind="security")),
    "renovation:violation_list": Page("renovation.view_violation"),
    "renovation:violation_detail": Obj(pk_of("renovation.Violation")),
    "renovation:violation_call": PostOnly(plus(pk_of("renovation.Violation"), party="owner")),
    "renovation:violation_sign": PostOnly(pk_of("renovation.Violation")),
    "renovation:violation_recheck": PostOnly(pk_of("renovation.Violation")),
    "renovation:violation_print": Obj(pk_of("renovation.Violation", severity="serious")),
    "renovation:fine_propose": PostOnly(pk_of("renovation.Violation")),
    "renovation:fine_decide": PostOnly(pk_of("renovation.Fine")),
    "renovation:violation_add": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:hot_work_add": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:hot_work_decide": PostOnly(pk_of("renovation.HotWorkPermit")),
    "renovation:material_refusal_add": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:completion_apply": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:reinspection_schedule": Obj(pk_of("renovation.RenovationApplication")),
    "renovation:inspection_record": Obj(pk_of("renovation.CompletionInspection")),
    "renovation:pipeline": Page("renovation.view_renovationapplication"),
    "renovation:register": Page("renovation.view_renovationapplication"),
    "renovation:lecture_list": Page("renovation.view_renovationlecture"),
    "renovation:lecture_create": Page(),
    "renovation:lecture_detail": Obj(pk_of("renovation.RenovationLecture")),
    "renovation:lecture_attendee_remove": PostOnly(
        child_of("renovation.LectureAttendee", "lecture", "attendee_pk")
    ),
    # feedback
    "feedback:index": Page(),
    "feedback:case_list": Page("feedback.view_case"),
    "feedback:my_cases": Page(),
    "feedback:case_create": Page(),
    "feedback:customer_search": Page(),
    "feedback:case_detail": Obj(pk_of("feedback.Case")),
    "feedback:case_print": Obj(pk_of("feedback.Case")),
    "feedback:case_action": PostOnly(plus(pk_of("feedback.Case"), action="dispatch")),
    "feedback:customer_timeline": Obj(pk_of("salesite.Customer")),
    "feedback:customer_steps": Obj(pk_of("salesite.Customer")),
    "feedback:step_list": Page("feedback.view_customersteprecord"),
    "feedback:project_step_record": PostOnly(project_pk("pk")),
    "feedback:callback_list": Page("feedback.view_callbacktask"),
    "feedback:callback_detail": Obj(pk_of("feedback.CallbackTask")),
    "feedback:callback_survey_send": PostOnly(pk_of("feedback.CallbackTask")),
    "feedback:callback_reassign": PostOnly(pk_of("feedback.CallbackTask")),
    "feedback:callback_reassign_bulk": PostOnly(),
    "feedback:assessment": Page(),
    "feedback:assessment_enter": Page(),
    "feedback:assessment_checklist": Obj(pk_of("feedback.QuarterlyAssessment")),
    "feedback:assessment_reopen": Obj(pk_of("feedback.QuarterlyAssessment")),
    "feedback:assessment_bsc": Obj(pk_of("feedback.QuarterlyAssessment")),
    "feedback:warranty_list": Page("feedback.view_warrantyitem"),
    "feedback:warranty_create": Page(),
    "feedback:warranty_detail": Obj(pk_of("feedback.WarrantyItem")),
    "feedback:warranty_channel_create": Obj(pk_of("feedback.WarrantyItem")),
    "feedback:club_event_list": Page("feedback.view_clubevent"),
    "feedback:club_event_create": Page(),
    "feedback:club_event_detail": Obj(pk_of("feedback.ClubEvent")),
    "feedback:defect_report": Page(),
    "feedback:defect_list": Page(),
    "feedback:contractor_ranking": Page(),
    "feedback:patrol_list": Page(),
    "feedback:patrol_create": Page(),
    "feedback:loyalty": Page(),
    "feedback:referral_create": Page(),
    "feedback:referral_sign": Obj(pk_of("feedback.Referral")),
    "feedback:repeat_purchase_create": Page(),
    "feedback:ranking": Page("feedback.view_rankingdecision"),
    "feedback:ranking_decide": PostOnly(),
    "feedback:ranking_introduce": PostOnly(),
    "feedback:rq_fix_rate": Page("feedback.view_case"),
    "feedback:rq_targets": Page("feedback.view_yearlytarget"),
    "feedback:rq_target_create": Page(),
    "feedback:rq_target_edit": Obj(pk_of("feedback.YearlyTarget")),
    "feedback:rq_design_from_case": PostOnly(pk_of("feedback.Case")),
    "feedback:rq_supervisor_list": Page("feedback.view_supervisorprofile"),
    "feedback:rq_supervisor_create": Page(),
    "feedback:rq_supervisor_detail": Obj(pk_of("feedback.SupervisorProfile")),
    "feedback:rq_training_create": Page(),
    "feedback:rq_compliance": Page("feedback.view_supervisorprofile"),
    "feedback:rq_repair_library": Page("feedback.view_repaircaseentry"),
    "feedback:rq_repair_entry_create": Page(),
    "feedback:rq_repair_entry": Obj(pk_of("feedback.RepairCaseEntry")),
    "feedback:rq_repair_entry_edit": Obj(pk_of("feedback.RepairCaseEntry")),
    "feedback:rq_design_library": Page("feedback.view_designcaseentry"),
    "feedback:rq_design_entry_create": Page(),
    "feedback:rq_design_entry": Obj(pk_of("feedback.DesignCaseEntry")),
    "feedback:rq_design_entry_edit": Obj(pk_of("feedback.DesignCaseEntry")),
    # owner portal (staff get 403 on its pages; the staff action on a customer's access)
    "owners:home": OwnerPage(),
    "owners:unit_detail": OwnerPage(demo_owner_unit),
    "owners:unit_sharing": OwnerPage(demo_owner_unit, post=True),
    "owners:cases": OwnerPage(),
    "owners:case_new": OwnerPage(),
    "owners:case_detail": OwnerPage(demo_owner_case),
    "owners:case_confirm": OwnerPage(demo_owner_case, post=True),
    "owners:case_rate": OwnerPage(demo_owner_case, post=True),
    "owners:case_photo": OwnerPage(demo_owner_photo),
    "owners:notice_list": OwnerPage(),
    "owners:notice_detail": OwnerPage(demo_owner_notice),
    "owners:renovation_list": OwnerPage(),
    "owners:renovation_detail": OwnerPage(demo_owner_application),
    "owners:renovation_file": OwnerPage(demo_owner_document_file),
    "owners:handover": OwnerPage(),
    "owners:handover_photo": OwnerPage(demo_owner_handover_photo),
    "owners:preview_findings": OwnerPage(),
    "owners:preview_finding_photo": OwnerPage(demo_owner_finding_photo),
    "owners:handover_booking": OwnerPage(demo_owner_unit),
    "owners:handover_check_in": OwnerPage(),
    "owners_staff:access_toggle": PostOnly(pk_of("salesite.Customer")),
}

# URL kwargs that are not objects (a report kind) for pages without a project object.
FIXED_KWARGS: dict[str, Kwargs] = {
    "handover:report": {"kind": "summary"},
    "handover:report_print": {"kind": "summary"},
}

OWNER_NAMESPACE = "owners"
PORTAL_COLUMNS = ("portal_owner", "portal_tenant")
TENANT_MOBILE = "13700000077"  # the matrix's tenant when the demo has no pure tenant in binjiang


def generic_owner_kwargs(route: str) -> Resolver | None:
    """URL kwargs for an owner page without an entry in ``URLS``: every int kwarg is the demo
    owner's first unit in the project (an id that exists), any other kwarg a plain value. The
    owner_view decorator answers staff and anonymous visitors before the view reads them."""
    converters = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not converters:
        return None

    def resolve(project):
        unit = demo_owner_unit(project)
        some_id = unit["pk"] if unit else 999_999
        samples = {"int": some_id, "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}
        return {kw: samples.get(conv or "str", "x") for conv, kw in converters}

    resolve.generic = True
    return resolve


# Known crashes or leaks found by this matrix, kept visible until fixed:
# (url name, role or "*") → reason. The affected check is an xfail(strict=True).
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


# --- URL conf ---------------------------------------------------------------------------------


def site_url_patterns() -> dict[str, str]:
    """{url name: route} for every named pattern of the site, minus admin/i18n/static/login."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                ns = ":".join(n for n in (namespace, p.namespace) if n) or None
                walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern):
                if not p.name:
                    raise AssertionError(f"URL pattern {route!r} has no name: name it")
                name = f"{namespace}:{p.name}" if namespace else p.name
                if name in SKIPPED_NAMES:
                    continue
                found[name] = route

    walk(get_resolver().url_patterns, "", None)
    return found


def site_views() -> dict[str, object]:
    """{url name: view callable} for the URL names of ``site_url_patterns``."""
    names = set(site_url_patterns())
    found: dict[str, object] = {}

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, ":".join(n for n in (namespace, p.namespace) if n) or None)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                if name in names:
                    found[name] = p.callback

    walk(get_resolver().url_patterns, None)
    return found


def is_owner_view(view) -> bool:
    return getattr(view, "owner_view", False) is True


def owner_pages() -> dict[str, OwnerPage]:
    """Every owner page of the URL conf (namespace "owners", an ``owner_view``): its entry in
    ``URLS`` if it has one, otherwise one with generic kwargs."""
    routes = site_url_patterns()
    return {
        name: URLS.get(name) or OwnerPage(generic_owner_kwargs(routes[name]))
        for name, view in site_views().items()
        if name.split(":")[0] == OWNER_NAMESPACE and is_owner_view(view)
    }


URL_NAMES = sorted(site_url_patterns())
# The classification of every URL name: URLS, plus the owner pages found in the URL conf.
SPECS: dict[str, Spec] = {**URLS, **owner_pages()}
STAFF_URL_NAMES = [n for n in URL_NAMES if not isinstance(SPECS.get(n), OwnerPage)]
OWNER_URL_NAMES = [n for n in URL_NAMES if isinstance(SPECS.get(n), OwnerPage)]
RECORD_KINDS = sorted(record_view_kinds())
OBJECT_URLS = [n for n in URL_NAMES if isinstance(URLS.get(n), Obj)]


# --- Fixtures ---------------------------------------------------------------------------------


@dataclass
class Demo:
    projects: dict[str, object]
    roles: list[str]  # role codes of the binjiang demo users
    clients: dict[str, Client]  # binjiang role → logged-in client
    users: dict[str, object]
    perms: dict[str, set[str]]  # binjiang role → permissions on binjiang
    kwargs: dict[tuple[str, str], Kwargs | None]  # (url name, project code) → kwargs
    attachments: dict[str, object]  # kind of record → an attachment of a binjiang record
    owner: Client  # the demo owner's portal session
    tenant: Client  # a binjiang tenant's portal session (a tenant, not an owner)
    tenant_unit: int  # the unit the tenant rents

    @property
    def portal(self) -> dict[str, Client]:
        return dict(zip(PORTAL_COLUMNS, (self.owner, self.tenant), strict=True))

    def url(self, name: str, project_code: str = OWN) -> str | None:
        spec = SPECS[name]
        if isinstance(spec, Page):
            return reverse(name, kwargs=FIXED_KWARGS.get(name))
        if spec.resolve is None:
            return reverse(name)
        kwargs = self.kwargs[(name, project_code)]
        return None if kwargs is None else reverse(name, kwargs=kwargs)


def build_demo() -> Demo:
    from salesite.access import role_perms_for
    from salesite.models import Project, User
    from tests import demo_snapshot

    demo_snapshot.seed_demo()
    projects = {
        p.code: p for p in Project.objects.filter(code__in=[OWN, SAME_COMPANY, OTHER_COMPANY])
    }
    add_missing_objects(projects)
    add_owner_rows(projects)
    users = {
        u.username.removeprefix(f"{OWN}_"): u
        for u in User.objects.filter(username__startswith=f"{OWN}_").order_by("username")
    }
    clients = {}
    perms = {}
    for role, user in users.items():
        c = Client()
        c.force_login(user)
        clients[role] = c
        perms[role] = role_perms_for(User.objects.get(pk=user.pk), projects[OWN])
    kwargs = {}
    for name in URL_NAMES:
        spec = SPECS.get(name)
        if isinstance(spec, Obj | PostOnly | OwnerPage) and spec.resolve is not None:
            for code, project in projects.items():
                kwargs[(name, code)] = spec.resolve(project)
    attachments = attach_to_every_record_kind(projects[OWN])
    from owners.demo import DEMO_OWNER_MOBILE

    owner = portal_client(DEMO_OWNER_MOBILE)
    tenant = matrix_tenant(projects[OWN])
    demo_snapshot.check_constraints_now()
    return Demo(
        projects,
        sorted(users),
        clients,
        users,
        perms,
        kwargs,
        attachments,
        owner,
        portal_client(tenant.phone),
        tenant.unit_id,
    )


def portal_client(mobile: str) -> Client:
    """A client logged in to the owner portal as ``mobile`` the way the login page does it
    (``owners.sessions.log_in`` on a fresh session), without a staff login."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from owners.selectors import load_owner
    from owners.sessions import log_in

    owner = load_owner(mobile)
    assert owner is not None and owner.unit_ids, f"{mobile} reaches no unit in the demo"
    request = HttpRequest()
    request.user = AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    log_in(request, owner)
    request.session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    return client


def matrix_tenant(project):
    """A current tenant of ``project`` who owns nothing (the demo's, or one added on a unit
    that is not the demo owner's)."""
    from django.db.models import Q
    from django.utils import timezone

    from salesite.models import Customer, Tenant

    current = Tenant.objects.filter(project=project).filter(
        Q(lease_end__isnull=True) | Q(lease_end__gte=timezone.localdate())
    )
    owners_phones = Customer.objects.values("phone")
    tenant = current.exclude(phone__in=owners_phones).order_by("pk").first()
    if tenant is None:
        unit = other_owner_unit(project)
        tenant = Tenant.objects.create(
            project=project, unit_id=unit["pk"], name="矩阵租户", phone=TENANT_MOBILE
        )
    return tenant


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo (seed_demo) seeded once for this module inside a transaction rolled back at the
    end, so the other test modules never see it."""
    with module_db.rolled_back(django_db_blocker):
        try:
            built = build_demo()
        except Exception as exc:  # reported once per test, without seeding again
            built = exc
        yield built


@pytest.fixture
def in_demo(demo, db):
    """One test's database access: pytest-django's transaction nests in the module's one."""
    if isinstance(demo, Exception):
        pytest.fail(f"building the demo failed: {demo!r}")
    return demo


OBSERVED: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module")
def expected():
    data = json.loads(EXPECTED_FILE.read_text()) if EXPECTED_FILE.exists() else {}
    yield data
    if UPDATE and OBSERVED:
        matrix = dict(data.get("matrix", {}))
        matrix.update(OBSERVED)
        matrix = {k: matrix[k] for k in sorted(matrix) if k in SPECS}
        notes = {k: v for k, v in data.get("notes", {}).items() if k in matrix}
        # A KNOWN BUG keeps the answer the SPEC asks for, not the observed one.
        for name, cells in notes.items():
            for role, note in cells.items():
                matrix[name][role] = note["expected"]
        out = {
            "_about": (
                "URL name → binjiang demo role → HTTP status of a GET. Generated by "
                "UPDATE_MATRIX=1 pytest tests/permissions; review the diff. The columns "
                "portal_owner (the demo owner) and portal_tenant (a binjiang tenant) are owner "
                "portal sessions: 302 is the staff login. 'notes' marks "
                "cells that look wrong by the SPEC (KNOWN BUG): their value is the expected one."
            ),
            "matrix": matrix,
            "notes": notes,
        }
        EXPECTED_FILE.write_text(_dump(out))


def _dump(data: dict) -> str:
    """JSON with one line per URL, so that a diff shows which URL changed."""
    lines = ["{", f' "_about": {json.dumps(data["_about"], ensure_ascii=False)},', ' "matrix": {']
    rows = [
        f"  {json.dumps(name)}: {json.dumps(row, sort_keys=True)}"
        for name, row in data["matrix"].items()
    ]
    lines.append(",\n".join(rows))
    lines.append(" },")
    lines.append(f' "notes": {json.dumps(data["notes"], ensure_ascii=False, sort_keys=True)}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _known(name: str, role: str = "*") -> str | None:
    return KNOWN_FAILURES.get((name, role)) or KNOWN_FAILURES.get((name, "*"))


def _is_local_redirect(response) -> bool:
    location = response.get("Location", "")
    return location.startswith("/") and not location.startswith("//")


pytestmark = pytest.mark.django_db  # makes pytest-django set up the test database


# --- Tests ------------------------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    patterns = site_url_patterns()
    unknown = sorted(set(patterns) - set(SPECS))
    stale = sorted(set(URLS) - set(patterns))
    assert not unknown, (
        "URL patterns missing from the permission matrix (add them to URLS in "
        "tests/permissions/test_matrix.py, then UPDATE_MATRIX=1): "
        + ", ".join(f"{n} ({patterns[n]})" for n in unknown)
    )
    assert not stale, f"URLS names that are no longer in the URL conf: {stale}"


def test_owner_pages_are_the_owner_views_of_the_owners_namespace():
    """The owner pages are found, not listed: every view of the "owners" namespace is an
    owner_view (the public login/logout are skipped by name), no owner_view lives elsewhere,
    and an OwnerPage entry in URLS is an owner_view."""
    views = site_views()
    in_namespace = {n for n in views if n.split(":")[0] == OWNER_NAMESPACE}
    not_owner_views = sorted(n for n in in_namespace if not is_owner_view(views[n]))
    assert not not_owner_views, (
        f"owners: URLs without @owner_view: {not_owner_views} (a public page by design, like "
        "the login, goes in SKIPPED_NAMES with the test that covers it)"
    )
    elsewhere = sorted(n for n, v in views.items() if is_owner_view(v) and n not in in_namespace)
    assert not elsewhere, f"owner views outside the owners namespace: {elsewhere}"
    listed = sorted(n for n, spec in URLS.items() if isinstance(spec, OwnerPage))
    assert set(listed) <= set(OWNER_URL_NAMES), listed
    assert {"owners:home", "owners:unit_detail"} <= set(OWNER_URL_NAMES)
    assert set(OWNER_URL_NAMES) == in_namespace


def test_demo_has_an_object_for_every_object_url(in_demo):
    missing = [
        f"{name} @ {code}"
        for (name, code), kwargs in in_demo.kwargs.items()
        if kwargs is None and (code == OWN or isinstance(SPECS[name], Obj))
    ]
    assert not missing, f"the demo has no object to fill these URLs: {missing}"


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_login(in_demo, name):
    url = in_demo.url(name)
    assert url, f"{name}: no demo object"
    response = Client().get(url)
    assert response.status_code == 302, f"{name} {url}: anonymous got {response.status_code}"
    login = resolve_url(
        "owners:login" if isinstance(SPECS[name], OwnerPage) else settings.LOGIN_URL
    )
    assert response["Location"] == f"{login}?next={quote(url)}", (
        f"{name}: anonymous redirected to {response['Location']}"
    )


@pytest.mark.parametrize("name", URL_NAMES)
def test_role_matrix(in_demo, expected, name):
    spec = SPECS[name]
    url = in_demo.url(name)
    row: dict[str, int] = {}
    problems = []
    for role in in_demo.roles:
        response = in_demo.clients[role].get(url)
        status = response.status_code
        row[role] = status
        allowed = {405} if isinstance(spec, PostOnly) else ALLOWED
        if isinstance(spec, OwnerPage):
            allowed = {403}  # owner pages refuse every staff session
        if status not in allowed:
            problems.append(f"{role}: {status}")
        elif status == 302 and not _is_local_redirect(response):
            problems.append(f"{role}: redirect off the site to {response['Location']}")
    # The portal columns: a staff URL sends both to the staff login; an owner page is theirs
    # (200, or 404 for an object that is not theirs, 405 for a POST-only action).
    for column, client in in_demo.portal.items():
        response = client.get(url)
        row[column] = response.status_code
        if isinstance(spec, OwnerPage):
            allowed = {200, 405} if spec.resolve is None else {200, 404, 405}
            if column == "portal_tenant":
                # A tenant may be refused an owner-only page, or sent back to their own pages.
                allowed = {200, 403, 404, 405}
                if response.status_code == 302 and response["Location"].startswith("/owner/"):
                    allowed.add(302)
        else:
            allowed = {302}
        if response.status_code not in allowed:
            problems.append(f"{column}: {response.status_code}")
    OBSERVED[name] = row
    if problems and _known(name):
        pytest.xfail(_known(name))
    assert not problems, f"{name} {url}: " + "; ".join(problems)

    if isinstance(spec, Page) and spec.perm:
        denied = [r for r in in_demo.roles if spec.perm in in_demo.perms[r] and row[r] != 200]
        assert not denied, f"{name}: list page refused to roles holding {spec.perm}: " + ", ".join(
            f"{r} ({row[r]})" for r in denied
        )

    if UPDATE:
        return
    want = expected.get("matrix", {}).get(name)
    assert want is not None, f"{name} is not in {EXPECTED_FILE.name}: run UPDATE_MATRIX=1"
    notes = expected.get("notes", {}).get(name, {})
    diff = {r: (want.get(r), row.get(r)) for r in set(want) | set(row) if want.get(r) != row.get(r)}
    bug_cells = {r: d for r, d in diff.items() if r in notes}
    other = {r: d for r, d in diff.items() if r not in notes}
    assert not other, (
        f"{name}: answers differ from {EXPECTED_FILE.name} (role: expected, observed): {other}; "
        "if intended, regenerate with UPDATE_MATRIX=1 and review the diff"
    )
    fixed = sorted(set(notes) - set(bug_cells))
    assert not fixed, f"{name}: KNOWN BUG cells now answer as expected, drop their notes: {fixed}"
    if bug_cells:
        pytest.xfail(
            f"{name}: KNOWN BUG " + "; ".join(f"{r}: {notes[r]['note']}" for r in bug_cells)
        )


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_other_company_objects_are_404(in_demo, name):
    url = in_demo.url(name, OTHER_COMPANY)
    assert url, f"{name}: haitang has no demo object"
    wrong = {}
    for role in CROSS_PROJECT_ROLES:
        status = in_demo.clients[role].get(url).status_code
        if status != 404:
            wrong[role] = status
    if wrong and _known(name, "cross"):
        pytest.xfail(_known(name, "cross"))
    assert not wrong, f"{name} {url}: binjiang users reached haitang's object: {wrong}"


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_hq_inspector_reaches_every_project(in_demo, name):
    url = in_demo.url(name, OTHER_COMPANY)
    assert url, f"{name}: haitang has no demo object"
    status = in_demo.clients["hq_inspector"].get(url).status_code
    assert status in {200, 302, 403}, f"{name} {url}: hq_inspector got {status}"


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_subsidiary_gm_sees_own_company_only(in_demo, name):
    client = in_demo.clients["subsidiary_gm"]
    same = in_demo.url(name, SAME_COMPANY)
    if same is not None:
        status = client.get(same).status_code
        assert status in {200, 302, 403}, f"{name} {same} (yunqi): subsidiary_gm got {status}"
    other = in_demo.url(name, OTHER_COMPANY)
    status = client.get(other).status_code
    assert status == 404, f"{name} {other} (haitang): subsidiary_gm got {status}"


# --- owner sessions × staff URLs, owner URLs × owners ------------------------------------------


@pytest.mark.parametrize("name", STAFF_URL_NAMES)
def test_a_portal_session_is_refused_by_every_staff_url(in_demo, name):
    """An owner or tenant session is no staff login: every staff URL sends it to the staff
    login, on GET and on POST (a form's action), and the portal session survives it."""
    url = in_demo.url(name)
    assert url, f"{name}: no demo object"
    login = f"{resolve_url(settings.LOGIN_URL)}?next={quote(url)}"
    for column, client in in_demo.portal.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            assert status == 302, f"{name} {method.upper()} {url}: {column} got {status}"
            assert response["Location"] == login, f"{name}: {column} sent to {response['Location']}"
    assert in_demo.owner.get(reverse("owners:home")).status_code == 200


@pytest.mark.parametrize("name", OWNER_URL_NAMES)
def test_every_owner_url_refuses_staff_and_anonymous_posts(in_demo, name):
    """The GET answers are in the role matrix; a POST (an owner form) is refused the same:
    403 to every staff role, the owner login to an anonymous visitor."""
    url = in_demo.url(name)
    wrong = {}
    for role in in_demo.roles:
        status = in_demo.clients[role].post(url).status_code
        if status != 403:
            wrong[role] = status
    assert not wrong, f"{name} POST {url}: staff answers {wrong}"
    response = Client().post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('owners:login')}?next=")


@pytest.mark.parametrize("name", OWNER_URL_NAMES)
def test_a_staff_session_carrying_an_owner_key_is_refused(in_demo, name):
    """Sessions never mix: a staff login whose session also holds an owner's data (e.g. set
    by hand) still gets 403 from every owner page, not the owner's page."""
    from owners.sessions import SESSION_KEY

    staff = Client()
    staff.force_login(in_demo.users["front_desk"])
    session = staff.session
    session[SESSION_KEY] = in_demo.owner.session[SESSION_KEY]
    session.save()
    url = in_demo.url(name)
    assert staff.get(url).status_code == 403, url
    assert staff.post(url).status_code == 403, url


@pytest.mark.parametrize("name", OWNER_URL_NAMES)
def test_a_disabled_owner_is_logged_out_by_every_owner_url(in_demo, name):
    """Staff disable the number (a lost phone): the owner's next request, on any owner page,
    ends the session and answers with the owner login; the session stays ended."""
    from owners.demo import DEMO_OWNER_MOBILE
    from owners.services import set_access

    client = portal_client(DEMO_OWNER_MOBILE)  # its own: this one's session is ended here
    set_access(mobile=DEMO_OWNER_MOBILE, disabled=True, by=in_demo.users["front_desk"])
    url = in_demo.url(name)
    response = client.get(url)
    assert response.status_code == 302, f"{name}: a disabled owner got {response.status_code}"
    assert response["Location"].startswith(f"{reverse('owners:login')}?next=")
    set_access(mobile=DEMO_OWNER_MOBILE, disabled=False, by=in_demo.users["front_desk"])
    assert client.get(reverse("owners:home")).status_code == 302  # logged out, not paused


@pytest.mark.parametrize("name", OWNER_URL_NAMES)
def test_the_demo_owner_reaches_own_pages_only(in_demo, name):
    url = in_demo.url(name)
    spec = SPECS[name]
    # A POST-only action: its own object answers a POST (then redirects), a GET is 405.
    send = in_demo.owner.post if spec.post else in_demo.owner.get
    status = send(url).status_code
    if getattr(spec.resolve, "generic", False):
        # An id that may not be of this page's records: the owner's page, or a 404.
        assert status in {200, 302, 404, 405}, f"{name} {url}: the demo owner got {status}"
        return
    assert status == (302 if spec.post else 200), f"{name} {url}: the demo owner got {status}"
    if spec.resolve is None:
        return
    resolver = OTHER_OWNER_RESOLVER[spec.resolve]
    for code in (OWN, SAME_COMPANY, OTHER_COMPANY):
        kwargs = resolver(in_demo.projects[code])
        assert kwargs, f"{name}: no other owner's object in {code}"
        other = reverse(name, kwargs=kwargs)
        status = send(other).status_code
        assert status == 404, f"{name} {other} ({code}): the demo owner got {status}"


def test_a_tenant_reaches_the_rented_unit_not_the_owners(in_demo):
    """The tenant column's session is a tenant's: their rented unit opens, the demo owner's
    units (and another unit of the project) are 404, 我的房屋 lists the rented unit only."""
    tenant = in_demo.tenant
    home = tenant.get(reverse("owners:home"))
    assert home.status_code == 200
    assert tenant.get(reverse("owners:unit_detail", args=[in_demo.tenant_unit])).status_code == 200
    owner_unit = demo_owner_unit(in_demo.projects[OWN])["pk"]
    assert owner_unit != in_demo.tenant_unit
    assert tenant.get(reverse("owners:unit_detail", args=[owner_unit])).status_code == 404
    assert [c.unit.pk for c in home.context["cards"]] == [in_demo.tenant_unit]


# --- attachments of every kind of record --------------------------------------------------------


# --- the permission declared at each view (salesite.views_access.staff_view) -----------------


VIEWS = site_views()
# Views whose answer depends on the declared permission. A per-record list is left out: the
# permission narrows its rows, not its answer (each app's list tests check the rows).
DECLARED = sorted(
    n
    for n, v in VIEWS.items()
    if getattr(v, "staff_permission", None)
    and not (getattr(v, "staff_per_record", False) and not isinstance(URLS.get(n), Obj))
)


def test_every_view_declares_its_permission_at_the_view():
    undeclared = sorted(
        n
        for n, v in VIEWS.items()
        if not hasattr(v, "staff_permission") and not getattr(v, "owner_view", False)
    )
    assert not undeclared, (
        "views without @staff_view (salesite.views_access): declare the permission they "
        "require at the view: " + ", ".join(undeclared)
    )


def test_list_pages_declare_the_permission_the_matrix_checks():
    """A list page the matrix checks with Page(perm) declares that permission, or none (a
    list open to every member, whose rows the visibility filter narrows)."""
    differ = {
        name: (spec.perm, VIEWS[name].staff_permission)
        for name, spec in URLS.items()
        if isinstance(spec, Page) and spec.perm and name in VIEWS
        if getattr(VIEWS[name], "staff_permission", None) not in (None, spec.perm)
    }
    assert not differ, f"matrix Page(perm) ≠ the view's declaration (matrix, view): {differ}"


@pytest.mark.parametrize("name", DECLARED)
def test_a_role_without_the_declared_permission_is_refused(in_demo, expected, name):
    """Cross-check of the declaration with the observed matrix: every binjiang role whose
    roles grant the view's permission nowhere gets no page (403/404/405, never 200). A
    ``per_record`` view applies it to its record only: its object pages are checked."""
    view = VIEWS[name]
    # The permission of the URL's arguments when it depends on one ({kwarg: {value: perm}}).
    perm = permission_for(view, in_demo.kwargs.get((name, OWN)))
    project = in_demo.projects[OWN]
    row = expected.get("matrix", {}).get(name, {})
    wrong = []
    for role in in_demo.roles:
        user = in_demo.users[role]
        if holds_anywhere(user, perm) or user.has_perm(perm, project):
            continue
        status = row.get(role)
        if status == 200:
            wrong.append(role)
    assert not wrong, f"{name}: declared {perm}, yet these roles without it get 200: {wrong}"


def test_every_attachment_of_the_demo_belongs_to_a_declared_record_kind(in_demo):
    """Files are attached (by the demo, the apps' services and the upload form) only to kinds
    of record that declared what viewing them requires; record pages that show files fail
    with a LookupError otherwise, which the role matrix above would report as a 500."""
    from salesite.models import Attachment

    kinds = {
        f"{a.content_type.app_label}.{a.content_type.model}"
        for a in Attachment.objects.select_related("content_type")
    }
    assert kinds, "the demo has no attachments"
    assert kinds <= set(RECORD_KINDS), f"undeclared kinds own files: {kinds - set(RECORD_KINDS)}"


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_attachment_answers_as_its_record_page(in_demo, kind):
    """Every role gets, for a file of a record, exactly the answer of the record's page (the
    page itself, or the parent's page the record is shown on); a page lists the file only to
    those who may download it."""
    from salesite.access import page_record

    attachment = in_demo.attachments[kind]
    assert attachment is not None, f"{kind}: no binjiang record of this kind to attach a file to"
    page_url = page_record(attachment.owner).get_absolute_url()
    download_url = reverse("salesite:attachment_download", args=[attachment.pk])
    differ, hidden, shown_refused = {}, [], []
    for role in in_demo.roles:
        client = in_demo.clients[role]
        page = client.get(page_url)
        download = client.get(download_url)
        close_file(download)
        if download.status_code != page.status_code:
            differ[role] = (page.status_code, download.status_code)
        listed = page.status_code == 200 and download_url in page.content.decode()
        if page.status_code == 200 and not listed:
            hidden.append(role)
        if listed and download.status_code != 200:
            shown_refused.append(role)
    assert not differ, (
        f"{kind}: the file {download_url} answers differently from its record's page {page_url} "
        f"(role: page, file): {differ}"
    )
    assert not hidden, f"{kind}: {page_url} does not list its file to {hidden}"
    assert not shown_refused, f"{kind}: {page_url} lists a file refused to {shown_refused}"


def close_file(response) -> None:
    """Close a download's file without ``response.close()``: that sends request_finished, whose
    close_old_connections would close the database connection inside the module's transaction
    (PostgreSQL; an in-memory SQLite connection survives it)."""
    stream = getattr(response, "file_to_stream", None)
    if stream is not None:
        stream.close()


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_another_company_cannot_upload_or_download(in_demo, kind):
    """A role of another company's project gets a 404 for the file and for an upload."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.uploadedfile import SimpleUploadedFile

    from salesite.models import Attachment, User

    attachment = in_demo.attachments[kind]
    outsider = User.objects.filter(username="haitang_front_desk").first()
    assert outsider is not None
    client = Client()
    client.force_login(outsider)
    download = client.get(reverse("salesite:attachment_download", args=[attachment.pk]))
    close_file(download)
    assert download.status_code == 404
    ct = ContentType.objects.get_for_model(attachment.owner)
    before = Attachment.objects.count()
    upload = client.post(
        reverse("salesite:attachment_upload", args=[ct.pk, attachment.object_id]),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x"), "description": ""},
    )
    assert upload.status_code == 404
    assert Attachment.objects.count() == before


def _print_urls_of(demo, kind: str) -> list[str]:
    """The print URLs of the matrix whose object is a binjiang record of ``kind``."""
    names = [
        n
        for n, spec in URLS.items()
        if "print" in n.rpartition(":")[2]
        and isinstance(spec, Obj)
        and getattr(spec.resolve, "label", "").lower() == kind
    ]
    return [demo.url(n) for n in names if demo.url(n)]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_a_record_rule_governs_its_page_print_and_files(in_demo, monkeypatch, kind):
    """The declared rule is the one place to change: requiring a permission nobody holds
    closes the record's page, its print layouts and its files to a project member (403)."""
    from salesite import access

    if access.record_view_kinds()[kind].via:
        pytest.skip(f"{kind} is shown on its parent's page; the parent's rule applies")
    monkeypatch.setitem(
        access._RECORD_VIEWS, kind, access.RecordView(perm="salesite.nobody_has_this")
    )
    attachment = in_demo.attachments[kind]
    page = access.page_record(attachment.owner)
    urls = [
        page.get_absolute_url(),
        reverse("salesite:attachment_download", args=[attachment.pk]),
        *_print_urls_of(in_demo, kind),
    ]
    client = in_demo.clients["centre_head"]  # the project's broadest property role
    answers = {url: client.get(url).status_code for url in urls}
    assert all(status == 403 for status in answers.values()), answers
