"""Repair quality pages (issue #16 items 5, 7, 8): permissions, denials, forms, query bounds."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import (
    CallbackStatus,
    CallbackTask,
    Case,
    CaseKind,
    CaseStatus,
    DesignCaseEntry,
    MonthlyTraining,
    Question,
    RepairCaseEntry,
    SupervisorProfile,
    YearlyTarget,
)
from feedback.selectors import repair_quality as rq
from feedback.services import repair_quality as services
from salesite.exceptions import DomainError
from tests import factories as f

from .conftest import sh

pytestmark = pytest.mark.django_db


def entry(model, project, author=None, **kw):
    kw.setdefault("title", "卫生间渗水")
    kw.setdefault("problem", "地面渗水到楼下")
    return services.library_entry_create(model=model, project=project, author=author, **kw)


# --- libraries: who reads what ----------------------------------------------------------------


def test_developer_role_reads_the_design_library_only(project, member, client_for):
    dev = client_for(member("dev_marketing_manager", project))
    design = entry(DesignCaseEntry, project, title="阳台积水")
    repair = entry(RepairCaseEntry, project)
    assert dev.get(reverse("feedback:rq_design_library")).status_code == 200
    assert "阳台积水" in dev.get(reverse("feedback:rq_design_library")).content.decode()
    assert dev.get(design.get_absolute_url()).status_code == 200
    # Denied: the repair library, its cases, writing to the design library, supervisors.
    assert dev.get(reverse("feedback:rq_repair_library")).status_code == 403
    assert dev.get(repair.get_absolute_url()).status_code == 403
    assert dev.get(reverse("feedback:rq_design_entry_create")).status_code == 403
    assert dev.get(reverse("feedback:rq_supervisor_list")).status_code == 403
    assert dev.get(reverse("feedback:rq_fix_rate")).status_code == 403


def test_another_projects_entry_is_404(project, other_project, member, client_for):
    c = client_for(member("repair_team", project))
    other = entry(RepairCaseEntry, other_project)
    assert c.get(other.get_absolute_url()).status_code == 404
    r = c.get(reverse("feedback:rq_repair_library"))
    assert r.status_code == 200 and other.title not in r.content.decode()


def test_repair_team_submits_and_searches_a_case(project, member, client_for):
    user = member("repair_team", project)
    c = client_for(user)
    r = c.post(
        reverse("feedback:rq_repair_entry_create"),
        {
            "project": project.pk,
            "title": "铝合金窗边渗水",
            "problem": "雨天窗框下沿渗水",
            "cause": "打胶不密实",
            "fix": "重新打耐候胶",
            "tags": "渗水，窗",
        },
        follow=True,
    )
    assert r.status_code == 200
    e = RepairCaseEntry.objects.get()
    assert (e.author, e.tag_list) == (user, ["渗水", "窗"])
    entry(RepairCaseEntry, project, title="墙面开裂", problem="客厅墙面裂缝", tags="开裂")
    body = c.get(reverse("feedback:rq_repair_library"), {"q": "耐候胶"}).content.decode()
    assert "铝合金窗边渗水" in body and "墙面开裂" not in body
    body = c.get(reverse("feedback:rq_repair_library"), {"q": "开裂 客厅"}).content.decode()
    assert "墙面开裂" in body and "铝合金窗边渗水" not in body


def test_library_list_query_count_is_bounded(
    project, member, client_for, django_assert_max_num_queries
):
    c = client_for(member("repair_team", project))
    for i in range(15):
        entry(RepairCaseEntry, project, title=f"案例{i}")
    with django_assert_max_num_queries(12):
        assert c.get(reverse("feedback:rq_repair_library")).status_code == 200


def test_design_case_goes_to_the_design_library_once(project, member, client_for):
    desk = member("front_desk", project)
    case = Case.objects.create(
        project=project,
        kind=CaseKind.COMPLAINT,
        complaint_category="design",
        subject="阳台没有地漏",
        content="暴雨积水",
        received_at=timezone.now(),
    )
    c = client_for(desk)
    assert "加入设计类意见" in c.get(case.get_absolute_url()).content.decode()
    url = reverse("feedback:rq_design_from_case", args=[case.pk])
    r = c.post(url)
    e = DesignCaseEntry.objects.get()
    assert r.url == e.get_absolute_url() and (e.source_case, e.problem) == (case, "暴雨积水")
    c.post(url)
    assert DesignCaseEntry.objects.count() == 1
    other = Case.objects.create(
        project=project,
        kind=CaseKind.COMPLAINT,
        complaint_category="service",
        subject="x",
        received_at=timezone.now(),
    )
    with pytest.raises(DomainError):
        services.design_entry_from_case(case=other, user=desk)


def test_design_action_on_another_projects_case_is_404(project, other_project, member, client_for):
    c = client_for(member("front_desk", project))
    case = Case.objects.create(
        project=other_project,
        kind=CaseKind.COMPLAINT,
        complaint_category="design",
        subject="x",
        received_at=timezone.now(),
    )
    assert c.post(reverse("feedback:rq_design_from_case", args=[case.pk])).status_code == 404


# --- supervisors, training, compliance ----------------------------------------------------------


def test_supervisor_grade_history_training_and_compliance(project, member, client_for):
    lead = member("centre_head", project)
    sup_user = member("repair_team", project)
    late_user = member("engineering", project)
    c = client_for(lead)
    r = c.post(
        reverse("feedback:rq_supervisor_create"),
        {
            "project": project.pk,
            "user": sup_user.pk,
            "grade": "grade_3",
            "assessed_on": "2026-01-10",
        },
    )
    profile = SupervisorProfile.objects.get(user=sup_user)
    assert r.url == profile.get_absolute_url()
    c.post(profile.get_absolute_url(), {"grade": "grade_2", "assessed_on": "2026-06-01"})
    # An older assessment entered late goes to the history, not the current grade.
    c.post(profile.get_absolute_url(), {"grade": "trainee", "assessed_on": "2025-06-01"})
    profile.refresh_from_db()
    assert (profile.grade, profile.assessed_on) == ("grade_2", datetime.date(2026, 6, 1))
    assert profile.assessments.count() == 3
    late = services.supervisor_create(project=project, user=late_user)
    month = timezone.localdate().replace(day=1)
    r = c.post(
        reverse("feedback:rq_training_create"),
        {
            "supervisor": profile.pk,
            "month": month.strftime("%Y-%m"),
            "topic": "防水工艺",
            "exam_score": "86.5",
        },
    )
    assert MonthlyTraining.objects.get().exam_score == Decimal("86.5")
    r = c.post(
        reverse("feedback:rq_training_create"),
        {
            "supervisor": profile.pk,
            "month": month.strftime("%Y-%m"),
            "topic": "x",
            "exam_score": "120",
        },
    )
    assert "100" in r.content.decode() and MonthlyTraining.objects.count() == 1
    entry(RepairCaseEntry, project, author=sup_user)
    missing = list(rq.supervisors_without_entry([project.pk], month))
    assert missing == [late]
    body = c.get(reverse("feedback:rq_compliance")).content.decode()
    assert str(late) in body and "防水工艺" in body


def test_supervisor_pages_deny_other_projects_and_front_desk(
    project, other_project, member, client_for
):
    other = services.supervisor_create(project=other_project, user=f.UserFactory())
    c = client_for(member("centre_head", project))
    assert c.get(other.get_absolute_url()).status_code == 404
    desk = client_for(member("front_desk", project))
    assert desk.get(reverse("feedback:rq_supervisor_list")).status_code == 403
    # Viewing is not changing: engineering views, the repair team cannot assess.
    own = services.supervisor_create(project=project, user=f.UserFactory())
    team = client_for(member("repair_team", project))
    assert team.get(own.get_absolute_url()).status_code == 200
    r = team.post(own.get_absolute_url(), {"grade": "grade_1", "assessed_on": "2026-01-01"})
    assert r.status_code == 403


# --- yearly targets -------------------------------------------------------------------------------


def _callback(project, rule, answers, completed):
    return CallbackTask.objects.create(
        project=project,
        customer=f.CustomerFactory(project=project),
        rule_id=rule,
        source_key=f"t{completed.isoformat()}{rule}",
        due_date=completed.date(),
        status=CallbackStatus.REACHED,
        answers=answers,
        completed_at=completed,
    )


def test_target_actuals_from_the_callbacks_by_dimension_and_month(project):
    design_q = Question.objects.filter(questionnaire__rule="design", kind="scale").order_by("order")
    sales_q = Question.objects.get(questionnaire__rule="sales", kind="scale")
    check_q = Question.objects.filter(questionnaire__rule="sales", kind="yes_no").first()
    repair_q = Question.objects.filter(questionnaire__rule="repair").order_by("order")
    assert (design_q[0].dimension, sales_q.dimension, check_q.dimension) == ("design", "sales", "")
    _callback(project, "design", {str(design_q[0].pk): 4, str(design_q[1].pk): 3}, sh(2026, 1, 10))
    _callback(project, "repair", {str(repair_q[0].pk): 2, str(repair_q[1].pk): 5}, sh(2026, 2, 3))
    _callback(project, "sales", {str(sales_q.pk): 5, str(check_q.pk): "no"}, sh(2026, 2, 4))
    _callback(project, "sales", {str(sales_q.pk): 1}, sh(2025, 12, 31))  # last year
    result = rq.dimension_actuals([project.pk], 2026, today=datetime.date(2026, 3, 1))
    y = result["year"]
    # design (4+3)/2 = 3.5; engineering (2+5)/2 = 3.5; product (4+3+2+5)/4 = 3.5;
    # sales 5 (the 6+2 check question counts in no dimension); experience 5.
    assert (y["design"], y["engineering"], y["product"]) == (Decimal("3.50"),) * 3
    assert (y["sales"], y["experience"], y["property_service"]) == (
        Decimal("5.00"),
        Decimal("5.00"),
        None,
    )
    months = dict(result["months"])
    assert months["2026-01"]["product"] == Decimal("3.50")
    assert months["2026-02"]["product"] == Decimal("3.50")
    assert months["2026-02"]["experience"] == Decimal("5.00")


def test_targets_page_create_edit_and_denial(project, other_project, member, client_for):
    head = client_for(member("centre_head", project))
    r = head.post(reverse("feedback:rq_target_create"), {"project": project.pk, "year": 2026})
    assert "请至少填写一项目标" in r.content.decode()
    head.post(
        reverse("feedback:rq_target_create"),
        {"project": project.pk, "year": 2026, "product_target": "4.2", "sales_target": "4.5"},
    )
    t = YearlyTarget.objects.get()
    assert (t.product_target, t.sales_target, t.design_target) == (
        Decimal("4.2"),
        Decimal("4.5"),
        None,
    )
    r = head.post(
        reverse("feedback:rq_target_create"),
        {"project": project.pk, "year": 2026, "product_target": "4.0"},
    )
    assert "已存在" in r.content.decode()
    head.post(reverse("feedback:rq_target_edit", args=[t.pk]), {"product_target": "4.4"})
    t.refresh_from_db()
    assert (t.product_target, t.sales_target) == (Decimal("4.4"), None)
    body = head.get(reverse("feedback:rq_targets"), {"year": 2026}).content.decode()
    assert "4.40" in body
    other = YearlyTarget.objects.create(project=other_project, year=2026, product_target=3)
    assert head.get(reverse("feedback:rq_target_edit", args=[other.pk])).status_code == 404
    assert (
        head.get(reverse("feedback:rq_targets"), {"project": other_project.pk}).status_code == 404
    )
    desk = client_for(member("front_desk", project))
    assert desk.get(reverse("feedback:rq_target_create")).status_code == 403


# --- fix rate page and dashboard --------------------------------------------------------------


def _closed_repair(project, unit, received, closed, contractor="甲公司"):
    return Case.objects.create(
        project=project,
        kind=CaseKind.REPAIR,
        subject="渗水",
        unit=unit,
        building=unit.building,
        complaint_category="build_quality",
        repair_contractor=contractor,
        received_at=received,
        status=CaseStatus.CLOSED,
        reply="ok",
        closed_at=closed,
    )


def test_fix_rate_page_and_dashboard(
    project, other_project, member, client_for, django_assert_max_num_queries
):
    building = f.BuildingFactory(project=project)
    now = timezone.now()
    for i in range(6):
        unit = f.UnitFactory(building=building)
        closed = now - datetime.timedelta(days=100 + i)
        _closed_repair(
            project, unit, closed - datetime.timedelta(days=1), closed, contractor=f"C{i % 2}"
        )
        if i < 2:  # two repeats on day 10
            _closed_repair(
                project,
                unit,
                closed + datetime.timedelta(days=10),
                closed + datetime.timedelta(days=11),
            )
    head = client_for(member("centre_head", project))
    with django_assert_max_num_queries(16):
        r = head.get(reverse("feedback:rq_fix_rate"))
    body = r.content.decode()
    # 8 closed repairs, all windows over; 2 failed: 6/8 = 75.0 %.
    assert r.context["result"]["rate"] == Decimal("75.0")
    assert len(r.context["pairs"]) == 2 and "第 10 天" in body
    assert (
        head.get(reverse("feedback:rq_fix_rate"), {"project": other_project.pk}).status_code == 404
    )
    with django_assert_max_num_queries(60):
        r = head.get(reverse("dashboard:dashboard"))
    body = r.content.decode()
    assert "维修一次成功率" in body and "75.0" in body
