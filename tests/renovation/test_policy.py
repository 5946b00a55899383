"""Issue 20 item 1 in renovation: the review deadline and the refund wait come from the
project's service policy, are stored on the application and recomputed only on request."""

import datetime

import pytest

from renovation import services
from renovation.models import RenovationApplication, Status
from renovation.services.policy_recompute import applications_recompute
from salesite.models import ServicePolicy

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date


def reload(app):
    return RenovationApplication.objects.get(pk=app.pk)


def test_review_days_stored_at_creation_and_used(ready_app, member):
    old = ready_app()
    project = old.project
    assert old.rule_values == {"review_working_days": 1, "refund_wait_months": 3}
    ServicePolicy.objects.filter(company=project.property_company).update(
        review_working_days=2, refund_wait_months=4
    )
    new = ready_app(unit__building__project=project)
    assert new.rule_values == {"review_working_days": 2, "refund_wait_months": 4}
    user = member("front_desk", project)
    for app in (old, new):
        services.application_submit(application=app, user=user, now=at(2026, 3, 6, 16))  # Fri
    assert reload(old).review_due_at.date() == D(2026, 3, 9)  # 1 working day: Monday
    assert reload(new).review_due_at.date() == D(2026, 3, 10)  # 2 working days: Tuesday


def test_refund_wait_and_recompute(ready_app, member):
    app = ready_app()
    project = app.project
    RenovationApplication.objects.filter(pk=app.pk).update(
        status=Status.COMPLETION_ACCEPTED,
        completion_accepted_on=D(2026, 4, 10),
        refund_due_on=D(2026, 7, 10),
    )
    closed = ready_app(unit__building__project=project)
    RenovationApplication.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED, completion_accepted_on=D(2026, 4, 10), refund_due_on=D(2026, 7, 10)
    )
    assert services.refund_due_date(reload(app)) == D(2026, 7, 10)
    ServicePolicy.objects.filter(company=project.property_company).update(refund_wait_months=4)
    assert services.refund_due_date(reload(app)) == D(2026, 7, 10)  # stored 3 months
    changes = applications_recompute([project.pk])
    assert changes == [f"{app.number} 押金可退日期 2026-07-10 → 2026-08-10"]
    assert reload(app).refund_due_on == D(2026, 8, 10)
    assert reload(app).rule_values["refund_wait_months"] == 4
    assert reload(closed).refund_due_on == D(2026, 7, 10)
    assert reload(closed).rule_values["refund_wait_months"] == 3
    assert applications_recompute([project.pk]) == []
