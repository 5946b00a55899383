"""Bulk warranty and survey-link writes in the audit trail (R-X-2, issue 19 item 7)."""

import datetime

import pytest
from auditlog.models import LogEntry

from feedback import services
from feedback.models import WarrantyReport

pytestmark = pytest.mark.django_db

D = datetime.date


def _item(project):
    return services.warranty_item_create(
        project=project,
        name="屋面防水",
        responsible_unit="防水公司",
        starts_on=D(2021, 7, 1),
        ends_on=D(2026, 6, 30),
    )


def test_sending_reports_logs_each_status_change_with_the_user(project, owner, member):
    lead = member("cs_lead", project)
    item = _item(project)
    services.warranty_notices_send(today=D(2026, 5, 1))
    item.refresh_from_db()
    reports = [
        services.warranty_report_add(item=item, description=d, customer=owner, today=D(2026, 5, 3))
        for d in ("屋面渗水", "外墙裂缝")
    ]
    services.warranty_reports_send(item=item, today=D(2026, 5, 10), response_days=15, user=lead)
    for r in reports:
        entry = LogEntry.objects.get_for_object(r).filter(action=LogEntry.Action.UPDATE).get()
        assert entry.actor == lead
        assert entry.changes_dict["status"] == [
            WarrantyReport.Status.COLLECTED,
            WarrantyReport.Status.SENT,
        ]
        assert entry.changes_dict["response_due"] == ["None", "2026-05-25"]
        assert entry.changes_dict["sent_on"] == ["None", "2026-05-10"]
