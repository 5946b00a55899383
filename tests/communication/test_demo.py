import pytest

from communication.demo import seed_demo
from communication.models import (
    CommunicationRecord,
    ComplianceBreach,
    MinutesRecipient,
    Problem,
    ProblemEvent,
)
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_and_is_idempotent():
    demo_snapshot.seed_demo()  # a fresh seed of the whole demo
    count = CommunicationRecord.objects.count()
    breaches = ComplianceBreach.objects.count()
    seed_demo()
    assert CommunicationRecord.objects.count() == count > 40
    assert ComplianceBreach.objects.count() == breaches
    # Every project has records and problems; the nightly job marked missed daily logs.
    for model in (CommunicationRecord, Problem):
        codes = set(model.objects.values_list("project__code", flat=True))
        assert codes == {"binjiang", "yunqi", "haitang"}, model
    assert ComplianceBreach.objects.filter(project__code="haitang", level__code="daily").exists()
    statuses = set(Problem.objects.values_list("status", flat=True))
    assert statuses == {"open", "resolved", "escalated"}
    assert Problem.objects.filter(overdue_since__isnull=False).exists()
    assert ProblemEvent.objects.filter(kind="carried_forward").exists()
    assert Problem.objects.filter(level__code="monthly").exists()
    acks = MinutesRecipient.objects.filter(record__level__code="monthly")
    assert acks.filter(acknowledged_at__isnull=False).exists()
    assert acks.filter(acknowledged_at__isnull=True).exists()


@pytest.mark.parametrize("username", ["binjiang_cs_lead", "binjiang_subsidiary_gm", "admin"])
def test_every_page_renders_on_demo_data(client_for, username):
    from salesite.models import User

    demo_snapshot.seed_demo()
    c = client_for(User.objects.get(username=username))
    minutes = CommunicationRecord.objects.filter(level__code="monthly", project__code="binjiang")
    problem = Problem.objects.filter(project__code="binjiang", status="escalated").first()
    urls = [
        "/communication/",
        "/communication/records/",
        "/communication/records/?level=1&date_from=2026-01-01",
        "/communication/problems/?overdue=true",
        "/communication/compliance/",
        "/communication/reports/",
        "/communication/records/new/",
        f"/communication/records/{minutes.get().pk}/",
        f"/communication/problems/{problem.pk}/",
    ]
    for url in urls:
        resp = c.get(url, follow=True)
        assert resp.status_code == 200, url
