"""The defect report (R-FB-11) counts, besides complaints, callbacks and patrols, the handover
mock-inspection defects and rectification items and the HQ inspection findings (read through
the sources handover and operations register), by category and building, with a drill-down."""

import datetime

import pytest
from django.urls import reverse

from feedback import selectors, services
from feedback.defect_sources import defect_sources
from handover.models import HandoverCase, InspectionDefect, MockInspection, RectificationItem
from operations.models import Inspection, InspectionChecklist, InspectionItem, InspectionScore
from tests import factories as f
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db

D = datetime.date


def _mock(project, batch, unit, day, categories):
    inspection = MockInspection.objects.create(
        project=project, batch=batch, unit=unit, round=1, inspected_on=day
    )
    for cat in categories:
        InspectionDefect.objects.create(
            project=project,
            inspection=inspection,
            location="卫生间",
            category=cat,
            description=f"{cat} 问题",
            responsible_unit="总包",
            deadline=day,
        )
    return inspection


def _hq(project, hq_user, day, scores, *, status="completed"):
    checklist, _ = InspectionChecklist.objects.get_or_create(name="案场品质检查表")
    inspection = Inspection.objects.create(
        project=project, checklist=checklist, date=day, inspector=hq_user, status=status
    )
    for i, (max_score, score) in enumerate(scores):
        item = InspectionItem.objects.create(
            checklist=checklist, category="posts", text=f"岗位 {i}", max_score=max_score
        )
        InspectionScore.objects.create(inspection=inspection, item=item, score=score)
    return inspection


@pytest.fixture
def world(project, other_project, member):
    """Q1 2026 of ``project``: building B1 with 2 mock-inspection defects and a patrol finding,
    building B2 with 1 mock-inspection defect and 2 rectification items, an HQ inspection
    with 2 findings; rows outside the quarter, of a draft inspection and of another project
    that must not count."""
    batch = make_batch(project, units=1)
    b1_unit = batch.units.get()
    b1 = b1_unit.building
    b2 = f.BuildingFactory(project=project, name="B2幢")
    b2_unit = f.UnitFactory(building=b2)
    mock1 = _mock(project, batch, b1_unit, D(2026, 2, 10), ["plumbing", "civil"])
    _mock(project, batch, b2_unit, D(2026, 3, 31), ["electrical"])
    _mock(project, batch, f.UnitFactory(building=b2), D(2026, 4, 1), ["civil"])  # Q2
    case = HandoverCase.objects.create(project=project, unit=b2_unit)
    for day in (D(2026, 1, 15), D(2026, 1, 16), D(2025, 12, 31)):
        RectificationItem.objects.create(
            project=project,
            case=case,
            location="客厅",
            description="墙面空鼓",
            responsible_unit="总包",
            deadline=day,
            found_on=day,
        )
    hq_user = member("hq_inspector", project)
    hq = _hq(project, hq_user, D(2026, 2, 20), [(10, 10), (10, 6), (5, 0)])
    _hq(project, hq_user, D(2026, 2, 21), [(10, 1)], status="draft")
    _hq(other_project, hq_user, D(2026, 2, 20), [(10, 1)])
    services.patrol_record(
        project=project,
        category="service",
        finding="大堂灯不亮",
        building=b1,
        patrolled_on=D(2026, 3, 2),
    )
    return {"b1": b1, "b2": b2, "mock1": mock1, "case": case, "hq": hq}


def test_sources_are_registered_in_order():
    assert [s.code for s in defect_sources()] == [
        "complaints",
        "callbacks",
        "patrols",
        "mock_inspections",
        "rectifications",
        "hq_findings",
    ]


def test_counts_by_category_and_source(project, world):
    report = selectors.defect_summary([project], year=2026, quarter=1)
    rows = {r["category"].code: r for r in report["by_category"]}
    eng, svc = rows["engineering"], rows["service"]
    assert (eng["mock_inspections"], eng["rectifications"], eng["total"]) == (3, 2, 5)
    assert (svc["patrols"], svc["hq_findings"], svc["total"]) == (1, 2, 3)
    assert eng["counts"] == [0, 0, 0, 3, 2, 0] and svc["counts"] == [0, 0, 1, 0, 0, 2]
    assert rows["design"]["total"] == rows["sales"]["total"] == 0


def test_counts_by_category_and_building(project, world):
    report = selectors.defect_summary([project], year=2026, quarter=1)
    lines = {(r["category"].code, r["building_id"]): r for r in report["by_building"]}
    b1, b2 = world["b1"].pk, world["b2"].pk
    assert set(lines) == {
        ("engineering", b1),
        ("engineering", b2),
        ("service", b1),
        ("service", None),
    }
    assert lines[("engineering", b1)]["mock_inspections"] == 2
    assert lines[("engineering", b1)]["total"] == 2
    assert (
        lines[("engineering", b2)]["mock_inspections"],
        lines[("engineering", b2)]["rectifications"],
    ) == (1, 2)
    assert lines[("service", b1)]["patrols"] == 1
    assert lines[("service", None)]["hq_findings"] == 2


def test_drilldown_lists_the_defects_with_links(project, world):
    rows = selectors.defect_drilldown(
        [project], year=2026, quarter=1, category="engineering", building=str(world["b2"].pk)
    )
    assert len(rows) == 3
    assert sorted(r["source"] for r in rows) == [
        "mock_inspections",
        "rectifications",
        "rectifications",
    ]
    case_url = reverse("handover:case_detail", args=[world["case"].pk])
    assert sum(r["url"] == case_url for r in rows) == 2
    hq = selectors.defect_drilldown(
        [project], year=2026, quarter=1, source="hq_findings", building="none"
    )
    assert len(hq) == 2
    assert {r["url"] for r in hq} == {reverse("ops:inspection_detail", args=[world["hq"].pk])}
    assert {r["category_label"] for r in hq} == {"服务"}


def test_report_and_drilldown_pages(project, world, member, client_for):
    c = client_for(member("cs_lead", project))
    r = c.get(reverse("feedback:defect_report"), {"year": 2026, "quarter": 1})
    body = r.content.decode()
    assert r.status_code == 200
    assert "模拟验收问题" in body and "总部品质检查发现" in body and "B2幢" in body
    r = c.get(
        reverse("feedback:defect_list"),
        {"year": 2026, "quarter": 1, "source": "mock_inspections"},
    )
    body = r.content.decode()
    assert body.count(reverse("handover:inspection_detail", args=[world["mock1"].pk])) == 2
    assert "共 3 条" in body


def test_other_projects_defects_not_shown_and_denial(
    project, other_project, world, member, client_for
):
    lead = client_for(member("cs_lead", other_project))
    r = lead.get(reverse("feedback:defect_list"), {"year": 2026, "quarter": 1})
    body = r.content.decode()
    assert "共 1 条" in body  # only other_project's own HQ finding
    assert "B2幢" not in body
    security = client_for(member("security", project))
    assert security.get(reverse("feedback:defect_list")).status_code == 403
    assert security.get(reverse("feedback:defect_report")).status_code == 403


@pytest.mark.parametrize("extra", [0, 20])
def test_query_counts_do_not_grow_with_defects(
    extra, project, world, member, client_for, django_assert_max_num_queries
):
    batch = world["mock1"].batch
    for _i in range(extra):
        _mock(project, batch, f.UnitFactory(building=world["b2"]), D(2026, 2, 1), ["civil"])
    c = client_for(member("cs_lead", project))
    with django_assert_max_num_queries(18):
        r = c.get(reverse("feedback:defect_report"), {"year": 2026, "quarter": 1})
    assert r.status_code == 200
    with django_assert_max_num_queries(18):
        r = c.get(reverse("feedback:defect_list"), {"year": 2026, "quarter": 1})
    assert r.status_code == 200


def test_export_has_every_source_and_the_building_lines(project, world, member, client_for):
    r = client_for(member("cs_lead", project)).get(
        reverse("feedback:defect_report"), {"year": 2026, "quarter": 1, "format": "csv"}
    )
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    header = body.splitlines()[0]
    assert "模拟验收问题" in header and "交接遗留问题" in header and "总部品质检查发现" in header
    assert "B2幢" in body
