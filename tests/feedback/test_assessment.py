"""Quarterly 6+2 assessment (R-FB-10): formula, ranking, entry, scoping, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from feedback import selectors, services
from feedback.models import (
    CallbackTask,
    CustomerStepRecord,
    DeadlineBreach,
    QuarterlyAssessment,
    StepAction,
)
from tests import factories as f

from .conftest import sh

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 4, 10)


def _task(project, customer, *, due, completed=None, score=None, status="reached", key="t"):
    return CallbackTask.objects.create(
        project=project,
        customer=customer,
        rule="residence_3m",
        source_key=key,
        due_date=due,
        status=status if completed else "pending",
        completed_at=completed,
        score=score,
    )


def _scored_project(project, *, a1=(80, 90), score=Decimal("4.00")):
    """A project whose Q1 2026 figures are: A1 85, every A2 rate 50 %, A3 = score × 20."""
    if a1:
        services.assessment_record_a1(
            project=project,
            year=2026,
            quarter=1,
            site_check_score=Decimal(a1[0]),
            mystery_visit_score=Decimal(a1[1]),
        )
    p1 = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 1, 5))
    p2 = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 5))
    CustomerStepRecord.objects.create(
        project=project,
        customer=p1.customer,
        action=StepAction.objects.get(code="progress_notice"),
        done_on=D(2026, 3, 1),
    )
    # Callbacks due in the quarter: one made on time, one late.
    _task(project, p1.customer, due=D(2026, 2, 1), completed=sh(2026, 2, 1, 20), score=score)
    _task(
        project, p2.customer, due=D(2026, 2, 1), completed=sh(2026, 2, 3, 9), score=score, key="u"
    )
    # Two requests with a deadline; one breached.
    for i in range(2):
        case = services.case_create(
            project=project,
            kind="request",
            subject="x",
            customer=p1.customer,
            now=sh(2026, 2, 1, 10, i),
        )
    DeadlineBreach.objects.create(
        project=project,
        case=case,
        kind="dispatch",
        due_at=case.dispatch_due,
        detected_at=sh(2026, 2, 2),
    )
    return p1, p2


def test_formula_a1_a2_a3_and_total(project):
    _scored_project(project)
    (row,) = selectors.assessment_ranking([project], year=2026, quarter=1, today=TODAY)
    assert row["a1"] == Decimal("85.00")
    assert row["callbacks_on_time"] == Decimal("50.00")
    assert row["cases_on_time"] == Decimal("50.00")
    assert row["notices_sent"] == Decimal("50.00")
    assert row["a2"] == Decimal("50.00")
    assert row["a3"] == Decimal("80.00")  # mean 4 on 1–5 × 20
    assert row["total"] == Decimal("73.75")  # .25·85 + .25·50 + .5·80
    assert row["rank"] == 1


def test_other_quarter_has_no_figures(project):
    _scored_project(project)
    (row,) = selectors.assessment_ranking([project], year=2025, quarter=4, today=TODAY)
    assert row["a1"] is None and row["a3"] is None and row["total"] is None
    assert row["rank"] is None


def test_ranking_orders_ties_and_unranked(project, other_project):
    third = f.ProjectFactory()
    fourth = f.ProjectFactory()
    _scored_project(project, score=Decimal("5.00"))
    _scored_project(other_project, score=Decimal("3.00"))
    _scored_project(third, score=Decimal("3.00"))
    _scored_project(fourth, a1=None)  # A1 not entered: listed last, unranked
    rows = selectors.assessment_ranking(
        [fourth, third, other_project, project], year=2026, quarter=1, today=TODAY
    )
    assert rows[0]["project"] == project
    assert rows[0]["rank"] == 1 and rows[1]["rank"] == 2 and rows[2]["rank"] == 2
    assert rows[3]["project"] == fourth and rows[3]["rank"] is None


def test_callbacks_due_after_today_are_not_counted_yet(project):
    c = f.CustomerFactory(project=project)
    _task(project, c, due=D(2026, 3, 20))
    (row,) = selectors.assessment_ranking([project], year=2026, quarter=1, today=D(2026, 3, 10))
    assert row["callbacks_on_time"] is None


def test_a1_entry_service_upserts_and_validates(project):
    row = services.assessment_record_a1(
        project=project,
        year=2026,
        quarter=1,
        site_check_score=Decimal(70),
        mystery_visit_score=None,
    )
    assert row.a1 == Decimal(70)
    services.assessment_record_a1(
        project=project,
        year=2026,
        quarter=1,
        site_check_score=Decimal(60),
        mystery_visit_score=Decimal(80),
    )
    assert QuarterlyAssessment.objects.get().a1 == Decimal(70)
    with pytest.raises(services.DomainError):
        services.assessment_record_a1(
            project=project,
            year=2026,
            quarter=1,
            site_check_score=Decimal(120),
            mystery_visit_score=None,
        )
    with pytest.raises(services.DomainError):
        services.assessment_record_a1(
            project=project,
            year=2026,
            quarter=5,
            site_check_score=Decimal(1),
            mystery_visit_score=None,
        )


def test_inspector_enters_a1_in_browser(project, member, client_for):
    inspector = member("hq_inspector", project)
    c = client_for(inspector)
    url = reverse("feedback:assessment_enter")
    assert c.get(url).status_code == 200
    r = c.post(
        url,
        {"project": project.pk, "year": 2026, "quarter": 1, "site_check_score": "88.5"},
    )
    assert r.status_code == 302
    assert QuarterlyAssessment.objects.get().site_check_score == Decimal("88.5")
    r = c.post(url, {"project": project.pk, "year": 2026, "quarter": 1})
    assert r.status_code == 200 and "请至少填写" in r.content.decode()


def test_front_desk_may_neither_see_nor_enter(project, member, client_for):
    c = client_for(member("front_desk", project))
    assert c.get(reverse("feedback:assessment")).status_code == 403
    assert c.get(reverse("feedback:assessment_enter")).status_code == 403
    r = c.post(
        reverse("feedback:assessment_enter"),
        {"project": project.pk, "year": 2026, "quarter": 1, "site_check_score": "1"},
    )
    assert r.status_code == 403 and not QuarterlyAssessment.objects.exists()


def test_cs_lead_cannot_enter_a1(project, member, client_for):
    c = client_for(member("cs_lead", project))
    assert c.get(reverse("feedback:assessment")).status_code == 200
    assert c.get(reverse("feedback:assessment_enter")).status_code == 403


def test_page_shows_only_visible_projects(project, other_project, member, client_for):
    _scored_project(project)
    lead = member("cs_lead", project)
    r = client_for(lead).get(reverse("feedback:assessment"), {"year": 2026, "quarter": 1})
    body = r.content.decode()
    assert project.name in body and other_project.name not in body


def test_export(project, member, client_for):
    r = client_for(member("cs_lead", project)).get(
        reverse("feedback:assessment"), {"year": 2026, "quarter": 1, "format": "csv"}
    )
    assert r.status_code == 200
    assert project.name in b"".join(r.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("n", [3, 30])
def test_query_count_does_not_grow_with_projects(
    n, member, client_for, django_assert_max_num_queries
):
    projects = [f.ProjectFactory() for _ in range(n)]
    inspector = member("hq_inspector", projects[0])
    for p in projects[:3]:
        _task(
            p, f.CustomerFactory(project=p), due=D(2026, 2, 1), completed=sh(2026, 2, 1, 9), score=4
        )
    c = client_for(inspector)
    with django_assert_max_num_queries(14):
        r = c.get(reverse("feedback:assessment"), {"year": 2026, "quarter": 1})
    assert r.status_code == 200
