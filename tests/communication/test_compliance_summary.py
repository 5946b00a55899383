"""The compliance report (R-COM-6) at a company's or HQ's scope: one summary row per project,
25 a page, each opening the project's rows; the export keeps every project × level row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communication.views.compliance import SUMMARY_PAGE_SIZE
from tests import factories as f
from tests.communication.factories import RecordFactory
from tests.dashboard.conftest import commit
from tests.exporting import csv_rows

pytestmark = pytest.mark.django_db


def hq_client(client_for):
    return client_for(f.UserFactory(company=f.HQFactory(), is_superuser=True))


def test_hq_sees_one_summary_row_per_project_and_pages(client_for, levels):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=6)
    projects = [
        f.ProjectFactory(name=f"达标项目{i:02d}", marketing_phase="opened")
        for i in range(SUMMARY_PAGE_SIZE + 5)
    ]
    RecordFactory(project=projects[0], level=levels["daily"], held_at=timezone.now())
    c = hq_client(client_for)
    url = f"/communication/compliance/?start={start}&end={today}"
    first = c.get(url)
    page = first.content.decode()
    assert first.context["page"].paginator.count == len(projects)
    assert len(first.context["page"]) == SUMMARY_PAGE_SIZE
    assert first.context["rows"] == []  # no project × level × period rows at this scope
    assert "各项目汇总" in page and "各项目明细与缺失周期" not in page
    # The drill-down keeps the dates and opens the project's rows.
    drill = f"?start={start}&amp;end={today}&amp;project={projects[0].pk}"
    assert drill in page
    summary = first.context["page"][0]
    assert summary["project"] == projects[0]
    assert summary["levels"] == sum(1 for lv in levels.values() if lv.applies_to(projects[0]))
    assert summary["met"] >= 1
    second = c.get(f"{url}&page=2")
    assert len(second.context["page"]) == 5
    assert projects[-1].name in second.content.decode().split("各项目汇总")[1]
    assert projects[-1].name not in page.split("各项目汇总")[1]
    detail = c.get(f"{url}&project={projects[0].pk}")
    assert detail.context["page"] is None
    assert {row.project for row in detail.context["rows"]} == {projects[0]}
    assert "各项目明细与缺失周期" in detail.content.decode()


def test_the_summary_is_reused_until_a_record_changes_and_then_counts_it(
    client_for, levels, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    projects = [f.ProjectFactory(marketing_phase="opened") for _ in range(3)]
    c = hq_client(client_for)
    commit()
    url = f"/communication/compliance/?start={today}&end={today}"

    def met():
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(url)
        return {s["project"].pk: s["met"] for s in response.context["page"]}, len(ctx)

    first, computed = met()
    again, reused = met()
    assert again == first and reused < computed  # the tallies were not counted again
    with django_capture_on_commit_callbacks(execute=True):
        RecordFactory(project=projects[1], level=levels["daily"], held_at=timezone.now())
    after, queries = met()
    assert queries == computed
    assert after[projects[1].pk] == first[projects[1].pk] + 1
    assert after[projects[0].pk] == first[projects[0].pk]


def test_the_export_keeps_every_project_and_level(client_for, levels):
    today = timezone.localdate()
    projects = [f.ProjectFactory(marketing_phase="opened") for _ in range(SUMMARY_PAGE_SIZE + 2)]
    c = hq_client(client_for)
    resp = c.get(f"/communication/compliance/?format=csv&start={today}&end={today}")
    rows = csv_rows(resp)[1:]
    applying = sum(1 for lv in levels.values() if lv.applies_to(projects[0]))
    assert len(rows) == len(projects) * applying
    assert {r[0] for r in rows} == {p.name for p in projects}


def test_summary_totals_add_up_to_the_level_totals(client_for, levels):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=13)
    projects = [f.ProjectFactory(marketing_phase="opened") for _ in range(3)]
    for i, p in enumerate(projects):
        for d in range(i + 1):
            RecordFactory(
                project=p,
                level=levels["daily"],
                held_at=timezone.now() - datetime.timedelta(days=d),
            )
    resp = hq_client(client_for).get(f"/communication/compliance/?start={start}&end={today}")
    summary = list(resp.context["page"])
    totals = resp.context["totals"]
    for key in ("met", "counted", "missing"):
        assert sum(s[key] for s in summary) == sum(t[key] for t in totals)


def test_tallies_count_what_the_full_rows_count(levels):
    """The summaries' tallies (no periods built) equal the rows' own counts, level by level
    and project by project, with the current period met on one project and not on another."""
    from communication import selectors
    from salesite.models import Project

    today = timezone.localdate()
    first = today - datetime.timedelta(days=40)
    projects = [f.ProjectFactory(marketing_phase="opened") for _ in range(3)]
    f.ProjectFactory(marketing_phase="displaying")  # other levels apply in this phase
    now = timezone.now()
    for i, p in enumerate(projects):
        for d in range(0, 40, i + 1):  # daily records every day, every 2nd, every 3rd day
            RecordFactory(project=p, level=levels["daily"], held_at=now - datetime.timedelta(d))
        for w in range(i * 2):
            RecordFactory(
                project=p, level=levels["weekly"], held_at=now - datetime.timedelta(7 * w)
            )
    # Records before the report's first day (in a period that starts earlier) count too.
    RecordFactory(
        project=projects[0], level=levels["weekly"], held_at=now - datetime.timedelta(days=43)
    )
    for project_ids, weekly_minimum in ((False, 1), (None, 1), (False, 2), (None, 2)):
        levels["weekly"].min_count = weekly_minimum
        levels["weekly"].save(update_fields=["min_count"])
        rows = selectors.compliance(
            Project.objects.all(), first, today, today=today, project_ids=project_ids
        )
        tallies = selectors.compliance_tallies(
            Project.objects.all(), first, today, today=today, project_ids=project_ids
        )
        assert [t.tally for t in tallies] == [r.tally for r in rows]
        assert {t.met for t in tallies} != {0}, "some periods are met"
        assert {t.missing for t in tallies} != {0}, "some periods are missed"
        assert selectors.compliance_by_project(tallies) == selectors.compliance_by_project(rows)
        assert selectors.compliance_by_level(tallies) == selectors.compliance_by_level(rows)
