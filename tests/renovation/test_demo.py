import pytest

from renovation import demo
from renovation.models import (
    CalendarDay,
    EntryConfirmation,
    Fine,
    GovernmentApproval,
    MissedPatrol,
    PatrolRecord,
    RenovationApplication,
    RenovationLecture,
    Status,
    Violation,
)
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_renders_and_a_second_run_creates_nothing(client):
    demo_snapshot.seed_demo()  # a fresh seed of the whole demo
    for code in demo.PROJECTS:
        statuses = set(
            RenovationApplication.objects.filter(project__code=code).values_list(
                "status", flat=True
            )
        )
        assert {
            Status.DRAFT,
            Status.SUBMITTED,
            Status.WAITING_GOVERNMENT,
            Status.PERMITTED,
            Status.COMPLETION_APPLIED,
            Status.RECTIFICATION,
            Status.COMPLETION_ACCEPTED,
            Status.REFUNDED,
        } <= statuses
    assert MissedPatrol.objects.exists() and PatrolRecord.objects.exists()
    assert set(Violation.objects.values_list("severity", flat=True)) == {"minor", "serious"}
    assert Fine.objects.filter(state="approved").count() == 2
    assert RenovationLecture.objects.count() == len(demo.PROJECT_STAGES)
    # Every project: a gas change approved by the authority and now in review, and an entry
    # confirmation for each permitted renovation.
    for code in demo.PROJECT_STAGES:
        approval = GovernmentApproval.objects.get(project__code=code)
        assert approval.application.status == Status.SUBMITTED
        assert approval.application.changes_gas
    permitted = RenovationApplication.objects.filter(permit_number__gt="")
    assert EntryConfirmation.objects.count() == permitted.count() > 0
    tables = (
        RenovationApplication,
        PatrolRecord,
        Violation,
        RenovationLecture,
        CalendarDay,
        GovernmentApproval,
        EntryConfirmation,
    )
    counts = [m.objects.count() for m in tables]
    demo.seed_demo()
    assert counts == [m.objects.count() for m in tables]

    _every_page_renders(client)


def _every_page_renders(client):
    from django.urls import reverse

    from salesite.models import User

    client.force_login(User.objects.get(username="binjiang_centre_head"))
    urls = [
        reverse(f"renovation:{name}")
        for name in (
            "pipeline",
            "register",
            "application_list",
            "patrol_today",
            "violation_list",
            "lecture_list",
        )
    ]
    urls += [
        a.get_absolute_url() for a in RenovationApplication.objects.filter(project__code="binjiang")
    ]
    urls += [v.get_absolute_url() for v in Violation.objects.filter(project__code="binjiang")]
    urls += [p.get_absolute_url() for p in PatrolRecord.objects.filter(project__code="binjiang")]
    urls += [
        lec.get_absolute_url() for lec in RenovationLecture.objects.filter(project__code="binjiang")
    ]
    serious = Violation.objects.get(project__code="binjiang", severity="serious")
    urls.append(reverse("renovation:violation_print", args=[serious.pk]))
    for url in urls:
        assert client.get(url).status_code == 200, url
