"""The manager dashboard (R-DASH-1): figures, scoping, links and bounded queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesite.dashboard import registry
from tests import factories as f
from tests.dashboard.conftest import callback, case_with_breach, days, problem
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db


def by_title(figures):
    return {str(fig.title): fig for fig in figures}


def hq_user():
    return f.UserFactory(company=f.HQFactory())


def test_figures_on_a_small_dataset(member, project, other_project, today):
    user = member("cs_lead", project)
    problem(project, user, today + days(5))
    problem(project, user, today - days(1))  # open and overdue
    problem(project, user, today + days(5), status="escalated")
    problem(project, user, today - days(9), status="resolved")
    problem(other_project, user, today - days(1))  # another project: not counted
    callback(
        project,
        today - days(3),
        status="reached",
        score=Decimal("4"),
        completed_at=timezone.now() - datetime.timedelta(days=2),
    )
    callback(
        project,
        today - days(2),
        status="reached",
        score=Decimal("5"),
        completed_at=timezone.now() - datetime.timedelta(days=1),
    )
    callback(project, today - days(1))  # due, not done
    callback(project, today - days(90), status="reached")  # outside the range
    case_with_breach(project, timezone.now() - datetime.timedelta(days=1))
    case_with_breach(project, timezone.now() - datetime.timedelta(days=60))  # outside

    figs = by_title(
        registry.dashboard_figures(user, [project.pk], today - days(29), today, today=today)
    )
    assert figs["待解决问题"].value == 2
    assert figs["已升级问题"].value == 1
    assert figs["逾期问题"].value == 1
    assert figs["超时事项"].value == 1
    assert figs["回访完成率"].value == pytest.approx(66.7)
    assert figs["平均满意度"].value == pytest.approx(4.5)
    assert figs["平均满意度"].series  # weekly points for the chart
    assert f"project={project.pk}" in figs["待解决问题"].url
    assert figs["交房进度"].value is None  # no batch yet


def test_handover_progress(member, project, today):
    user = member("cs_lead", project)
    make_batch(project, units=4, date=today + days(45))
    figs = by_title(registry.dashboard_figures(user, [project.pk], today, today, today=today))
    assert figs["交房进度"].value == 0
    assert "4" in figs["交房进度"].note
    assert figs["逾期计划节点"].value > 0


def test_page_defaults_and_every_figure_links_to_a_page(member, project, client_for, today):
    user = member("centre_head", project)
    problem(project, user, today - days(1))
    client = client_for(user)
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 200
    assert response.context["date_to"] == today
    assert response.context["date_from"] == today - days(29)
    assert response.context["scope"] == f"project:{project.pk}"
    figures = [fig for _g, rows in response.context["groups"] for fig in rows]
    assert len(figures) >= 12
    for fig in figures:
        assert client.get(fig.url).status_code == 200, fig.url


def test_chart_is_served_from_static(member, project, client_for, today):
    user = member("cs_lead", project)
    callback(
        project,
        today - days(1),
        status="reached",
        score=Decimal("3"),
        completed_at=timezone.now() - datetime.timedelta(hours=5),
    )
    page = client_for(user).get(reverse("dashboard:dashboard")).content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in page and 'id="dashboard-charts"' in page


def test_another_companys_project_or_company_is_404(member, project, other_project, client_for):
    assert other_project.property_company_id != project.property_company_id
    client = client_for(member("cs_lead", project))
    url = reverse("dashboard:dashboard")
    assert client.get(url, {"scope": f"project:{other_project.pk}"}).status_code == 404
    assert (
        client.get(url, {"scope": f"company:{other_project.property_company_id}"}).status_code
        == 404
    )
    assert client.get(url, {"scope": "project:x"}).status_code == 404
    response = client.get(url, {"scope": "all"})
    assert response.status_code == 200
    assert other_project.name not in response.content.decode()


def test_company_scope_for_a_company_role(member, project, client_for, today):
    sibling = f.ProjectFactory(service_centre=f.CentreFactory(parent=project.property_company))
    gm = member("subsidiary_gm", project)
    problem(project, gm, today)
    problem(sibling, gm, today)
    response = client_for(gm).get(
        reverse("dashboard:dashboard"), {"scope": f"company:{project.property_company_id}"}
    )
    assert response.status_code == 200
    figs = by_title(fig for _g, rows in response.context["groups"] for fig in rows)
    assert figs["待解决问题"].value == 2


def test_hq_sees_all_and_a_bad_range_falls_back(client_for, project, other_project, today):
    client = client_for(hq_user())
    response = client.get(
        reverse("dashboard:dashboard"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert response.context["scope"] == "all"
    assert response.context["date_to"] == today
    page = response.content.decode()
    assert project.name in page and other_project.name in page
    # The error is shown with the dates as entered, not the range the figures fell back to.
    assert "开始日期不能晚于结束日期。" in page
    assert 'value="2026-05-02"' in page and 'value="2026-05-01"' in page


def _dataset(n_projects, today):
    for _ in range(n_projects):
        p = f.ProjectFactory()
        owner = f.UserFactory(company=p.service_centre)
        problem(p, owner, today - days(1))
        problem(p, owner, today, status="escalated")
        callback(
            p,
            today - days(2),
            status="reached",
            score=Decimal("4"),
            completed_at=timezone.now() - datetime.timedelta(days=1),
        )
        case_with_breach(p, timezone.now() - datetime.timedelta(days=1))
        make_batch(p, units=2, date=today + days(45))


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("dashboard:dashboard"), params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_projects(client_for, today, django_assert_max_num_queries):
    user = hq_user()
    _dataset(2, today)
    small = _queries(client_for(user), {"scope": "all"})
    _dataset(4, today)
    client = client_for(hq_user())
    with django_assert_max_num_queries(small):
        client.get(reverse("dashboard:dashboard"), {"scope": "all"})
    company = f.ProjectFactory().property_company_id
    with django_assert_max_num_queries(small):
        client.get(reverse("dashboard:dashboard"), {"scope": f"company:{company}"})


def test_six_plus_two_score_of_the_quarter(member, project, today):
    from feedback import services
    from feedback.models import quarter_of

    year, quarter = quarter_of(today)
    # A submitted checklist: every A1 item at 80 % of its full score, every A2 item full.
    check = services.assessment_open(project=project, year=year, quarter=quarter)
    services.assessment_save_lines(
        assessment=check,
        entries={
            line.pk: {"score": line.points * (Decimal("0.8") if line.indicator == "a1" else 1)}
            for line in check.lines.all()
        },
    )
    services.assessment_submit(assessment=check)
    callback(project, today, status="reached", score=Decimal("5"), completed_at=timezone.now())
    user = member("cs_lead", project)
    fig = by_title(registry.dashboard_figures(user, [project.pk], today, today, today=today))[
        "6+2 考核得分"
    ]
    assert fig.value == pytest.approx(95.0)  # 0.25·A1 80 + 0.25·A2 100 + 0.5·(5·20)
    assert f"year={year}&quarter={quarter}" in fig.url


def test_empty_posts_today_in_scope(member, project, other_project, client_for, today):
    from operations.models import ServicePost, SiteArea
    from salesite.models import MarketingPhase

    for p in (project, other_project):
        p.marketing_phase = MarketingPhase.OPENED
        p.save(update_fields=["marketing_phase"])
        area = SiteArea.objects.create(project=p, name="营销中心", kind=SiteArea.Kind.CENTRE)
        ServicePost.objects.create(area=area, name="前台接待岗", headcount=2)
    head = member("centre_head", project)
    fig = by_title(registry.dashboard_figures(head, [project.pk], today, today, today=today))[
        "今日空岗"
    ]
    assert fig.value == 2  # the other project's post is not counted
    assert f"project={project.pk}" in fig.url
    assert client_for(head).get(fig.url).status_code == 200


def test_company_scope_links_open_lists_filtered_to_the_company(
    client_for, project, other_project, today
):
    """HQ picks one company: every figure's list is filtered to it, and following the
    "open problems" link shows that company's problems and not the other company's."""
    owner = hq_user()
    mine = problem(project, owner, today + days(3), title="本公司的问题")
    theirs = problem(other_project, owner, today + days(3), title="别家公司的问题")
    client = client_for(hq_user())
    company = project.property_company_id
    response = client.get(reverse("dashboard:dashboard"), {"scope": f"company:{company}"})
    figs = [fig for _g, rows in response.context["groups"] for fig in rows if fig.url]
    assert figs
    for fig in figs:
        assert f"company={company}" in fig.url or "project=" in fig.url, fig.url
    url = by_title(figs)["待解决问题"].url
    page = client.get(url)
    assert page.status_code == 200
    titles = {p.title for p in page.context["page"].object_list}
    assert mine.title in titles and theirs.title not in titles


def test_company_filter_is_a_select_for_hq_and_hidden_for_project_staff(
    client_for, member, project
):
    url = reverse("communication:problem_list")
    hq_form = client_for(hq_user()).get(url).context["filter"].form
    assert not hq_form["company"].is_hidden
    staff_form = client_for(member("cs_lead", project)).get(url).context["filter"].form
    assert staff_form["company"].is_hidden
