import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communication import services
from communication.models import CommunicationRecord, MinutesRecipient, Problem
from tests import factories as f
from tests.communication.factories import ProblemFactory, RecordFactory, at

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_lead_creates_a_daily_log_with_inline_problems(member, client_for, project, levels):
    lead = member("cs_lead", project)
    mine = lead.memberships.get()
    c = client_for(lead)
    url = f"/communication/records/new/{project.pk}/?level=daily"
    page = c.get(url)
    assert page.status_code == 200 and "本次提出的问题" in page.content.decode()
    resp = c.post(
        url,
        {
            "level": "daily",
            "held_at": "2026-03-02T16:30",
            "participants": [mine.pk],
            "topics": "样板房开放时间调整",
            "decisions": "周六延长到 19:00",
            "problems-TOTAL_FORMS": "2",
            "problems-INITIAL_FORMS": "0",
            "problems-MIN_NUM_FORMS": "0",
            "problems-MAX_NUM_FORMS": "20",
            "problems-0-title": "茶饮补给不足",
            "problems-1-title": "",
        },
    )
    record = CommunicationRecord.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/communication/records/{record.pk}/"
    problem = Problem.objects.get()
    assert (problem.owner, problem.due_date) == (lead, datetime.date(2026, 3, 2))
    detail = c.get(resp["Location"]).content.decode()
    assert "茶饮补给不足" in detail and "附件" in detail


def test_front_desk_cannot_create_records(member, client_for, project, levels):
    c = client_for(member("front_desk", project))
    assert c.get(f"/communication/records/new/{project.pk}/?level=daily").status_code == 403
    assert c.get("/communication/records/new/").status_code == 403


def test_cs_lead_cannot_write_monthly_minutes(member, client_for, project, levels):
    c = client_for(member("cs_lead", project))
    assert c.get(f"/communication/records/new/{project.pk}/?level=monthly").status_code == 403
    assert c.get(f"/communication/records/new/{project.pk}/?level=daily").status_code == 200


def test_front_desk_cannot_resolve_someone_elses_problem(member, client_for, project):
    p = ProblemFactory(project=project)
    c = client_for(member("front_desk", project))
    assert c.get(f"/communication/problems/{p.pk}/").status_code == 200
    assert (
        c.post(f"/communication/problems/{p.pk}/resolve/", {"resolution": "x"}).status_code == 403
    )
    p.refresh_from_db()
    assert p.status == Problem.Status.OPEN


def test_other_projects_records_and_problems_are_404_and_not_listed(
    member, client_for, project, other_project, levels
):
    mine = RecordFactory(project=project, topics="我的记录")
    theirs = RecordFactory(project=other_project, topics="别人的记录")
    their_problem = ProblemFactory(project=other_project, title="别人的问题")
    my_problem = ProblemFactory(project=project, title="我的问题")
    c = client_for(member("cs_lead", project))
    assert c.get(f"/communication/records/{mine.pk}/").status_code == 200
    assert c.get(f"/communication/records/{theirs.pk}/").status_code == 404
    assert c.get(f"/communication/records/{theirs.pk}/edit/").status_code == 404
    assert c.get(f"/communication/problems/{their_problem.pk}/").status_code == 404
    assert (
        c.post(
            f"/communication/problems/{their_problem.pk}/resolve/", {"resolution": "x"}
        ).status_code
        == 404
    )
    assert c.get(f"/communication/records/new/{other_project.pk}/").status_code == 404
    problems = c.get("/communication/problems/").content.decode()
    assert "我的问题" in problems and "别人的问题" not in problems
    assert my_problem.pk
    listing = c.get("/communication/records/").content.decode()
    assert f"/communication/records/{mine.pk}/" in listing
    assert f"/communication/records/{theirs.pk}/" not in listing


def test_compliance_of_another_company_is_not_visible(member, client_for, project, other_project):
    c = client_for(member("subsidiary_gm", project))
    assert (
        c.get(f"/communication/compliance/?company={project.property_company_id}").status_code
        == 200
    )
    assert (
        c.get(f"/communication/compliance/?company={other_project.property_company_id}").status_code
        == 404
    )
    assert c.get(f"/communication/compliance/?project={other_project.pk}").status_code == 404
    page = c.get("/communication/compliance/").content.decode()
    assert project.name in page and other_project.name not in page


def test_problem_actions_through_the_views(member, client_for, project, levels):
    lead = member("cs_lead", project)
    member("centre_head", project)
    p = ProblemFactory(project=project, owner=lead)
    c = client_for(lead)
    resp = c.post(f"/communication/problems/{p.pk}/escalate-now/")
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.level.code == "weekly"
    # downwards is not even a choice: the form rejects it
    resp = c.post(
        f"/communication/problems/{p.pk}/escalate/",
        {"to_level": levels["daily"].pk, "reason": "x"},
    )
    assert resp.status_code == 400
    c.post(f"/communication/problems/{p.pk}/resolve/", {"resolution": "已解决"})
    resp = c.post(f"/communication/problems/{p.pk}/resolve/", {"resolution": "再次"}, follow=True)
    assert "不能重复解决" in resp.content.decode()
    p.refresh_from_db()
    assert p.resolution == "已解决"


def test_recipient_acknowledges_minutes(member, client_for, project, levels):
    head = member("centre_head", project)
    deputy = member("subsidiary_deputy", project)
    record = services.record_create(
        project=project,
        level=levels["weekly"],
        user=head,
        held_at=at(2026, 3, 6),
        recipients=[deputy],
    )
    c = client_for(deputy)
    assert "确认收到" in c.get(f"/communication/records/{record.pk}/").content.decode()
    assert c.post(f"/communication/records/{record.pk}/acknowledge/").status_code == 302
    assert MinutesRecipient.objects.get(record=record).acknowledged_at is not None


@pytest.mark.parametrize("url", ["/communication/records/", "/communication/problems/"])
def test_list_query_count_does_not_grow(
    member, client_for, project, levels, url, django_assert_max_num_queries
):
    lead = member("cs_lead", project)
    c = client_for(lead)
    for i in range(3):
        RecordFactory(project=project, created_by=lead, held_at=at(2026, 3, 1 + i))
        ProblemFactory(project=project, owner=lead)
    few = _queries(c, url)
    for i in range(27):
        RecordFactory(project=project, created_by=f.UserFactory(), held_at=at(2026, 4, 1 + i))
        ProblemFactory(project=project, owner=f.UserFactory())
    many = _queries(c, url)
    assert few == many
    with django_assert_max_num_queries(15):
        c.get(url)


def test_compliance_and_index_query_count_does_not_grow(
    member, client_for, levels, django_assert_max_num_queries
):
    hq = f.UserFactory(company=f.HQFactory(), is_superuser=True)
    c = client_for(hq)
    today = timezone.localdate()
    url = f"/communication/compliance/?start={today - datetime.timedelta(days=30)}&end={today}"
    projects = [f.ProjectFactory() for _ in range(3)]
    for p in projects:
        RecordFactory(project=p, held_at=timezone.now())
    few, few_index = _queries(c, url), _queries(c, "/communication/")
    projects += [f.ProjectFactory() for _ in range(27)]
    for p in projects[3:]:
        RecordFactory(project=p, held_at=timezone.now())
    assert (_queries(c, url), _queries(c, "/communication/")) == (few, few_index)
    with django_assert_max_num_queries(15):
        c.get(url)


@pytest.mark.parametrize("url", ["/communication/records/", "/communication/reports/"])
def test_record_lists_hold_only_projects_where_the_role_may_view_records(
    member, client_for, project, other_project, levels, url
):
    """A project the user sees through a role without view_communicationrecord is left out of
    the lists and their exports, as its records' pages answer 403."""
    from salesite.models import Role

    no_comm = Role.objects.create(code="no_comm", name="无沟通权限", side="property")
    user = member("cs_lead", project)
    f.MembershipFactory(user=user, project=other_project, role=no_comm)
    stranger = f.UserFactory()
    f.MembershipFactory(user=stranger, project=other_project, role=no_comm)
    for p in (project, other_project):
        RecordFactory(project=p, created_by=user)
        RecordFactory(project=p, level=levels["weekly_report"], summary=f"周志{p.code}")
    kind = {"level__kind": "report"} if "reports" in url else {"level": levels["daily"]}
    shown = CommunicationRecord.objects.get(project=project, **kind)
    hidden = CommunicationRecord.objects.get(project=other_project, **kind)
    c = client_for(user)
    assert c.get(f"/communication/records/{hidden.pk}/").status_code == 403
    page = c.get(url)
    assert page.status_code == 200
    assert f"/communication/records/{shown.pk}/" in page.text
    assert f"/communication/records/{hidden.pk}/" not in page.text
    body = b"".join(c.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert project.name in body and other_project.name not in body
    empty = client_for(stranger).get(url)
    assert empty.status_code == 200
    assert f"/communication/records/{hidden.pk}/" not in empty.text


def test_problem_list_holds_only_projects_where_the_role_may_view_problems(
    member, client_for, project, other_project
):
    from salesite.models import Role

    no_comm = Role.objects.create(code="no_comm", name="无沟通权限", side="property")
    user = member("cs_lead", project)
    f.MembershipFactory(user=user, project=other_project, role=no_comm)
    shown = ProblemFactory(project=project, title="可见的问题")
    hidden = ProblemFactory(project=other_project, title="无权查看的问题")
    c = client_for(user)
    assert c.get(f"/communication/problems/{hidden.pk}/").status_code == 403
    page = c.get("/communication/problems/")
    assert shown.title in page.text and hidden.title not in page.text


def test_level_admin_requires_a_phase_and_keeps_the_chosen_ones(admin_client, levels):
    from communication.models import CommunicationLevel

    daily = levels["daily"]
    url = f"/admin/communication/communicationlevel/{daily.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and "适用营销阶段" in page.content.decode()
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "recorder_roles"}
    data.update(
        property_role=daily.property_role_id or "",
        developer_role=daily.developer_role_id or "",
        escalates_to=daily.escalates_to_id or "",
        reminder_time="17:00",
        phases=[],
    )
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "请至少选择一个适用的营销阶段。" in refused.content.decode()
    data["phases"] = ["closed", "preparing"]
    assert admin_client.post(url, data).status_code == 302
    assert CommunicationLevel.objects.get(pk=daily.pk).phases == ["preparing", "closed"]
