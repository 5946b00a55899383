"""Forced ranking with elimination (强制排序，末位淘汰; issue #16 item 4) with hand-computed
figures over 2026 Q2, the centre head's decision, and the denials."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback.models import CallbackTask, Case, CaseKind, CaseStatus, Question
from feedback.models.ranking import ContractorIntroduction, RankingDecision, RankingWeights
from feedback.selectors.ranking import contractor_forced_ranking
from salesite.models import (
    CompetitionScore,
    ContractorStatusChange,
    LeadEvaluation,
    SkillCompetition,
)
from tests import demo_snapshot
from tests import factories as f
from tests.contractor_factories import contractor_for

from .conftest import sh

pytestmark = pytest.mark.django_db

NOW = sh(2026, 9, 1, 12, 0)  # every Q2 repair's 30-day window is over
CLOSED = sh(2026, 5, 10, 10, 0)


@pytest.fixture
def world(project):
    a = contractor_for(project, name="甲安装")
    b = contractor_for(project, name="乙水电")
    c = contractor_for(project, name="丙土建")
    building = f.BuildingFactory(project=project)
    customer = f.CustomerFactory(project=project)
    question = Question.objects.get(questionnaire__rule="repair", rates_contractor=True)
    other_q = Question.objects.filter(questionnaire__rule="repair", rates_contractor=False).first()

    def repair(contractor, *, late=False, unit=None, category="build_quality", answer=None):
        unit = unit or f.UnitFactory(building=building)
        received = CLOSED - datetime.timedelta(days=3)
        case = Case.objects.create(
            project=project,
            kind=CaseKind.REPAIR,
            subject="渗水",
            unit=unit,
            complaint_category=category,
            contractor=contractor,
            repair_contractor=contractor.name if contractor else "甲安装",
            received_at=received,
            dispatch_due=received + datetime.timedelta(minutes=10),
            dispatched_at=received + datetime.timedelta(minutes=5),
            answer_due=received + datetime.timedelta(days=1),
            replied_at=received + datetime.timedelta(days=2 if late else 0, hours=2),
            status=CaseStatus.CLOSED,
            reply="已修复",
            closed_at=CLOSED,
        )
        if answer is not None:
            answers = {str(question.pk): answer}
            if other_q:
                answers[str(other_q.pk)] = 1  # the repair result question: not the contractor's
            CallbackTask.objects.create(
                project=project,
                customer=customer,
                rule_id="repair",
                source_key=f"case:{case.pk}",
                case=case,
                due_date=CLOSED.date(),
                status="reached",
                answers=answers,
                completed_at=CLOSED + datetime.timedelta(days=1),
            )
        return case

    # 甲: four repairs on time, fixed first time; answers 5, 5, 4, 4.
    for answer in (5, 5, 4, 4):
        repair(a, answer=answer)
    # 乙: three repairs, one answered late, one repeated on day 10; answers 3, 4; a complaint.
    repeated = repair(b, answer=3)
    repair(b, late=True, answer=4)
    repair(b)
    Case.objects.create(
        project=project,
        kind=CaseKind.REPAIR,
        subject="又漏了",
        unit=repeated.unit,
        complaint_category="build_quality",
        received_at=CLOSED + datetime.timedelta(days=10),
    )
    Case.objects.create(
        project=project,
        kind=CaseKind.COMPLAINT,
        subject="施工人员态度差",
        contractor=b,
        received_at=sh(2026, 6, 2, 9, 0),
    )
    # 丙: two repairs (fewer than the three a proposal needs), one late; answer 1.
    repair(c, answer=1)
    repair(c, late=True)
    # Not counted: an old free-text-only repair, and a 甲 repair closed in Q3.
    repair(None)
    late_case = repair(a, answer=1)
    Case.objects.filter(pk=late_case.pk).update(closed_at=sh(2026, 7, 2, 9, 0))
    CallbackTask.objects.filter(case=late_case).update(completed_at=sh(2026, 7, 3, 9, 0))
    # Competitions: Q2 counts (甲 90, 乙 70), Q1 does not.
    company = project.property_company
    q2 = SkillCompetition.objects.create(
        company=company, title="水电比武", held_on=datetime.date(2026, 5, 20)
    )
    q1 = SkillCompetition.objects.create(
        company=company, title="春季比武", held_on=datetime.date(2026, 3, 20)
    )
    CompetitionScore.objects.create(competition=q2, contractor=a, score=90)
    CompetitionScore.objects.create(competition=q2, contractor=b, score=70)
    CompetitionScore.objects.create(competition=q1, contractor=b, score=10)
    for contractor, score, quarter in ((a, 80, 2), (b, 60, 2), (b, 100, 1)):
        LeadEvaluation.objects.create(
            project=project,
            contractor=contractor,
            year=2026,
            quarter=quarter,
            lead_name="赵工",
            score=score,
            passed=score >= 60,
            evaluated_on=datetime.date(2026, 6, 30),
        )
    return a, b, c


def test_quarter_ranking_with_hand_computed_totals(project, world):
    _a, b, _c = world
    result = contractor_forced_ranking(project.property_company, year=2026, quarter=2, now=NOW)
    rows = {r["contractor"].name: r for r in result["rows"]}
    # 甲: satisfaction 4.5 × 20 = 90, on time 4/4, fixed 4/4, no complaint, competition 90,
    # evaluation 80: 0.3×90 + 0.2×100 + 0.2×100 + 0.1×100 + 0.1×90 + 0.1×80 = 94.0
    assert rows["甲安装"]["parts"] == {
        "satisfaction": Decimal("90.0"),
        "on_time": Decimal("100.0"),
        "first_fix": Decimal("100.0"),
        "complaints": Decimal("100.0"),
        "competition": Decimal("90.0"),
        "evaluation": Decimal("80.0"),
    }
    assert rows["甲安装"]["total"] == Decimal("94.0")
    assert rows["甲安装"]["repairs"] == 4
    # 乙: satisfaction 3.5 × 20 = 70, on time 2/3 = 66.7, fixed 2/3 = 66.7, one complaint
    # 100 − 10 = 90, competition 70, evaluation 60:
    # 21 + 13.34 + 13.34 + 9 + 7 + 6 = 69.68 → 69.7
    assert rows["乙水电"]["parts"] == {
        "satisfaction": Decimal("70.0"),
        "on_time": Decimal("66.7"),
        "first_fix": Decimal("66.7"),
        "complaints": Decimal("90.0"),
        "competition": Decimal("70.0"),
        "evaluation": Decimal("60.0"),
    }
    assert rows["乙水电"]["total"] == Decimal("69.7")
    # 丙: satisfaction 1 × 20 = 20, on time 1/2 = 50, fixed 2/2, no complaint; no competition
    # nor evaluation, so the weights are 30+20+20+10 = 80:
    # (30×20 + 20×50 + 20×100 + 10×100) / 80 = 4600 / 80 = 57.5
    assert rows["丙土建"]["parts"]["competition"] is None
    assert rows["丙土建"]["total"] == Decimal("57.5")
    # Forced order; 丙 is last but has only two repairs: 乙 is proposed for elimination.
    assert [(r["rank"], r["contractor"].name) for r in result["rows"]] == [
        (1, "甲安装"),
        (2, "乙水电"),
        (3, "丙土建"),
    ]
    assert result["proposal"]["contractor"] == b
    assert [r["proposed"] for r in result["rows"]] == [False, True, False]


def test_project_scope_year_and_weights(project, world):
    _a, b, _c = world
    year = contractor_forced_ranking(project.property_company, project=project, year=2026, now=NOW)
    rows = {r["contractor"].name: r for r in year["rows"]}
    # The year adds 乙's Q1 competition (10) and evaluation (100): means 40 and 80.
    assert rows["乙水电"]["parts"]["competition"] == Decimal("40.0")
    assert rows["乙水电"]["parts"]["evaluation"] == Decimal("80.0")
    # ... and 甲's Q3 repair answered 1: answers 5, 5, 4, 4, 1 → 3.8 × 20 = 76.
    assert rows["甲安装"]["parts"]["satisfaction"] == Decimal("76.0")
    assert year["proposal"]["contractor"] == b
    weights = RankingWeights(
        w_satisfaction=50,
        w_on_time=10,
        w_first_fix=10,
        w_complaints=10,
        w_competition=10,
        w_evaluation=20,
    )
    with pytest.raises(ValidationError):
        weights.full_clean()  # 110
    weights.w_evaluation = 10
    weights.full_clean()
    weights.save()
    result = contractor_forced_ranking(project.property_company, year=2026, quarter=2, now=NOW)
    totals = {r["contractor"].name: r["total"] for r in result["rows"]}
    # 乙: 0.5×70 + 0.1×(66.7 + 66.7 + 90 + 70 + 60) = 35 + 35.34 = 70.34 → 70.3
    assert totals["乙水电"] == Decimal("70.3")


@pytest.fixture
def head(member, project):
    return member("centre_head", project)


def test_page_and_decision_by_the_centre_head(
    client_for, head, project, world, django_assert_max_num_queries
):
    _a, b, c = world
    client = client_for(head)
    url = reverse("feedback:ranking") + f"?scope=p{project.pk}&year=2026&quarter=2"
    with django_assert_max_num_queries(40):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "提议末位淘汰" in html and "69.7" in html and "94.0" in html
    decide = reverse("feedback:ranking_decide") + f"?scope=p{project.pk}&year=2026&quarter=2"
    response = client.post(decide, {"contractor": b.pk, "decision": "eliminate", "reason": " "})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == "active" and not RankingDecision.objects.exists()
    response = client.post(
        decide, {"contractor": b.pk, "decision": "eliminate", "reason": "连续两季度末位"}
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == "eliminated"
    decision = RankingDecision.objects.get()
    assert (decision.year, decision.quarter, decision.rank, decision.total) == (
        2026,
        2,
        2,
        Decimal("69.7"),
    )
    assert decision.decided_by == head and decision.project == project
    change = ContractorStatusChange.objects.get(contractor=b)
    assert (change.from_status, change.to_status) == ("active", "eliminated")
    # 丙 kept on probation: the status moves to probation.
    client.post(decide, {"contractor": c.pk, "decision": "keep_on_probation", "reason": "限期整改"})
    c.refresh_from_db()
    assert c.status == "probation"
    introduce = reverse("feedback:ranking_introduce") + f"?scope=p{project.pk}&year=2026&quarter=2"
    new = contractor_for(project, name="丁新装", status="probation")
    response = client.post(
        introduce,
        {"contractor": new.pk, "replaces": b.pk, "introduced_on": "2026-07-05", "reason": "替代乙"},
    )
    assert response.status_code == 302
    intro = ContractorIntroduction.objects.get()
    assert (intro.contractor, intro.replaces, intro.introduced_by) == (new, b, head)


def test_denials(client_for, member, project, other_project, world):
    _a, b, _c = world
    lead = member("cs_lead", project)
    client = client_for(lead)
    url = reverse("feedback:ranking") + f"?scope=p{project.pk}&year=2026&quarter=2"
    assert client.get(url).status_code == 200
    # Not the centre head: no decision.
    decide = reverse("feedback:ranking_decide") + f"?scope=p{project.pk}&year=2026&quarter=2"
    response = client.post(decide, {"contractor": b.pk, "decision": "eliminate", "reason": "x"})
    assert response.status_code == 403
    b.refresh_from_db()
    assert b.status == "active"
    # Another company's project and company: 404.
    for scope in (f"p{other_project.pk}", f"c{other_project.property_company_id}"):
        other = reverse("feedback:ranking") + f"?scope={scope}&year=2026&quarter=2"
        assert client.get(other).status_code == 404
    # The other project's centre head cannot decide on this project's ranking.
    stranger = member("centre_head", other_project)
    response = client_for(stranger).post(
        decide, {"contractor": b.pk, "decision": "eliminate", "reason": "x"}
    )
    assert response.status_code == 404
    # A front desk clerk does not see the ranking at all.
    assert client_for(member("front_desk", project)).get(url).status_code == 403


def test_demo_ranks_the_hangzhou_company_last_quarter():
    from django.core.management import call_command
    from django.utils import timezone

    from feedback.models.assessment import quarter_of
    from salesite.models import Project

    demo_snapshot.seed_demo()
    counts = (Case.objects.count(), CallbackTask.objects.count(), RankingDecision.objects.count())
    company = Project.objects.get(code="binjiang").property_company
    year, quarter = quarter_of(timezone.localdate())
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    result = contractor_forced_ranking(company, year=year, quarter=quarter)
    ranked = [r for r in result["rows"] if r["total"] is not None]
    assert len(ranked) == 3, [(r["contractor"].name, r["repairs"]) for r in result["rows"]]
    assert all(r["parts"]["satisfaction"] is not None for r in ranked)
    assert result["proposal"] is not None
    assert RankingDecision.objects.count() == 1
    from django.test import Client

    from salesite.models import User

    client = Client()
    client.force_login(User.objects.get(username="yunqi_centre_head"))
    yunqi = Project.objects.get(code="yunqi")
    response = client.get(reverse("feedback:ranking") + f"?scope=p{yunqi.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "提议末位淘汰" in html and "杭州净美防水工程有限公司" in html and "记录决定" in html
    call_command("seed_demo", verbosity=0)
    assert (
        Case.objects.count(),
        CallbackTask.objects.count(),
        RankingDecision.objects.count(),
    ) == counts


def test_company_scope_for_company_roles_and_hq(client_for, member, project, other_project, world):
    gm = member("subsidiary_gm", project)
    url = reverse("feedback:ranking") + f"?scope=c{project.property_company_id}&year=2026&quarter=2"
    response = client_for(gm).get(url)
    assert response.status_code == 200
    assert "乙水电" in response.content.decode()
    hq = f.UserFactory(company=f.HQFactory())
    other = reverse("feedback:ranking") + f"?scope=c{other_project.property_company_id}"
    assert client_for(hq).get(other).status_code == 200
    assert client_for(hq).get(url).status_code == 200
