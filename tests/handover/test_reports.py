"""Handover reports (R-HO-5): on screen, printable, exported; scoped; bounded queries."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from handover import services
from tests import factories as f
from tests.handover.factories import FeeItemFactory, run_steps, sold_unit

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 6, 30)


def build(project, user, n):
    """n sold units in a batch: a third complete, one not taken, the rest not started."""
    FeeItemFactory(project=project, name="物业管理费", rate="2.00")
    building = f.BuildingFactory(project=project)
    units = [sold_unit(project, building=building)[0] for _ in range(n)]
    batch = services.batch_create(
        project=project, name="批次", planned_delivery_date=DAY, buildings=[building]
    )
    now = timezone.make_aware(datetime.datetime(2027, 6, 30, 10, 0))
    for i, unit in enumerate(units):
        if i % 3 == 0:
            case = services.case_start(unit=unit, user=user)
            run_steps(case, user, 6, handover_date=DAY)
            case.paid_at = now
            case.save(update_fields=["paid_at"])
            services.rectification_add(
                case=case,
                user=user,
                location="客厅",
                description=f"墙面空鼓{i}",
                responsible_unit="总包",
                deadline=datetime.date(2027, 7, 30),
                today=DAY,
            )
            services.step_keys_ready(
                case=case,
                user=user,
                keys_count=3,
                handbooks_ready=True,
                owner_consulted=True,
                key_kept=True,
            )
            services.step_handed_over(case=case, user=user, owner_signed=True)
            services.step_summary(case=case, user=user, today=DAY)
        elif i == 1:
            services.case_mark_not_taken(unit=unit, reason="业主出国", user=user)
    return batch, units


def test_summary_lists_every_unit_taken_or_not_and_why(client_for, member, project):
    user = member("cs_lead", project)
    batch, units = build(project, user, 4)
    c = client_for(user)
    url = reverse("handover:report", args=["summary"])
    page = c.get(url, {"project": project.pk, "batch": batch.pk}).content.decode()
    for unit in units:
        assert f">{unit.number}<" in page
    assert "业主出国" in page and "未办理" in page and "已交接" in page
    assert "共 4 户：已交接 2，办理中 0，未接房 1，未办理 1" in page
    filtered = c.get(url, {"project": project.pk, "status": "not_taken"}).content.decode()
    assert "业主出国" in filtered and f">{units[0].number}<" not in filtered


def test_daily_report_counts_handed_fees_and_defects(client_for, member, project):
    user = member("cs_lead", project)
    build(project, user, 4)
    c = client_for(user)
    r = c.get(reverse("handover:report", args=["daily"]), {"project": project.pk, "day": DAY})
    page = r.content.decode()
    assert "交房 2 户；收费 2 笔，合计 2400.00 元；遗留问题 2 项" in page
    assert "墙面空鼓0" in page


def test_signoff_list_and_print_and_exports(client_for, member, project):
    user = member("cs_lead", project)
    batch, units = build(project, user, 4)
    c = client_for(user)
    url = reverse("handover:report", args=["signoff"])
    params = {"project": project.pk, "batch": batch.pk}
    page = c.get(url, params).content.decode()
    assert f">{units[0].number}<" in page and f">{units[2].number}<" not in page
    printed = c.get(reverse("handover:report_print", args=["signoff"]), params).content.decode()
    assert 'data-action="print"' in printed and "业主签名" in printed
    r = c.get(url, {**params, "format": "csv"})
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "楼栋" and len(rows) == 3
    r = c.get(reverse("handover:report", args=["summary"]), {**params, "format": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = c.get(
        reverse("handover:report", args=["daily"]),
        {"project": project.pk, "day": DAY, "format": "csv"},
    )
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    assert "收费" in text and str(Decimal("1200.00")) in text


def test_reports_refuse_another_project(client_for, member, project, other_project):
    build(other_project, member("cs_lead", other_project), 2)
    c = client_for(member("cs_lead", project))
    r = c.get(reverse("handover:report", args=["summary"]), {"project": other_project.pk})
    page = r.content.decode()
    assert r.status_code == 200 and "共 2 户" not in page  # invalid choice: nothing shown
    r = c.get(
        reverse("handover:report", args=["summary"]),
        {"project": other_project.pk, "format": "csv"},
    )
    assert not r.has_header("Content-Disposition")
    assert c.get(reverse("handover:report", args=["nope"])).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_report_queries_are_bounded(client_for, member, project, django_assert_max_num_queries, n):
    user = member("cs_lead", project)
    batch, _units = build(project, user, n)
    c = client_for(user)
    c.get(reverse("handover:index"))
    for kind, params in [
        ("summary", {"project": project.pk, "batch": batch.pk}),
        ("daily", {"project": project.pk, "day": DAY}),
        ("signoff", {"project": project.pk}),
    ]:
        url = reverse("handover:report", args=[kind])
        with django_assert_max_num_queries(16):
            assert c.get(url, params).status_code == 200
        with django_assert_max_num_queries(16):
            printed = c.get(reverse("handover:report_print", args=[kind]), params)
            assert printed.status_code == 200
        with django_assert_max_num_queries(16):
            r = c.get(url, {**params, "format": "csv"})
            b"".join(r.streaming_content)
