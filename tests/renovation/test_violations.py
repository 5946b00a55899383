import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from renovation import services
from renovation.exceptions import InsufficientDeposit, InvalidTransition
from renovation.models import (
    DepositLedgerEntry,
    Fine,
    HotWorkPermit,
    MaterialRefusal,
    Violation,
    ViolationHistory,
)

from .conftest import at
from .factories import active_in

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 10, 10)


def serious(app, **kw):
    args = dict(
        application=app,
        severity="serious",
        description="擅自拆除承重墙",
        requirement="立即停工，恢复原状",
        rectify_by=datetime.date(2026, 3, 15),
        user=None,
        now=NOW,
    )
    args.update(kw)
    return services.violation_record(**args)


def test_minor_violation_records_the_verbal_warning(project, member):
    (app,) = active_in(project)
    fd = member("front_desk", project)
    with pytest.raises(InvalidTransition, match="口头警告"):
        services.violation_record(
            application=app, severity="minor", description="午休时间电钻", user=fd, now=NOW
        )
    v = services.violation_record(
        application=app,
        severity="minor",
        description="午休时间电钻",
        warned_person="李师傅",
        user=fd,
        now=NOW,
    )
    assert (v.state, v.warned_person, v.warned_by, v.warned_at) == ("warned", "李师傅", fd, NOW)
    assert not v.is_open


def test_serious_violation_owner_called_before_contractor_then_both_sign(project):
    (app,) = active_in(project)
    v = serious(app)
    assert v.state == "notice_issued" and v.notice_number.startswith("WZ20260310-")
    with pytest.raises(InvalidTransition, match="先电话通知业主"):
        services.violation_call(violation=v, party="contractor", answer="好", user=None)
    with pytest.raises(InvalidTransition, match="先电话通知业主和装修单位"):
        services.violation_sign(violation=v, owner_signed=True, contractor_signed=True, user=None)
    v = services.violation_call(
        violation=v, party="owner", answer="业主同意配合", user=None, now=at(2026, 3, 10, 11)
    )
    v = services.violation_call(
        violation=v, party="contractor", answer="今日整改", user=None, now=at(2026, 3, 10, 12)
    )
    assert v.owner_called_at < v.contractor_called_at
    assert v.owner_call_answer == "业主同意配合" and v.contractor_call_answer == "今日整改"
    with pytest.raises(InvalidTransition, match="双方签收"):
        services.violation_sign(violation=v, owner_signed=True, contractor_signed=False, user=None)
    v = services.violation_sign(violation=v, owner_signed=True, contractor_signed=True, user=None)
    assert v.state == "signed" and v.is_open
    with pytest.raises(InvalidTransition, match="重新确定整改期限"):
        services.violation_recheck(violation=v, passed=False, note="未恢复", user=None, now=NOW)
    v = services.violation_recheck(
        violation=v,
        passed=False,
        note="未恢复",
        new_deadline=datetime.date(2026, 3, 20),
        user=None,
        now=NOW,
    )
    assert v.state == "signed" and v.rectify_by == datetime.date(2026, 3, 20)
    v = services.violation_recheck(violation=v, passed=True, note="已恢复", user=None, now=NOW)
    assert v.state == "rectified"
    with pytest.raises(InvalidTransition):
        services.violation_recheck(violation=v, passed=True, note="", user=None, now=NOW)


def test_violation_moves_write_history(project, member):
    (app,) = active_in(project)
    fd = member("front_desk", project)
    v = serious(app)
    services.violation_call(violation=v, party="owner", answer="同意", user=fd, now=NOW)
    services.violation_call(violation=v, party="contractor", answer="同意", user=fd, now=NOW)
    services.violation_sign(violation=v, owner_signed=True, contractor_signed=True, user=fd)
    services.violation_recheck(violation=v, passed=True, note="已恢复", user=fd, now=NOW)
    rows = list(ViolationHistory.objects.filter(violation=v).order_by("pk"))
    assert [(r.from_status, r.to_status, r.by, r.project_id) for r in rows] == [
        ("notice_issued", "signed", fd, project.pk),
        ("signed", "rectified", fd, project.pk),
    ]
    assert (rows[1].at, rows[1].note) == (NOW, "已恢复")


def test_serious_violation_needs_requirement_and_future_deadline(project):
    (app,) = active_in(project)
    with pytest.raises(InvalidTransition, match="整改要求和整改期限"):
        serious(app, requirement="")
    with pytest.raises(InvalidTransition, match="不能早于今天"):
        serious(app, rectify_by=datetime.date(2026, 3, 1))
    assert not Violation.objects.exists()


def test_fine_approved_is_deducted_and_never_beyond_the_balance(active_app, member):
    app = active_app()  # deposit 2000
    v = serious(app)
    with pytest.raises(InsufficientDeposit, match="超过押金余额"):
        services.fine_propose(violation=v, amount="2500", reason="协议第5条", user=None)
    fine = services.fine_propose(violation=v, amount="1500", reason="协议第5条", user=None)
    other = services.fine_propose(violation=v, amount="800", reason="协议第6条", user=None)
    head = member("centre_head", app.project)
    services.fine_decide(fine=fine, approve=True, user=head)
    fine.refresh_from_db()
    assert fine.state == "approved" and fine.ledger_entry.kind == "fine"
    assert services.ledger_balance(app.pk) == Decimal("500.00")
    with pytest.raises(InsufficientDeposit, match="余额不足"):
        services.fine_decide(fine=other, approve=True, user=head)
    other.refresh_from_db()
    assert other.state == "proposed" and other.ledger_entry is None
    assert DepositLedgerEntry.objects.filter(application=app, kind="fine").count() == 1
    with pytest.raises(InvalidTransition, match="已审批"):
        services.fine_decide(fine=fine, approve=True, user=head)


def test_fine_approval_only_by_project_manager(active_app, member, client_for):
    app = active_app()
    v = serious(app)
    fd = client_for(member("front_desk", app.project))
    r = fd.post(
        reverse("renovation:fine_propose", args=[v.pk]), {"amount": "300", "reason": "第5条"}
    )
    assert r.status_code == 302
    fine = Fine.objects.get()
    url = reverse("renovation:fine_decide", args=[fine.pk])
    assert fd.post(url, {"approve": "1"}).status_code == 403
    eng = client_for(member("engineering", app.project))
    assert eng.post(url, {"approve": "1"}).status_code == 403
    head = client_for(member("centre_head", app.project))
    r = head.post(url, {"approve": "1"}, follow=True)
    assert "已批准并从押金中扣除" in r.text
    assert services.ledger_balance(app.pk) == Decimal("1700.00")


def test_fine_larger_than_balance_refused_in_browser(active_app, member, client_for):
    app = active_app()
    v = serious(app)
    head = client_for(member("centre_head", app.project))
    r = head.post(
        reverse("renovation:fine_propose", args=[v.pk]),
        {"amount": "5000", "reason": "第5条"},
        follow=True,
    )
    assert "超过押金余额" in r.text and not Fine.objects.exists()


def test_violation_flow_in_browser_and_print(project, member, client_for):
    (app,) = active_in(project)
    c = client_for(member("front_desk", project))
    r = c.post(
        reverse("renovation:violation_add", args=[app.pk]),
        {
            "severity": "serious",
            "description": "封闭阳台",
            "requirement": "拆除",
            "rectify_by": "2036-01-01",
        },
    )
    v = Violation.objects.get()
    assert r.status_code == 302 and r.url == v.get_absolute_url()
    r = c.post(reverse("renovation:violation_call", args=[v.pk, "contractor"]), {"answer": "x"})
    assert "先电话通知业主" in c.get(r.url).text
    c.post(reverse("renovation:violation_call", args=[v.pk, "owner"]), {"answer": "同意"})
    c.post(reverse("renovation:violation_call", args=[v.pk, "contractor"]), {"answer": "整改"})
    c.post(
        reverse("renovation:violation_sign", args=[v.pk]),
        {"owner_signed": "on", "contractor_signed": "on"},
    )
    assert Violation.objects.get().state == "signed"
    r = c.get(reverse("renovation:violation_print", args=[v.pk]))
    assert r.text.count('class="copy"') == 3 and "违章整改通知书" in r.text
    for copy in ("业主联", "装修单位联", "存档联"):
        assert copy in r.text


def test_hot_work_needs_watcher_and_extinguisher_and_lead_approval(project, member, client_for):
    (app,) = active_in(project)
    permit = services.hot_work_request(
        application=app,
        location="厨房",
        work="电焊",
        starts_at=at(2036, 3, 10, 9),
        ends_at=at(2036, 3, 10, 11),
        operator_name="赵",
        fire_watcher="钱",
        extinguisher_checked=False,
        user=None,
    )
    with pytest.raises(InvalidTransition, match="灭火器"):
        services.hot_work_decide(permit=permit, approve=True, user=None)
    HotWorkPermit.objects.filter(pk=permit.pk).update(extinguisher_checked=True)
    url = reverse("renovation:hot_work_decide", args=[permit.pk])
    assert client_for(member("front_desk", project)).post(url, {"approve": "1"}).status_code == 403
    lead = client_for(member("security_lead", project))
    assert lead.post(url, {"approve": "1"}).status_code == 302
    assert HotWorkPermit.objects.get().state == "approved"
    with pytest.raises(InvalidTransition, match="结束时间"):
        services.hot_work_request(
            application=app,
            location="厨房",
            work="电焊",
            starts_at=at(2036, 3, 10, 9),
            ends_at=at(2036, 3, 10, 9),
            operator_name="赵",
            fire_watcher="钱",
            extinguisher_checked=True,
            user=None,
        )


def test_material_refusal_recorded(project, member, client_for):
    (app,) = active_in(project)
    c = client_for(member("security", project))
    r = c.post(
        reverse("renovation:material_refusal_add", args=[app.pk]),
        {"material": "乙炔气罐", "quantity": "1瓶", "carrier": "张", "reason": "未经动火审批"},
    )
    assert r.status_code == 302
    assert MaterialRefusal.objects.get().refused_by is not None
    assert "乙炔气罐" in c.get(app.get_absolute_url()).text


def test_violations_of_another_project_hidden(project, other_project, member, client_for):
    (mine,) = active_in(project)
    (theirs,) = active_in(other_project)
    serious(mine, description="本项目违章")
    v = serious(theirs, description="他项目违章")
    c = client_for(member("centre_head", project))
    r = c.get(reverse("renovation:violation_list"))
    assert f"-{mine.unit.number}<" in r.text and f"-{theirs.unit.number}<" not in r.text
    assert c.get(v.get_absolute_url()).status_code == 404
    assert c.get(reverse("renovation:violation_print", args=[v.pk])).status_code == 404
    r = c.post(reverse("renovation:violation_call", args=[v.pk, "owner"]), {"answer": "x"})
    assert r.status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_violation_list_query_count_is_bounded(
    project, member, client_for, rows, django_assert_max_num_queries
):
    for app in active_in(project, rows):
        serious(app)
    c = client_for(member("front_desk", project))
    with django_assert_max_num_queries(12):
        r = c.get(reverse("renovation:violation_list"), {"open": "true"})
    assert r.status_code == 200
