import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from renovation import services
from renovation.exceptions import InvalidTransition, RefundNotDue
from renovation.models import CompletionInspection, RenovationApplication, Status

from .conftest import at
from .factories import ApplicationFactory, active_in

pytestmark = pytest.mark.django_db

D = datetime.date


APPLIED_AT = at(2026, 4, 1)
AGREED = D(2026, 4, 3)
INSPECTED_AT = at(2026, 4, 3, 15)


def apply(app, now=APPLIED_AT, agreed=AGREED):
    return services.completion_apply(application=app, agreed_date=agreed, user=None, now=now)


def inspect(inspection, ok=True, now=INSPECTED_AT, **kw):
    return services.completion_inspect(
        inspection=inspection, engineering_ok=ok, security_ok=True, user=None, now=now, **kw
    )


def test_completion_apply_only_for_active_and_not_in_the_past(project):
    app = ApplicationFactory(status=Status.APPROVED)
    with pytest.raises(InvalidTransition, match="不能申请竣工验收"):
        apply(app)
    (active,) = active_in(project)
    with pytest.raises(InvalidTransition, match="不能早于今天"):
        apply(active, agreed=D(2026, 3, 31))
    inspection = apply(active)
    assert inspection.round == 1 and inspection.state == "scheduled"
    assert RenovationApplication.objects.get(pk=active.pk).status == Status.COMPLETION_APPLIED


def test_problems_rectification_reinspection_then_acceptance_starts_refund_clock(project):
    (app,) = active_in(project)
    first = apply(app)
    with pytest.raises(InvalidTransition, match="存在问题和整改措施"):
        inspect(first, ok=False)
    inspect(first, ok=False, problems="卫生间未做闭水试验", rectification="补做闭水试验 48 小时")
    app.refresh_from_db()
    assert app.status == Status.RECTIFICATION and app.completion_accepted_on is None
    with pytest.raises(InvalidTransition, match="已登记结果"):
        inspect(first)
    second = services.reinspection_schedule(
        application=app, agreed_date=D(2026, 4, 8), user=None, now=at(2026, 4, 5)
    )
    assert second.round == 2
    with pytest.raises(InvalidTransition, match="待进行的验收"):
        services.reinspection_schedule(
            application=app, agreed_date=D(2026, 4, 9), user=None, now=at(2026, 4, 5)
        )
    inspect(second, now=at(2026, 4, 10, 10))
    app.refresh_from_db()
    assert app.status == Status.COMPLETION_ACCEPTED
    assert app.completion_accepted_on == D(2026, 4, 10)
    assert app.refund_due_on == D(2026, 7, 10)
    assert list(app.inspections.values_list("state", flat=True)) == ["failed", "passed"]


def test_open_violation_blocks_acceptance(project):
    (app,) = active_in(project)
    services.violation_record(
        application=app,
        severity="serious",
        description="外立面开孔",
        requirement="封堵",
        rectify_by=D(2026, 4, 2),
        user=None,
        now=at(2026, 3, 30),
    )
    inspection = apply(app)
    with pytest.raises(InvalidTransition, match="未整改完毕的违章"):
        inspect(inspection)
    assert CompletionInspection.objects.get().state == "scheduled"


def test_accepted_completion_feeds_the_refund_flow(active_app):
    app = active_app()
    inspect(apply(app, now=at(2026, 3, 20), agreed=D(2026, 3, 25)), now=at(2026, 3, 25))
    app.refresh_from_db()
    args = dict(
        application=app,
        requested_by="owner",
        owner_consent=False,
        unpaid_fees=Decimal("0"),
        no_damage_confirmed=True,
        user=None,
    )
    with pytest.raises(RefundNotDue, match="2026-06-25"):
        services.refund_request(today=D(2026, 6, 24), **args)
    refund = services.refund_request(today=D(2026, 6, 25), **args)
    assert refund.refund_amount == Decimal("2000.00")


def test_completion_in_browser_with_roles(project, other_project, member, client_for):
    (app,) = active_in(project)
    fd = client_for(member("front_desk", project))
    r = fd.post(
        reverse("renovation:completion_apply", args=[app.pk]), {"agreed_date": "2036-01-05"}
    )
    assert r.status_code == 302
    inspection = CompletionInspection.objects.get()
    url = reverse("renovation:inspection_record", args=[inspection.pk])
    data = {"engineering_ok": "1", "security_ok": "1"}
    assert fd.post(url, data).status_code == 403
    eng = client_for(member("engineering", project))
    assert eng.post(url, data).status_code == 302
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.COMPLETION_ACCEPTED
    assert "竣工验收" in fd.get(app.get_absolute_url()).text
    outsider = client_for(member("engineering", other_project))
    assert outsider.post(url, data).status_code == 404
