"""The notice of an elimination proposal (末位淘汰, issue #16 item 4): once a quarter's ranking
is final, the centre heads of the contractor's projects and the company's managers are told,
once per contractor and period; nobody of another company; not after the decision."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from feedback.models.ranking import RankingDecision
from feedback.services.ranking import elimination_periods, elimination_proposals_notify
from salesite.models import JobRun, Notification, OutboundMessage
from tests import factories as f

from .test_contractor_ranking import NOW, world  # noqa: F401  (the ranked 2026 Q2)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 1)


def test_the_final_periods():
    # 30 days after a quarter's end its ranking is final; in the quarter after the year's
    # window is over, the year's too.
    assert elimination_periods(datetime.date(2026, 7, 30), 30) == [(2026, 1)]
    assert elimination_periods(datetime.date(2026, 7, 31), 30) == [(2026, 2)]
    assert elimination_periods(datetime.date(2027, 1, 31), 30) == [(2026, 4), (2026, None)]
    assert elimination_periods(datetime.date(2026, 12, 4), 30) == [(2026, 3)]


@pytest.fixture
def people(member, project, other_project):
    sister = f.ProjectFactory(service_centre=project.service_centre)  # same company
    assert sister.property_company_id == project.property_company_id
    assert other_project.property_company_id != project.property_company_id
    return {
        "head": member("centre_head", project),
        "gm": member("subsidiary_gm", project),
        "deputy": member("subsidiary_deputy", sister),
        # Not told: the sister project's head (乙 does not serve it), a lead without the role,
        # and every one of another company.
        "sister_head": member("centre_head", sister),
        "cs_lead": member("cs_lead", project),
        "other_head": member("centre_head", other_project),
        "other_gm": member("subsidiary_gm", other_project),
    }


def test_the_proposal_is_told_once_to_the_heads_and_managers(
    world,  # noqa: F811
    people,
    django_capture_on_commit_callbacks,
):
    _a, b, _c = world
    with django_capture_on_commit_callbacks() as callbacks:
        counts = elimination_proposals_notify(today=TODAY, now=NOW)
    assert counts == {"proposals": 1, "notified": 3}
    told = Notification.objects.filter(dedupe_key__startswith="feedback:elimination:")
    assert {n.recipient for n in told} == {people["head"], people["gm"], people["deputy"]}
    notice = told.first()
    assert "乙水电" in notice.title and "2026年第2季度" in notice.title
    assert "69.7" in notice.body and "第 2 名（共 3 名）" in notice.body
    assert notice.url.startswith("/feedback/contractor-ranking/?scope=c")
    assert "year=2026" in notice.url and "quarter=2" in notice.url
    # The emails are outbox rows, sent by a worker once the transaction commits.
    emails = OutboundMessage.objects.filter(notification__in=told)
    assert emails.count() == 3 and callbacks
    # A second run (and the next day's) tells nobody again.
    assert elimination_proposals_notify(today=TODAY, now=NOW)["notified"] == 0
    assert elimination_proposals_notify(today=TODAY + datetime.timedelta(days=1), now=NOW) == {
        "proposals": 1,
        "notified": 0,
    }
    assert told.count() == 3 and emails.count() == 3
    b.refresh_from_db()
    assert b.status == "active"  # the notice decides nothing


def test_nothing_before_the_ranking_is_final_nor_after_the_decision(
    world,  # noqa: F811
    people,
    project,
):
    _a, b, _c = world
    # 29 days after the quarter: the first-time fix windows are not all over yet (Q1 is told,
    # and has no repairs).
    assert elimination_proposals_notify(today=datetime.date(2026, 7, 30), now=NOW) == {
        "proposals": 0,
        "notified": 0,
    }
    RankingDecision.objects.create(
        company=project.property_company,
        project=project,
        year=2026,
        quarter=2,
        contractor=b,
        decision="keep_on_probation",
        reason="限期整改",
        decided_at=NOW,
    )
    assert elimination_proposals_notify(today=TODAY, now=NOW) == {"proposals": 0, "notified": 0}
    assert not Notification.objects.filter(dedupe_key__startswith="feedback:elimination:")


def test_the_daily_job_and_its_beat_entry():
    from feedback.tasks import feedback_elimination_notices

    entry = PeriodicTask.objects.get(task="feedback.tasks.feedback_elimination_notices")
    assert entry.crontab.hour == "9" and entry.enabled
    assert feedback_elimination_notices() == {"proposals": 0, "notified": 0}
    assert JobRun.objects.filter(job_name="feedback_elimination_notices").exists()
