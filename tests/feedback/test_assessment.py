"""Quarterly 6+2 assessment (R-FB-10): the A1/A2 checklists (records proposal, submit, reopen,
Q4 BSC override), the formula and ranking, the pages, their denials and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback import selectors, services
from feedback.models import (
    AssessmentChecklistItem,
    CallbackTask,
    CustomerStepRecord,
    DeadlineBreach,
    HandoverFact,
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


@pytest.fixture
def catalogue():
    """A small catalogue instead of the defaults: A1 40 + 60 points; A2 a guide item (10), a
    "written records" item of the step 亲密接触 (20, proposed from the records) and a display
    item (10)."""
    AssessmentChecklistItem.objects.update(active=False)
    mk = AssessmentChecklistItem.objects.create
    return {
        "visit": mk(indicator="a1", text="神秘访客", points=40, order=1),
        "ask": mk(indicator="a1", text="询问客户", points=60, order=2),
        "guide": mk(indicator="a2", text="操作指引", points=10, order=3),
        "records": mk(
            indicator="a2", text="书面记录", step="contact", points=20, proposal="records", order=4
        ),
        "display": mk(indicator="a2", text="公示", points=10, order=5),
    }


SCORES = {"visit": 30, "ask": 45, "guide": 8, "records": 15, "display": 10}


def _fill(project, catalogue, *, year=2026, quarter=1, scores=SCORES, submit=True):
    check = services.assessment_open(project=project, year=year, quarter=quarter)
    by_item = {line.item_id: line for line in check.lines.all()}
    services.assessment_save_lines(
        assessment=check,
        entries={
            by_item[catalogue[k].pk].pk: {"score": Decimal(v), "note": k} for k, v in scores.items()
        },
    )
    if submit:
        check = services.assessment_submit(assessment=check)
    return check


def _scored(project, catalogue, *, score=Decimal("4.00"), year=2026, quarter=1, **kw):
    """A project with a checklist (A1 75, A2 82.50 with SCORES) and callbacks scored ``score``."""
    _fill(project, catalogue, year=year, quarter=quarter, **kw)
    start = D(year, 3 * quarter - 1, 1)
    c = f.CustomerFactory(project=project)
    _task(
        project,
        c,
        due=start,
        completed=sh(start.year, start.month, start.day, 20),
        score=score,
    )


def test_formula_from_checklists(project, catalogue):
    # A1 = (30 + 45) / (40 + 60) = 75 %; A2 = (8 + 15 + 10) / 40 = 82.5 %; A3 = 4 × 20 = 80.
    _scored(project, catalogue)
    (row,) = selectors.assessment_ranking([project], year=2026, quarter=1, today=TODAY)
    assert row["a1"] == Decimal("75.00")
    assert row["a2"] == Decimal("82.50")
    assert row["a3"] == Decimal("80.00")
    # .25·75 + .25·82.5 + .5·80 = 18.75 + 20.625 + 40 = 79.375 → 79.38
    assert row["total"] == Decimal("79.38") and row["computed_total"] == Decimal("79.38")
    assert row["rank"] == 1 and row["bsc"] is False


def test_draft_checklist_counts_for_nothing(project, catalogue):
    _scored(project, catalogue, submit=False)
    (row,) = selectors.assessment_ranking([project], year=2026, quarter=1, today=TODAY)
    assert row["a1"] is None and row["a2"] is None and row["total"] is None
    assert row["a3"] == Decimal("80.00") and row["rank"] is None


def test_reference_rates_still_computed(project, catalogue):
    p1 = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 1, 5))
    f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 5))
    CustomerStepRecord.objects.create(
        project=project,
        customer=p1.customer,
        action=StepAction.objects.get(code="progress_notice"),
        done_on=D(2026, 3, 1),
    )
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
    (row,) = selectors.assessment_ranking([project], year=2026, quarter=1, today=TODAY)
    assert row["notices_sent"] == Decimal("50.00") and row["cases_on_time"] == Decimal("50.00")
    # The dashboard's score leaves the reference rates out (three queries fewer), same totals.
    _scored(project, catalogue)
    full = selectors.assessment_ranking([project], year=2026, quarter=1, today=TODAY)
    with CaptureQueriesContext(connection) as ctx:
        (short,) = selectors.assessment_ranking(
            [project], year=2026, quarter=1, today=TODAY, parts=False
        )
    assert short["total"] == full[0]["total"] is not None
    assert (short["a1"], short["a2"], short["a3"]) == (full[0]["a1"], full[0]["a2"], full[0]["a3"])
    assert short["notices_sent"] is short["cases_on_time"] is short["callbacks_on_time"] is None
    with CaptureQueriesContext(connection) as all_parts:
        selectors.assessment_ranking([project], year=2026, quarter=1, today=TODAY)
    assert len(ctx.captured_queries) == len(all_parts.captured_queries) - 3


def test_ranking_ties_unranked_and_q4_bsc_override(project, other_project, catalogue):
    third, fourth = f.ProjectFactory(), f.ProjectFactory()
    # Q4 2025: computed totals .25·75 + .25·82.5 + .5·A3 = 39.375 + .5·A3
    _scored(project, catalogue, year=2025, quarter=4, score=Decimal(5))  # 89.38
    _scored(other_project, catalogue, year=2025, quarter=4, score=Decimal(3))  # 69.38
    _scored(third, catalogue, year=2025, quarter=4, score=Decimal(3))  # 69.38
    _scored(fourth, catalogue, year=2025, quarter=4, submit=False)  # no A1/A2: unranked
    rows = selectors.assessment_ranking(
        [fourth, third, other_project, project], year=2025, quarter=4, today=TODAY
    )
    assert [r["total"] for r in rows] == [
        Decimal("89.38"),
        Decimal("69.38"),
        Decimal("69.38"),
        None,
    ]
    assert [r["rank"] for r in rows] == [1, 2, 2, None]
    assert rows[0]["project"] == project and rows[3]["project"] == fourth
    # The group BSC result of other_project (95) replaces its computed total and ranks it.
    check = QuarterlyAssessment.objects.get(project=other_project, year=2025, quarter=4)
    services.assessment_record_bsc(assessment=check, total=Decimal("95"), note="集团BSC通报")
    rows = selectors.assessment_ranking(
        [fourth, third, other_project, project], year=2025, quarter=4, today=TODAY
    )
    assert rows[0]["project"] == other_project and rows[0]["rank"] == 1
    assert rows[0]["total"] == Decimal("95.00") and rows[0]["bsc"] is True
    assert rows[0]["computed_total"] == Decimal("69.38")
    assert [r["rank"] for r in rows] == [1, 2, 3, None]
    # Removing it restores the computed total.
    services.assessment_record_bsc(assessment=check, total=None)
    check.refresh_from_db()
    assert check.bsc_total is None and check.bsc_note == "" and check.bsc_by is None


def test_bsc_only_for_q4_and_needs_a_note(project, catalogue):
    q1 = _fill(project, catalogue)
    with pytest.raises(services.DomainError, match="第四季度"):
        services.assessment_record_bsc(assessment=q1, total=Decimal(90), note="x")
    q4 = _fill(project, catalogue, year=2025, quarter=4)
    with pytest.raises(services.DomainError, match="说明"):
        services.assessment_record_bsc(assessment=q4, total=Decimal(90), note=" ")
    with pytest.raises(services.DomainError):
        services.assessment_record_bsc(assessment=q4, total=Decimal(101), note="x")


def test_records_proposal_from_step_records(project, catalogue):
    """亲密接触 has three per-customer actions. Buyers signed by the quarter's end: 2 (a third
    signs after it, a fourth purchase is inactive) → 6 records expected; done by then: 2 (one
    more is dated after the quarter) → 20 × 2/6 = 6.67. After delivery (嘘寒问暖, one action):
    1 customer handed over, 1 record → full score."""
    care = AssessmentChecklistItem.objects.create(
        indicator="a2", text="回访记录", step="care", points=10, proposal="records"
    )
    p1 = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 1, 5))
    p2 = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 5))
    late = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 4, 5))
    f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 1, 5), is_active=False)

    def rec(customer, code, day):
        CustomerStepRecord.objects.create(
            project=project,
            customer=customer,
            action=StepAction.objects.get(code=code),
            done_on=day,
        )

    rec(p1.customer, "progress_notice", D(2026, 3, 1))
    rec(p1.customer, "site_open_day", D(2026, 2, 1))
    rec(p2.customer, "progress_notice", D(2026, 4, 2))  # after the quarter
    rec(late.customer, "site_open_day", D(2026, 3, 1))  # not yet a buyer by the quarter's end
    HandoverFact.objects.create(
        project=project, customer=p1.customer, unit=p1.unit, handover_date=D(2026, 2, 1)
    )
    rec(p1.customer, "callback_3m", D(2026, 3, 20))
    check = services.assessment_open(project=project, year=2026, quarter=1)
    proposals = selectors.checklist_proposals(check, [catalogue["records"], care])
    records = proposals[catalogue["records"].pk]
    assert (records["done"], records["expected"], records["score"]) == (2, 6, Decimal("6.67"))
    assert records["basis"] == "已记录 2 / 应记录 6（33.33%）"
    assert proposals[care.pk]["score"] == Decimal("10.00")
    # Saving stores the proposal and its figure next to the inspector's entry.
    line = check.lines.get(item=catalogue["records"])
    services.assessment_save_lines(assessment=check, entries={line.pk: {"score": Decimal(5)}})
    line.refresh_from_db()
    assert line.score == Decimal(5) and line.proposed_score == Decimal("6.67")
    assert "33.33%" in line.proposal_basis
    assert catalogue["guide"].pk not in proposals


def test_open_is_idempotent_and_adds_new_items_to_a_draft(project, catalogue):
    check = services.assessment_open(project=project, year=2026, quarter=1)
    assert check.lines.count() == 5
    services.assessment_open(project=project, year=2026, quarter=1)
    assert check.lines.count() == 5
    AssessmentChecklistItem.objects.create(indicator="a1", text="新增", points=5)
    services.assessment_open(project=project, year=2026, quarter=1)
    assert check.lines.count() == 6


def test_submit_requires_every_item_and_locks(project, catalogue):
    check = _fill(project, catalogue, scores={"visit": 30}, submit=False)
    with pytest.raises(services.DomainError, match="4 个检查项未评分"):
        services.assessment_submit(assessment=check)
    check.refresh_from_db()
    assert check.status == "draft"
    check = _fill(project, catalogue)
    assert check.status == "submitted" and check.submitted_at is not None
    line = check.lines.first()
    with pytest.raises(services.DomainError, match="已提交"):
        services.assessment_save_lines(assessment=check, entries={line.pk: {"score": 1}})
    with pytest.raises(services.DomainError, match="退回原因"):
        services.assessment_reopen(assessment=check, reason=" ")
    services.assessment_reopen(assessment=check, reason="重查")
    with pytest.raises(services.DomainError, match="满分"):
        services.assessment_save_lines(assessment=check, entries={line.pk: {"score": 999}})
    check.refresh_from_db()
    assert check.status == "draft" and "重查" in check.note


def test_default_catalogue_from_the_seed():
    items = AssessmentChecklistItem.objects.filter(active=True)
    a1 = items.filter(indicator="a1")
    a2 = items.filter(indicator="a2")
    assert sum(i.points for i in a1) == 100 and sum(i.points for i in a2) == 100
    assert a1.filter(text__contains="神秘访客").exists()
    assert a2.filter(text__contains="操作指引或流程制度").count() == 8
    assert a2.filter(proposal="records").count() == 7
    assert a2.filter(text__contains="三天无理由退订公示", action__code="cancellation_disclosed")


def test_inspector_fills_and_submits_in_browser(project, member, client_for, catalogue):
    c = client_for(member("hq_inspector", project))
    assert c.get(reverse("feedback:assessment_enter")).status_code == 200
    r = c.post(
        reverse("feedback:assessment_enter"), {"project": project.pk, "year": 2026, "quarter": 1}
    )
    check = QuarterlyAssessment.objects.get()
    assert r.status_code == 302 and r.url == reverse(
        "feedback:assessment_checklist", args=[check.pk]
    )
    url = r.url
    body = c.get(url).content.decode()
    assert "神秘访客" in body and "应记录" in body
    lines = {line.item_id: line.pk for line in check.lines.all()}
    data = {f"line-{lines[catalogue[k].pk]}-score": v for k, v in SCORES.items()}
    data[f"line-{lines[catalogue['visit'].pk]}-score"] = "41"  # above the full score
    r = c.post(url, {**data, "action": "save"})
    assert r.status_code == 200 and "不能超过满分 40" in r.content.decode()
    data[f"line-{lines[catalogue['visit'].pk]}-score"] = "30"
    r = c.post(url, {**data, "action": "submit", "note": "总体良好"})
    assert r.status_code == 302
    check.refresh_from_db()
    assert check.status == "submitted" and check.note == "总体良好"
    # Locked: a further POST changes nothing.
    c.post(url, {**data, f"line-{lines[catalogue['visit'].pk]}-score": "0", "action": "save"})
    assert check.lines.get(item=catalogue["visit"]).score == Decimal(30)
    body = c.get(reverse("feedback:assessment"), {"year": 2026, "quarter": 1}).content.decode()
    assert "75.00" in body and "82.50" in body


def test_manager_reopens_inspector_may_not(project, member, client_for, catalogue):
    check = _fill(project, catalogue)
    url = reverse("feedback:assessment_reopen", args=[check.pk])
    assert client_for(member("hq_inspector", project)).post(url, {"reason": "x"}).status_code == 403
    assert client_for(member("cs_lead", project)).get(url).status_code == 403
    gm = client_for(member("subsidiary_gm", project))
    r = gm.post(url, {"reason": "书面记录抽查有误"})
    assert r.status_code == 302
    check.refresh_from_db()
    assert check.status == "draft" and "书面记录抽查有误" in check.note


def test_bsc_page_permissions_and_q4(project, member, client_for, catalogue):
    q1 = _fill(project, catalogue)
    q4 = _fill(project, catalogue, year=2025, quarter=4)
    hq = client_for(member("hq_inspector", project))
    r = hq.post(reverse("feedback:assessment_bsc", args=[q1.pk]), {"total": "90", "note": "x"})
    assert r.status_code == 200 and "第四季度" in r.content.decode()
    r = hq.post(reverse("feedback:assessment_bsc", args=[q4.pk]), {"total": "90"})
    assert r.status_code == 200 and "请填写BSC结果的说明" in r.content.decode()
    r = hq.post(reverse("feedback:assessment_bsc", args=[q4.pk]), {"total": "90", "note": "BSC"})
    assert r.status_code == 302
    q4.refresh_from_db()
    assert q4.bsc_total == Decimal(90) and q4.bsc_by is not None and q4.bsc_at is not None
    lead = client_for(member("cs_lead", project))
    assert lead.get(reverse("feedback:assessment_bsc", args=[q4.pk])).status_code == 403
    body = lead.get(reverse("feedback:assessment"), {"year": 2025, "quarter": 4}).content.decode()
    assert "BSC" in body and "90" in body


def test_denials(project, other_project, member, client_for, catalogue):
    theirs = _fill(other_project, catalogue, submit=False)
    mine = _fill(project, catalogue, submit=False)
    inspector = client_for(member("centre_head", project))
    for name in ["assessment_checklist", "assessment_bsc", "assessment_reopen"]:
        assert inspector.get(reverse(f"feedback:{name}", args=[theirs.pk])).status_code == 404
    desk = client_for(member("front_desk", project))
    assert desk.get(reverse("feedback:assessment")).status_code == 403
    assert desk.get(reverse("feedback:assessment_enter")).status_code == 403
    assert desk.get(reverse("feedback:assessment_checklist", args=[mine.pk])).status_code == 403
    lead = client_for(member("cs_lead", project))
    url = reverse("feedback:assessment_checklist", args=[mine.pk])
    assert lead.get(url).status_code == 200
    line = mine.lines.first()
    r = lead.post(url, {f"line-{line.pk}-score": "1", "action": "save"})
    assert r.status_code == 403
    assert lead.get(reverse("feedback:assessment_enter")).status_code == 403
    r = inspector.post(
        reverse("feedback:assessment_enter"),
        {"project": other_project.pk, "year": 2026, "quarter": 2},
    )
    assert r.status_code == 200
    assert not QuarterlyAssessment.objects.filter(project=other_project, quarter=2).exists()


def test_page_shows_only_visible_projects(project, other_project, member, client_for, catalogue):
    _scored(project, catalogue)
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
    n, member, client_for, django_assert_max_num_queries, catalogue
):
    projects = [f.ProjectFactory() for _ in range(n)]
    inspector = member("hq_inspector", projects[0])
    for p in projects[:3]:
        _scored(p, catalogue)
    c = client_for(inspector)
    with django_assert_max_num_queries(15):
        r = c.get(reverse("feedback:assessment"), {"year": 2026, "quarter": 1})
    assert r.status_code == 200


def test_checklist_page_query_count(
    project, member, client_for, catalogue, django_assert_max_num_queries
):
    check = _fill(project, catalogue, submit=False)
    c = client_for(member("hq_inspector", project))
    with django_assert_max_num_queries(30):
        r = c.get(reverse("feedback:assessment_checklist", args=[check.pk]))
    assert r.status_code == 200
