import datetime

import pytest

from renovation import services
from renovation.exceptions import DocumentExpired, DocumentsMissing, InvalidTransition
from renovation.models import (
    ApplicationDocument,
    DocumentKind,
    RenovationApplication,
    Status,
    StatusChange,
)
from salesite.models import SMSMessage

from .conftest import at
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def reload(app):
    return RenovationApplication.objects.get(pk=app.pk)


def test_save_creates_checklist_with_extra_documents(member):
    app = ApplicationFactory(is_key_premises=True, applicant_kind="agent")
    services.application_save(application=app, user=None)
    kinds = set(app.documents.values_list("kind", flat=True))
    assert DocumentKind.DESIGN_QUALIFICATION in kinds
    assert DocumentKind.POWER_OF_ATTORNEY in kinds
    assert app.number.startswith("ZX")


def test_submit_starts_one_working_day_review(ready_app, member):
    app = ready_app()
    user = member("front_desk", app.project)
    services.application_submit(application=app, user=user, now=at(2026, 3, 6, 16))  # Friday
    app = reload(app)
    assert app.status == Status.SUBMITTED
    assert app.review_due_at.date() == datetime.date(2026, 3, 9)
    assert StatusChange.objects.filter(application=app, to_status=Status.SUBMITTED).count() == 1


def test_expired_licence_is_refused(ready_app, member):
    app = ready_app(business_licence_valid_until=datetime.date(2026, 3, 1))
    user = member("front_desk", app.project)
    with pytest.raises(DocumentExpired, match="营业执照已于 2026-03-01 过期"):
        services.application_submit(application=app, user=user, now=at(2026, 3, 6))
    assert reload(app).status == Status.DRAFT
    assert not StatusChange.objects.filter(application=app).exists()


def test_key_premises_need_design_qualification(ready_app, member):
    app = ready_app(is_key_premises=True)
    with pytest.raises(DocumentExpired, match="设计资质"):
        services.application_submit(application=app, user=None, now=at(2026, 3, 6))


def test_agent_needs_power_of_attorney(ready_app):
    app = ready_app(applicant_kind="agent", agent_name="代理人")
    with pytest.raises(DocumentExpired, match="授权委托书"):
        services.application_submit(application=app, user=None, now=at(2026, 3, 6))


def test_missing_documents_refused(ready_app):
    app = ready_app()
    ApplicationDocument.objects.filter(application=app, kind=DocumentKind.DRAWING_SECTIONS).update(
        received=False
    )
    with pytest.raises(DocumentsMissing, match="剖面图"):
        services.application_submit(application=app, user=None, now=at(2026, 3, 6))


def test_structure_change_waits_for_government(
    ready_app, member, django_capture_on_commit_callbacks
):
    app = ready_app(changes_structure=True)
    head = member("centre_head", app.project)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=app, user=head, now=at(2026, 3, 6))
    app = reload(app)
    assert app.status == Status.WAITING_GOVERNMENT
    assert app.review_due_at is None
    assert SMSMessage.objects.filter(phone=app.owner_phone, body__contains="政府").count() == 1
    with pytest.raises(InvalidTransition, match="政府审批"):
        services.application_review(
            application=app, side="engineering", approve=True, note="", user=head
        )
    services.government_approval_record(
        application=app,
        authority="市住建局",
        document_number="JG-2026-01",
        approved_on=datetime.date(2026, 3, 9),
        user=head,
        now=at(2026, 3, 9, 9),
    )
    app = reload(app)
    assert app.status == Status.SUBMITTED
    assert app.review_due_at.date() == datetime.date(2026, 3, 10)


def test_both_heads_must_approve(ready_app, member):
    app = ready_app()
    eng = member("engineering", app.project)
    cs = member("cs_lead", app.project)
    services.application_submit(application=app, user=cs, now=at(2026, 3, 2))
    services.application_review(
        application=app, side="engineering", approve=True, note="", user=eng
    )
    assert reload(app).status == Status.SUBMITTED
    services.application_review(application=app, side="cs", approve=True, note="好", user=cs)
    app = reload(app)
    assert app.status == Status.APPROVED
    assert app.approved_at is not None


def test_return_needs_reason_and_can_be_resubmitted(ready_app, member):
    app = ready_app()
    eng = member("engineering", app.project)
    services.application_submit(application=app, user=eng, now=at(2026, 3, 2))
    with pytest.raises(InvalidTransition, match="退回原因"):
        services.application_review(
            application=app, side="engineering", approve=False, note=" ", user=eng
        )
    services.application_review(
        application=app, side="engineering", approve=False, note="图纸未盖章", user=eng
    )
    app = reload(app)
    assert app.status == Status.RETURNED
    assert app.return_reason == "图纸未盖章"
    services.application_submit(application=app, user=eng, now=at(2026, 3, 3))
    app = reload(app)
    assert app.status == Status.SUBMITTED
    assert app.engineering_decision == "pending"


def test_refused_transitions(ready_app, member):
    app = ready_app()
    with pytest.raises(InvalidTransition):
        services.application_review(application=app, side="cs", approve=True, note="", user=None)
    services.application_submit(application=app, user=None, now=at(2026, 3, 2))
    with pytest.raises(InvalidTransition):
        services.application_submit(application=app, user=None, now=at(2026, 3, 2))
    with pytest.raises(InvalidTransition, match="草稿或已退回"):
        services.application_save(application=reload(app), user=None)
    assert reload(app).status == Status.SUBMITTED
