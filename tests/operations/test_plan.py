import pytest

from operations import selectors, services
from operations.models import (
    ImmutableRecord,
    PlanStatus,
    ServicePlan,
    ServicePlanHistory,
    ServicePlanService,
    ServiceType,
)
from salesite.exceptions import DomainError, InvalidTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(member, project):
    return member("hq_inspector", project)


def test_workflow_draft_submitted_filed_with_history(member, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead)
    services.plan_submit(plan=plan, user=lead)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_by == lead
    services.plan_file(plan=plan, user=hq, comment="同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED and plan.reviewed_by == hq
    moves = list(plan.history.values_list("from_status", "to_status", "by"))
    assert moves == [("draft", "submitted", lead.pk), ("submitted", "filed", hq.pk)]


def test_submitting_a_filed_plan_is_refused(member, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead)
    services.plan_submit(plan=plan, user=lead)
    services.plan_file(plan=plan, user=hq)
    with pytest.raises(InvalidTransition):
        services.plan_submit(plan=plan, user=lead)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED
    assert ServicePlanHistory.objects.count() == 2


def test_filing_a_draft_is_refused(project, make_plan, hq):
    plan = make_plan(project)
    with pytest.raises(InvalidTransition):
        services.plan_file(plan=plan, user=hq)


def test_plan_without_services_cannot_be_submitted(member, project):
    lead = member("cs_lead", project)
    plan = services.plan_create(project=project, user=lead, title="空方案")
    with pytest.raises(DomainError):
        services.plan_submit(plan=plan, user=lead)


def test_a_filed_plan_is_immutable_in_service_and_model(member, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead)
    services.plan_submit(plan=plan, user=lead)
    services.plan_file(plan=plan, user=hq)
    with pytest.raises(ImmutableRecord):
        services.plan_update(plan=plan, user=lead, customer_needs="改了")
    with pytest.raises(ImmutableRecord):
        services.plan_service_set(
            plan=plan, service_type=ServiceType.objects.get(name="茶饮提供"), standard="x"
        )
    fresh = ServicePlan.objects.get(pk=plan.pk)
    fresh.customer_needs = "绕过服务"
    with pytest.raises(ImmutableRecord):
        fresh.save()
    with pytest.raises(ImmutableRecord):
        fresh.services.first().delete()
    with pytest.raises(ImmutableRecord):
        fresh.delete()
    fresh.refresh_from_db()
    assert fresh.customer_needs == "" and fresh.services.count() == 1


def test_submitted_plan_cannot_be_edited(member, project, make_plan):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead)
    services.plan_submit(plan=plan, user=lead)
    with pytest.raises(ImmutableRecord):
        services.plan_update(plan=plan, user=lead, title="新名字")


def test_return_requires_comment_and_revise_creates_a_new_version(member, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead, posts_plan="前台 1 人\n水吧 1 人")
    services.plan_submit(plan=plan, user=lead)
    with pytest.raises(DomainError):
        services.plan_return(plan=plan, user=hq, comment="  ")
    services.plan_return(plan=plan, user=hq, comment="请补充停车场岗位")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.review_comment == "请补充停车场岗位"
    v2 = services.plan_revise(plan=plan, user=lead, reason="按退回意见修改")
    assert (v2.version, v2.status, v2.revised_from_id) == (2, PlanStatus.DRAFT, plan.pk)
    assert v2.posts_plan == plan.posts_plan and v2.external_customers == plan.external_customers
    assert list(v2.services.values_list("service_type__name", "standard")) == [
        ("迎宾指引", "3 秒内问候")
    ]
    # The returned version is kept unchanged.
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.services.count() == 1
    # Only one open version at a time.
    with pytest.raises(DomainError):
        services.plan_revise(plan=plan, user=lead)
    services.plan_update(plan=v2, user=lead, posts_plan="前台 1 人\n停车场 1 人")
    services.plan_service_set(
        plan=v2, service_type=ServiceType.objects.get(name="车辆指引"), standard="10 秒内引导"
    )
    services.plan_submit(plan=v2, user=lead)
    services.plan_file(plan=v2, user=hq)
    v3 = services.plan_revise(plan=v2, user=lead, reason="开盘节奏调整")
    assert v3.version == 3 and v3.services.count() == 2


def test_diff_shows_added_and_removed_lines(member, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead, posts_plan="前台 1 人\n水吧 1 人")
    services.plan_submit(plan=plan, user=lead)
    services.plan_file(plan=plan, user=hq)
    v2 = services.plan_revise(plan=plan, user=lead)
    services.plan_update(plan=v2, user=lead, posts_plan="前台 2 人\n水吧 1 人")
    services.plan_service_set(
        plan=v2, service_type=ServiceType.objects.get(name="车辆指引"), standard="10 秒内引导"
    )
    v2.refresh_from_db()
    diff = {d.title: d.lines for d in selectors.plan_diff(plan, v2)}
    assert set(diff) == {"岗位设置", "服务内容与标准"}
    assert ("-", "前台 1 人") in diff["岗位设置"] and ("+", "前台 2 人") in diff["岗位设置"]
    assert (" ", "水吧 1 人") in diff["岗位设置"]
    assert ("+", "[常规服务] 车辆指引：10 秒内引导") in diff["服务内容与标准"]


def test_plan_page_shows_versions_and_diff(member, client_for, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead, posts_plan="旧岗位")
    services.plan_submit(plan=plan, user=lead)
    services.plan_file(plan=plan, user=hq)
    v2 = services.plan_revise(plan=plan, user=lead, reason="调整")
    services.plan_update(plan=v2, user=lead, posts_plan="新岗位")
    page = client_for(lead).get(f"/ops/plans/{v2.pk}/").content.decode()
    assert "V1" in page and "V2" in page
    assert "- 旧岗位" in page and "+ 新岗位" in page


def test_non_hq_user_filing_gets_403_and_nothing_changes(member, client_for, project, make_plan):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead)
    services.plan_submit(plan=plan, user=lead)
    for role in ("centre_head", "cs_lead", "subsidiary_gm", "front_desk"):
        c = client_for(member(role, project))
        assert c.post(f"/ops/plans/{plan.pk}/review/file/").status_code == 403, role
        assert c.post(f"/ops/plans/{plan.pk}/review/return/", {"comment": "x"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.reviewed_by is None
    assert plan.history.count() == 1


def test_hq_files_and_returns_in_the_browser(member, client_for, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead)
    services.plan_submit(plan=plan, user=lead)
    c = client_for(hq)
    c.post(f"/ops/plans/{plan.pk}/review/return/", {"comment": ""})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # refused: comment required
    c.post(f"/ops/plans/{plan.pk}/review/file/", {"comment": "同意备案"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FILED and plan.review_comment == "同意备案"


def test_front_desk_submitting_is_refused(member, client_for, project, make_plan):
    plan = make_plan(project)
    c = client_for(member("front_desk", project))
    assert c.post(f"/ops/plans/{plan.pk}/submit/").status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_centre_head_submits_and_hq_cannot_submit(member, client_for, project, make_plan, hq):
    plan = make_plan(project)
    assert client_for(hq).post(f"/ops/plans/{plan.pk}/submit/").status_code == 403
    r = client_for(member("centre_head", project)).post(f"/ops/plans/{plan.pk}/submit/")
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_editing_a_filed_plan_in_the_browser_is_refused(member, client_for, project, make_plan, hq):
    lead = member("cs_lead", project)
    plan = make_plan(project, lead)
    services.plan_submit(plan=plan, user=lead)
    services.plan_file(plan=plan, user=hq)
    c = client_for(lead)
    r = c.post(f"/ops/plans/{plan.pk}/edit/", {"title": "改名", "customer_needs": "改"})
    assert r.status_code == 302
    item = plan.services.get()
    c.post(f"/ops/plans/{plan.pk}/services/{item.pk}/remove/")
    plan.refresh_from_db()
    assert plan.title == "服务方案" and ServicePlanService.objects.filter(pk=item.pk).exists()


def test_create_edit_and_revise_in_the_browser(member, client_for, project, hq):
    lead = member("cs_lead", project)
    c = client_for(lead)
    r = c.post(
        "/ops/plans/new/", {"project": project.pk, "title": "方案", "customer_needs": "需求"}
    )
    assert r.status_code == 302
    plan = ServicePlan.objects.get()
    c.post(f"/ops/plans/{plan.pk}/edit/", {"title": "方案", "customer_needs": "新需求"})
    st = ServiceType.objects.get(name="茶饮提供")
    c.post(
        f"/ops/plans/{plan.pk}/services/",
        {"service_type": st.pk, "standard": "2 分钟内", "order": 1},
    )
    c.post(f"/ops/plans/{plan.pk}/submit/")
    services.plan_file(plan=plan, user=hq)
    r = c.post(f"/ops/plans/{plan.pk}/revise/", {"reason": "营销节奏调整"})
    v2 = ServicePlan.objects.get(version=2)
    assert r.url == f"/ops/plans/{v2.pk}/"
    assert v2.customer_needs == "新需求" and v2.services.get().service_type == st
    # A second plan for the same project must be a revision.
    c.post("/ops/plans/new/", {"project": project.pk, "title": "另一个"})
    assert ServicePlan.objects.count() == 2


def test_another_projects_plan_is_404_and_not_listed(
    member, client_for, project, other_project, make_plan
):
    mine = make_plan(project)
    theirs = make_plan(other_project)
    c = client_for(member("cs_lead", project))
    assert c.get(f"/ops/plans/{mine.pk}/").status_code == 200
    assert c.get(f"/ops/plans/{theirs.pk}/").status_code == 404
    assert c.post(f"/ops/plans/{theirs.pk}/submit/").status_code == 404
    listing = c.get("/ops/plans/").content.decode()
    assert f"/ops/plans/{mine.pk}/" in listing and f"/ops/plans/{theirs.pk}/" not in listing
    # a project id of another project in the create form is refused
    c.post("/ops/plans/new/", {"project": other_project.pk, "title": "越权"})
    assert not ServicePlan.objects.filter(title="越权").exists()
