"""Defect report (R-FB-11), patrols, contractor ranking (R-FB-4), referrals and repeat
purchases with rewards and rates (R-FB-12)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from feedback import selectors, services
from feedback.exceptions import DomainError
from feedback.models import AmbassadorPatrol, CallbackTask, Case, Referral, RewardRule
from tests import factories as f

from .conftest import sh

pytestmark = pytest.mark.django_db

D = datetime.date


def _by_cat(rows):
    return {r["category"].code: r for r in rows}


def test_defect_report_groups_by_category_and_source(project, other_project, customer):
    for cat in ["design", "build_quality", "build_quality", "other"]:
        services.case_create(
            project=project,
            kind="complaint",
            complaint_category=cat,
            subject="x",
            customer=customer,
            now=sh(2026, 2, 1, 9),
        )
    services.case_create(  # another quarter
        project=project,
        kind="complaint",
        complaint_category="design",
        subject="x",
        customer=customer,
        now=sh(2026, 4, 1, 9),
    )
    services.case_create(  # another project
        project=other_project,
        kind="complaint",
        complaint_category="design",
        subject="x",
        walk_in_name="路人",
        now=sh(2026, 2, 1, 9),
    )
    for rule in ["sales", "quality_1y", "residence_3m"]:
        CallbackTask.objects.create(
            project=project,
            customer=customer,
            rule=rule,
            source_key=rule,
            due_date=D(2026, 2, 1),
            status="reached",
            dissatisfied=True,
            completed_at=sh(2026, 2, 2, 9),
            score=2,
        )
    task = CallbackTask.objects.get(rule="sales")
    # The follow-up complaint of a dissatisfied callback is not counted a second time.
    services.case_create(
        project=project,
        kind="complaint",
        complaint_category="service",
        subject="回访不满意",
        customer=customer,
        source_callback=task,
        now=sh(2026, 2, 2, 9),
    )
    services.patrol_record(
        project=project,
        category="engineering",
        finding="井盖破损",
        area="北区",
        patrolled_on=D(2026, 3, 16),
    )
    rows = _by_cat(selectors.defect_report([project], year=2026, quarter=1))
    assert rows["design"]["complaints"] == 1
    eng = rows["engineering"]
    assert (eng["complaints"], eng["callbacks"], eng["patrols"], eng["total"]) == (2, 1, 1, 4)
    assert eng["mock_inspections"] == eng["rectifications"] == eng["hq_findings"] == 0
    assert rows["sales"]["callbacks"] == 1 and rows["sales"]["complaints"] == 0
    assert rows["service"]["complaints"] == 1 and rows["service"]["callbacks"] == 1
    assert AmbassadorPatrol.objects.get().half_month == "2026-03-下"


def test_patrol_needs_building_or_area(project):
    with pytest.raises(DomainError):
        services.patrol_record(project=project, category="design", finding="x")


def _repair_callback(project, contractor, score, *, dissatisfied=False, when=None):
    when = when or sh(2026, 2, 10, 9)
    customer = f.CustomerFactory(project=project)
    case = Case.objects.create(
        project=project,
        kind="repair",
        subject="x",
        customer=customer,
        received_at=when,
        repair_contractor=contractor,
    )
    return CallbackTask.objects.create(
        project=project,
        customer=customer,
        rule="repair",
        source_key=f"case:{case.pk}",
        case=case,
        due_date=when.date(),
        status="reached",
        score=Decimal(score),
        dissatisfied=dissatisfied,
        completed_at=when,
    )


def test_contractor_ranking_by_mean_repair_satisfaction(project, other_project):
    _repair_callback(project, "甲维修", "5")
    _repair_callback(project, "甲维修", "4")
    _repair_callback(project, "乙维修", "2", dissatisfied=True)
    _repair_callback(project, "丙维修", "4.5")
    _repair_callback(project, "丁维修", "1", when=sh(2026, 4, 2, 9))  # next quarter
    _repair_callback(other_project, "戊维修", "5")  # not visible
    rows = selectors.contractor_ranking([project], year=2026, quarter=1)
    assert [(r["rank"], r["contractor"]) for r in rows] == [
        (1, "甲维修"),
        (1, "丙维修"),
        (3, "乙维修"),
    ]
    assert rows[0]["count"] == 2 and rows[0]["mean"] == Decimal("4.50")
    assert rows[2]["dissatisfied"] == 1


def test_referral_signed_grants_fee_waiver_by_default(project, unit):
    referrer = f.PurchaseFactory(unit__building__project=project).customer
    referral = services.referral_record(project=project, referrer=referrer, referred_name="张三")
    new = f.PurchaseFactory(unit=unit, signed_on=D(2026, 2, 3))
    referral = services.referral_mark_signed(referral=referral, purchase=new)
    assert referral.status == "signed" and referral.signed_on == D(2026, 2, 3)
    assert referral.reward_rule.fee_waiver_months == 12
    assert "12 个月物业管理费" in referral.reward
    with pytest.raises(DomainError):
        services.referral_mark_signed(referral=referral, purchase=new)


def test_referrer_must_be_an_owner(project):
    with pytest.raises(DomainError):
        services.referral_record(
            project=project, referrer=f.CustomerFactory(project=project), referred_name="李四"
        )


def test_repeat_purchase_matched_by_id_number_with_configured_discount(project, other_project):
    first = f.PurchaseFactory(unit__building__project=other_project, signed_on=D(2020, 5, 1))
    again = f.PurchaseFactory(
        unit__building__project=project,
        customer__id_number=first.customer.id_number,
        signed_on=D(2026, 2, 1),
    )
    repeat = services.repeat_purchase_record(purchase=again)
    assert repeat.previous_purchase == first and repeat.discount_percent == Decimal("1.00")
    with pytest.raises(DomainError):
        services.repeat_purchase_record(purchase=again)
    # A configured rule replaces the default.
    RewardRule.objects.filter(kind="repeat").update(is_active=False)
    RewardRule.objects.create(kind="repeat", name="再购2%", discount_percent=Decimal("2"))
    third = f.PurchaseFactory(
        unit__building__project=project, customer=again.customer, signed_on=D(2026, 3, 1)
    )
    assert services.repeat_purchase_record(purchase=third).discount_percent == Decimal("2.00")
    with pytest.raises(DomainError):  # a first-time buyer
        services.repeat_purchase_record(purchase=f.PurchaseFactory(unit__building__project=project))


def test_referral_and_repeat_rates(project):
    purchases = [
        f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, i + 1))
        for i in range(4)
    ]
    owner = f.PurchaseFactory(unit__building__project=project, signed_on=D(2025, 1, 1)).customer
    referral = services.referral_record(project=project, referrer=owner, referred_name="王五")
    services.referral_mark_signed(referral=referral, purchase=purchases[0])
    old = f.PurchaseFactory(signed_on=D(2019, 1, 1))
    repeat = f.PurchaseFactory(
        unit__building__project=project,
        customer__id_number=old.customer.id_number,
        signed_on=D(2026, 3, 1),
    )
    services.repeat_purchase_record(purchase=repeat)
    (row,) = selectors.loyalty_rates([project], year=2026, quarter=1)
    assert row["signed"] == 5 and row["referred"] == 1 and row["repeat"] == 1
    assert row["referral_rate"] == Decimal("20.00") and row["repeat_rate"] == Decimal("20.00")


def test_loyalty_pages_flow(project, member, client_for, unit):
    desk = client_for(member("front_desk", project))
    owner = f.PurchaseFactory(unit__building__project=project).customer
    r = desk.post(
        reverse("feedback:referral_create"),
        {"project": project.pk, "referrer_phone": owner.phone, "referred_name": "赵六"},
    )
    assert r.status_code == 302
    referral = Referral.objects.get()
    new = f.PurchaseFactory(unit=unit)
    r = desk.post(
        reverse("feedback:referral_sign", args=[referral.pk]),
        {"building": unit.building.pk, "unit_number": unit.number},
    )
    assert r.status_code == 302
    referral.refresh_from_db()
    assert referral.purchase == new
    page = desk.get(reverse("feedback:loyalty"), {"year": 2026, "quarter": 1})
    assert "赵六" in page.content.decode()


def test_denials_and_scoping(project, other_project, member, client_for):
    security = client_for(member("security", project))
    for name in [
        "defect_report",
        "loyalty",
        "referral_create",
        "repeat_purchase_create",
        "patrol_create",
    ]:
        assert security.get(reverse(f"feedback:{name}")).status_code == 403, name
    theirs = services.referral_record(
        project=other_project,
        referrer=f.PurchaseFactory(unit__building__project=other_project).customer,
        referred_name="外人",
    )
    desk = client_for(member("front_desk", project))
    assert desk.get(reverse("feedback:referral_sign", args=[theirs.pk])).status_code == 404
    assert "外人" not in desk.get(reverse("feedback:loyalty")).content.decode()


def test_ambassador_records_patrol_in_browser(project, member, client_for):
    amb = member("customer_ambassador", project)
    c = client_for(amb)
    r = c.post(
        reverse("feedback:patrol_create"),
        {
            "project": project.pk,
            "patrolled_on": "2026-03-02",
            "area": "南门",
            "category": "service",
            "finding": "保安缺岗",
        },
    )
    assert r.status_code == 302
    assert AmbassadorPatrol.objects.get().ambassador == amb
    assert "保安缺岗" in c.get(reverse("feedback:patrol_list")).content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_report_pages_queries_bounded(n, member, client_for, django_assert_max_num_queries):
    projects = [f.ProjectFactory() for _ in range(n)]
    inspector = member("hq_inspector", projects[0])
    for p in projects[:3]:
        _repair_callback(p, f"单位{p.pk}", "4")
        services.patrol_record(
            project=p, category="design", finding="x", area="a", patrolled_on=D(2026, 2, 1)
        )
    lead = member("cs_lead", projects[0])
    c, cl = client_for(inspector), client_for(lead)
    for client, name, bound in [
        (c, "defect_report", 18),  # six defect sources, one or two queries each
        (c, "contractor_ranking", 15),
        (c, "patrol_list", 15),
        (cl, "loyalty", 16),
    ]:
        with django_assert_max_num_queries(bound):
            r = client.get(reverse(f"feedback:{name}"), {"year": 2026, "quarter": 1})
        assert r.status_code == 200, name


def test_half_month_patrol_missing(project, member):
    from feedback.models import AmbassadorAssignment

    amb = member("customer_ambassador", project)
    lead = member("cs_lead", project)
    AmbassadorAssignment.objects.create(project=project, user=amb, area="北区")
    assert selectors.half_month_bounds(D(2026, 2, 20)) == (D(2026, 2, 16), D(2026, 3, 1))
    assert selectors.half_month_bounds(D(2026, 12, 31)) == (D(2026, 12, 16), D(2027, 1, 1))
    assert [a.user for a in selectors.patrols_missing(lead, today=D(2026, 3, 10))] == [amb]
    services.patrol_record(
        project=project,
        category="service",
        finding="x",
        area="北区",
        user=amb,
        patrolled_on=D(2026, 3, 2),
    )
    assert not selectors.patrols_missing(lead, today=D(2026, 3, 10)).exists()
    assert selectors.patrols_missing(lead, today=D(2026, 3, 16)).exists()
