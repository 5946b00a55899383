"""seed_demo (R-X-8): idempotent, two projects under two service centres, a user for every role
on each project, records in every workflow of every project, and every demo user logs in with
the documented password."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from salesite.demo import DEMO_PASSWORD
from salesite.models import (
    Attachment,
    Company,
    Project,
    ProjectMembership,
    Role,
    User,
)
from tests import demo_snapshot

pytestmark = pytest.mark.django_db

MODELS = [
    m
    for label in ("salesite", "communication", "handover", "renovation", "feedback")
    for m in apps.get_app_config(label).get_models()
]
# Per project, at least one row of each: every demo user sees records in every workflow.
PER_PROJECT = [
    "salesite.Attachment",
    "salesite.Tenant",
    "salesite.ImportBatch",
    "operations.ServicePlan",
    "operations.Inspection",
    "operations.MarketingEvent",
    "operations.TrainingSession",
    "communication.CommunicationRecord",
    "communication.Problem",
    "communication.ComplianceBreach",
    "handover.DeliveryBatch",
    "handover.HandoverCase",
    "handover.MockInspection",
    "handover.ProgressNotice",
    "renovation.RenovationApplication",
    "renovation.GovernmentApproval",
    "renovation.EntryConfirmation",
    "renovation.RenovationLecture",
    "feedback.Case",
    "feedback.CallbackTask",
    "feedback.Greeting",
]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    return {m._meta.label: m.objects.count() for m in MODELS}


def test_seed_demo_twice_creates_nothing_new_and_covers_every_role():
    # The first run: this process's copy of a fresh seed (tests/demo_snapshot.py).
    output = demo_snapshot.seed_demo(quiet=False)
    first = snapshot()
    seed()
    assert snapshot() == first

    projects = list(Project.objects.select_related("service_centre"))
    assert len(projects) >= 2
    assert len({p.service_centre_id for p in projects}) >= 2
    assert all(p.service_centre.kind == Company.Kind.SERVICE_CENTRE for p in projects)
    assert len({p.property_company_id for p in projects}) >= 2

    roles = set(Role.objects.values_list("pk", flat=True))
    for project in projects:
        with_user = set(
            ProjectMembership.objects.filter(
                project=project, user__isnull=False, is_active=True
            ).values_list("role_id", flat=True)
        )
        assert with_user == roles, project
        assert project.units.count() > 0
        assert project.customers.count() > 0
        assert project.purchases.count() > 0

    for label in PER_PROJECT:
        covered = set(apps.get_model(label).objects.values_list("project__code", flat=True))
        assert covered >= {p.code for p in projects}, label
    assert apps.get_model("handover.MoveInTenantInfo").objects.exists()
    assert apps.get_model("feedback.ProjectStepRecord").objects.exists()
    # Attachments went through the upload service: the files are in MEDIA_ROOT.
    for attachment in Attachment.objects.all():
        with attachment.file.open("rb") as f:
            assert f.read(5) in (b"\x89PNG\r", b"%PDF-"), attachment.original_name

    # The table of logins names the password and each user with role and project.
    assert DEMO_PASSWORD in output
    some = ProjectMembership.objects.filter(user__isnull=False).select_related("user", "role")
    for m in some[:5]:
        assert m.user.username in output


def test_every_demo_user_can_log_in_with_the_documented_password():
    demo_snapshot.seed_demo()
    users = list(User.objects.all())
    assert len(users) > Role.objects.count()
    for user in users:
        assert user.is_active, user.username
        assert user.check_password(DEMO_PASSWORD), user.username
    # and through the real login page (django-axes and all), for a project user
    member = ProjectMembership.objects.filter(user__isnull=False).first().user
    c = Client()
    response = c.post("/accounts/login/", {"username": member.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert c.get("/core/customers/").status_code == 200
