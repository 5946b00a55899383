"""The contractor register (issue #16 items 1–3): permissions and denials, the status
history, the licence-expiry reminder (once, 30-day boundary), lead evaluations with the
replacement of a failing lead, competitions published as a notice, and the yearly parts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from salesite import contractor_services as services
from salesite.contractor_selectors import contractor_year_scores
from salesite.exceptions import DomainError
from salesite.models import (
    CompetitionScore,
    Contractor,
    ContractorDocument,
    ContractorStatusChange,
    LeadEvaluation,
    Notification,
    SkillCompetition,
)
from tests import factories as f
from tests.contractor_factories import contractor_for, document_for, training_for

pytestmark = pytest.mark.django_db


def _sibling(project):
    """A second project of the same property company."""
    return f.ProjectFactory(service_centre=f.CentreFactory(parent=project.property_company))


# --- permissions -----------------------------------------------------------------------------


def test_list_and_detail_are_scoped_to_the_members_projects(
    member, client_for, project, other_project, django_assert_max_num_queries
):
    mine = contractor_for(project, name="甲水电")
    theirs = contractor_for(other_project, name="乙土建")
    for i in range(5):
        training_for(contractor_for(project, name=f"丙{i}"), project)
    client = client_for(member("engineering", project))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("salesite:contractor_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "甲水电" in body and "乙土建" not in body
    assert "无培训记录" in body  # 甲水电 has none
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("salesite:contractor_edit", args=[theirs.pk])).status_code == 404


def test_a_role_without_the_permission_is_refused(member, client_for, project):
    contractor = contractor_for(project)
    front_desk = client_for(member("front_desk", project))  # may view, not change or add
    assert front_desk.get(contractor.get_absolute_url()).status_code == 200
    assert (
        front_desk.get(reverse("salesite:contractor_edit", args=[contractor.pk])).status_code == 403
    )
    assert front_desk.get(reverse("salesite:contractor_create")).status_code == 403
    url = reverse("salesite:contractor_status", args=[contractor.pk])
    assert front_desk.post(url, {"to": "eliminated", "note": "x"}).status_code == 403
    assert Contractor.objects.get(pk=contractor.pk).status == "active"
    security = client_for(member("security", project))  # no contractor permission at all
    assert security.get(reverse("salesite:contractor_list")).status_code == 403


def test_hq_sees_every_contractor(client_for, project, other_project):
    contractor_for(project, name="甲水电")
    contractor_for(other_project, name="乙土建")
    hq = f.UserFactory(company=f.HQFactory())
    body = client_for(hq).get(reverse("salesite:contractor_list")).content.decode()
    assert "甲水电" in body and "乙土建" in body


def test_centre_head_registers_a_contractor_on_probation(member, client_for, project):
    head = member("centre_head", project)
    client = client_for(head)
    response = client.post(
        reverse("salesite:contractor_create"),
        {
            "company": project.property_company_id,
            "name": "安居维修",
            "projects": [project.pk],
            "tech_lead_name": "钱工",
            "tech_lead_phone": "13600000002",
            "contract_start": "2026-01-01",
            "contract_end": "2026-12-31",
            "penalty_terms": "超时上门每次扣款200元",
        },
    )
    contractor = Contractor.objects.get(name="安居维修")
    assert response.status_code == 302 and response["Location"] == contractor.get_absolute_url()
    assert contractor.status == "probation"
    assert list(contractor.projects.all()) == [project]
    # Another company's project cannot be given to it.
    response = client.post(
        reverse("salesite:contractor_create"),
        {
            "company": project.property_company_id,
            "name": "乙",
            "projects": [f.ProjectFactory().pk],
            "tech_lead_name": "孙工",
            "tech_lead_phone": "1",
            "contract_start": "2026-02-01",
            "contract_end": "2026-01-01",
        },
    )
    assert response.status_code == 200 and not Contractor.objects.filter(name="乙").exists()
    assert "合同结束日期不能早于开始日期" in response.content.decode()


def test_documents_of_another_project_are_404(member, client_for, project, other_project):
    theirs = document_for(contractor_for(other_project), other_project, datetime.date(2027, 1, 1))
    client = client_for(member("engineering", project))
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_status_moves_through_the_engine_with_history(member, project):
    head = member("centre_head", project)
    contractor = contractor_for(project)
    with pytest.raises(DomainError):
        services.contractor_set_status(contractor=contractor, to="eliminated", user=head)
    services.contractor_set_status(
        contractor=contractor, to="eliminated", user=head, note="年度评估末位"
    )
    row = ContractorStatusChange.objects.get(contractor=contractor)
    assert (row.from_status, row.to_status, row.by, row.note) == (
        "active",
        "eliminated",
        head,
        "年度评估末位",
    )
    with pytest.raises(DomainError):  # eliminated → active is not allowed (probation first)
        services.contractor_set_status(contractor=contractor, to="active", user=head)


# --- the licence expiry reminder -------------------------------------------------------------


def test_expiry_reminder_once_at_30_days_and_again_for_a_renewed_date(member, project):
    engineer = member("engineering", project)
    contractor = contractor_for(project)
    today = datetime.date(2026, 12, 4)
    # 2026-12-04 + 30 days = 2027-01-03 (27 days left in December + 3 in January).
    at_boundary = document_for(contractor, project, datetime.date(2027, 1, 3), title="资质证书")
    beyond = document_for(contractor, project, datetime.date(2027, 1, 4), title="安全许可证")
    expired = document_for(contractor, project, datetime.date(2026, 12, 3), title="旧执照")
    gone = contractor_for(project, status="eliminated")
    document_for(gone, project, datetime.date(2026, 12, 20), title="淘汰单位执照")

    first = services.contractor_documents_remind(today=today)
    assert first == {"due": 1, "notified": 1}
    note = Notification.objects.get(recipient=engineer)
    assert "资质证书" in note.title and "还有 30 天" in note.body
    assert ContractorDocument.objects.get(pk=at_boundary.pk).reminded_for == at_boundary.valid_until
    # Running again the same day, or the next, tells nobody twice.
    assert services.contractor_documents_remind(today=today) == {"due": 0, "notified": 0}
    second = services.contractor_documents_remind(today=today + datetime.timedelta(days=1))
    assert second == {"due": 1, "notified": 1}  # the 31-day one is now at 30
    assert Notification.objects.filter(recipient=engineer).count() == 2
    # A renewed expiry date within 30 days is reminded again, once.
    at_boundary.valid_until = datetime.date(2027, 1, 2)
    at_boundary.save()
    assert services.contractor_documents_remind(today=today)["notified"] == 1
    assert services.contractor_documents_remind(today=today)["notified"] == 0
    assert not Notification.objects.filter(title__contains="旧执照").exists()
    assert not Notification.objects.filter(title__contains="淘汰单位").exists()
    assert beyond.pk and expired.pk


def test_the_reminder_task_is_scheduled_by_a_beat_entry():
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(task="salesite.tasks.contractor_documents_remind")
    assert (entry.crontab.hour, entry.crontab.minute) == ("7", "30")


# --- evaluations and competitions -------------------------------------------------------------


def test_a_failing_lead_is_replaced(member, project):
    head = member("centre_head", project)
    contractor = contractor_for(project, tech_lead_name="赵工")
    common = {"project": project, "year": 2026, "evaluated_on": datetime.date(2026, 3, 30)}
    with pytest.raises(DomainError):
        services.lead_evaluation_record(
            contractor=contractor, user=head, quarter=1, score=55, passed=False, **common
        )
    evaluation = services.lead_evaluation_record(
        contractor=contractor,
        user=head,
        quarter=1,
        score=Decimal("55"),
        passed=False,
        replaced_by_name="周工",
        replaced_by_phone="13600000009",
        **common,
    )
    contractor.refresh_from_db()
    assert evaluation.lead_name == "赵工"
    assert (contractor.tech_lead_name, contractor.tech_lead_phone) == ("周工", "13600000009")
    with pytest.raises(DomainError):  # once a quarter per project
        services.lead_evaluation_record(
            contractor=contractor, user=head, quarter=1, score=90, passed=True, **common
        )


def test_competition_scores_are_published_as_a_notice_once(member, client_for, project):
    head = member("centre_head", project)
    repair = member("repair_team", project)
    a = contractor_for(project, name="甲")
    b = contractor_for(project, name="乙")
    competition = services.competition_create(
        company=project.property_company,
        user=head,
        title="上半年技术比武",
        held_on=datetime.date(2026, 6, 1),
    )
    client = client_for(head)
    url = reverse("salesite:competition_action", args=[competition.pk, "score"])
    client.post(url, {"contractor": a.pk, "score": "88"})
    client.post(url, {"contractor": b.pk, "score": "92.5"})
    client.post(url, {"contractor": a.pk, "score": "86"})  # a correction, not a second row
    assert CompetitionScore.objects.filter(competition=competition).count() == 2
    client.post(reverse("salesite:competition_action", args=[competition.pk, "publish"]))
    competition.refresh_from_db()
    assert competition.published_at is not None
    assert "第1名 乙 92.5分" in competition.notice and "第2名 甲 86.0分" in competition.notice
    assert (
        Notification.objects.filter(recipient=repair, title__contains="上半年技术比武").count() == 1
    )
    with pytest.raises(DomainError):
        services.competition_publish(competition=competition, user=head)
    with pytest.raises(DomainError):
        services.competition_score_set(competition=competition, contractor=a, score=99)
    # The repair team reads the notice; a member of another company's project does not.
    assert client_for(repair).get(competition.get_absolute_url()).status_code == 200
    stranger = client_for(member("centre_head", f.ProjectFactory()))
    assert stranger.get(competition.get_absolute_url()).status_code == 404
    assert (
        stranger.post(
            reverse("salesite:competition_action", args=[competition.pk, "publish"])
        ).status_code
        == 404
    )


def test_year_scores_combine_lead_evaluations_and_competitions(member, project):
    head = member("centre_head", project)
    a = contractor_for(project, name="甲")
    b = contractor_for(project, name="乙")
    second = _sibling(project)
    a.projects.add(second)
    for quarter, score in ((1, 80), (2, 90)):
        LeadEvaluation.objects.create(
            contractor=a,
            project=project,
            year=2026,
            quarter=quarter,
            lead_name="赵工",
            score=score,
            passed=True,
            evaluated_on=datetime.date(2026, 3 * quarter, 28),
        )
    LeadEvaluation.objects.create(
        contractor=a,
        project=second,
        year=2026,
        quarter=1,
        lead_name="赵工",
        score=58,
        passed=False,
        replaced_by_name="周工",
        evaluated_on=datetime.date(2026, 3, 28),
    )
    LeadEvaluation.objects.create(  # another year: not counted
        contractor=a,
        project=project,
        year=2025,
        quarter=4,
        lead_name="赵工",
        score=10,
        passed=False,
        evaluated_on=datetime.date(2025, 12, 28),
    )
    for held_on, scores in (
        (datetime.date(2026, 5, 1), (88, 70)),
        (datetime.date(2026, 10, 1), (92.5, 75)),
    ):
        competition = SkillCompetition.objects.create(
            company=project.property_company, title="比武", held_on=held_on
        )
        CompetitionScore.objects.create(competition=competition, contractor=a, score=scores[0])
        CompetitionScore.objects.create(competition=competition, contractor=b, score=scores[1])

    company = contractor_year_scores(project.property_company, 2026)
    # (80 + 90 + 58) / 3 = 76.0; (88 + 92.5) / 2 = 90.25 → 90.3; b: (70 + 75) / 2 = 72.5
    assert company[a.pk]["lead_average"] == Decimal("76.0")
    assert company[a.pk]["lead_failures"] == 1
    assert company[a.pk]["competition_average"] == Decimal("90.3")
    assert company[b.pk]["lead_average"] is None
    assert company[b.pk]["competition_average"] == Decimal("72.5")
    # For one project only its evaluations count: (80 + 90) / 2 = 85.0.
    one = contractor_year_scores(project, 2026)
    assert one[a.pk]["lead_average"] == Decimal("85.0") and one[a.pk]["lead_failures"] == 0
    assert head.pk
