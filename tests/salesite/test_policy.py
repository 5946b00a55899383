"""Issue 20 item 1: the service policy — SPEC defaults, project over company, validation, the
resolver's query count and the admin's recompute action."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback
from feedback.models import Case, CaseStatus
from salesite.models import Company, ServicePolicy
from salesite.models.policy import DEFAULTS
from salesite.policy import DEFAULT_POLICY, policies_for, policy_for, projects_covered
from tests import factories as f

pytestmark = pytest.mark.django_db

# The SPEC figures, written out here so that a changed default fails this test.
SPEC = {
    "dispatch_minutes": 10,  # R-FB-2/R-FB-4: forwarded/dispatched within 10 minutes
    "answer_hours": 24,  # R-FB-2: answered within 1 day
    "review_working_days": 1,  # R-REN-2: review within 1 working day
    "refund_wait_months": 3,  # R-REN-8: refund from 3 months after completion acceptance
    "prepaid_months": 6,  # R-HO-4 (5): six months prepaid
    "warranty_notice_months": 2,  # R-FB-7: 2 months before an item expires
    "warranty_response_days": 15,  # the responsible unit's answer time (code before #20)
    "milestone_reminder_days": 7,  # R-HO-1/R-JOB-2 reminder lead (code before #20)
}


def test_defaults_are_the_spec_figures(project):
    assert DEFAULTS == SPEC
    assert DEFAULT_POLICY.values() == SPEC
    assert ServicePolicy().values == SPEC
    # A property company gets its row with the defaults when it is created.
    row = ServicePolicy.objects.get(company=project.property_company, project=None)
    assert row.values == SPEC
    assert policy_for(project).values() == SPEC
    assert policy_for(project).source == "company"


def test_only_property_subsidiaries_get_a_row():
    f.HQFactory()
    f.DeveloperCityFactory()
    f.CompanyFactory(kind=Company.Kind.SERVICE_CENTRE)
    sub = f.SubsidiaryFactory()
    assert list(ServicePolicy.objects.values_list("company_id", flat=True)) == [sub.pk]
    sub.save()  # saving again creates nothing twice
    assert ServicePolicy.objects.count() == 1


def test_no_row_falls_back_to_defaults(project):
    ServicePolicy.objects.all().delete()
    assert policy_for(project) == DEFAULT_POLICY


def test_project_row_beats_company_row(project_a, sibling_of_a, project_b):
    ServicePolicy.objects.filter(company=project_a.property_company).update(dispatch_minutes=20)
    ServicePolicy.objects.create(
        company=project_a.property_company, project=project_a, dispatch_minutes=30
    )
    assert policy_for(project_a).dispatch_minutes == 30
    assert policy_for(project_a).source == "project"
    assert policy_for(sibling_of_a).dispatch_minutes == 20
    assert policy_for(project_b).dispatch_minutes == 10
    many = policies_for([project_a, sibling_of_a, project_b])
    assert {pid: p.dispatch_minutes for pid, p in many.items()} == {
        project_a.pk: 30,
        sibling_of_a.pk: 20,
        project_b.pk: 10,
    }
    assert policies_for([project_a.pk, project_b.pk])[project_a.pk].dispatch_minutes == 30
    # The company row covers its projects without a row of their own.
    company_row = ServicePolicy.objects.get(company=project_a.property_company, project=None)
    assert projects_covered(company_row) == [sibling_of_a.pk]


def test_policy_for_is_one_query(project_a, sibling_of_a, project_b, django_assert_num_queries):
    ServicePolicy.objects.create(company=project_a.property_company, project=project_a)
    with django_assert_num_queries(1):
        policy_for(project_a)
    with django_assert_num_queries(1):
        policy_for(project_b)
    with django_assert_num_queries(1):
        policies_for([project_a, sibling_of_a, project_b])


@pytest.mark.parametrize("value", [0, -5])
def test_zero_and_negative_refused_in_chinese(project, value):
    row = ServicePolicy.objects.get(company=project.property_company)
    row.dispatch_minutes = value
    with pytest.raises(ValidationError) as err:
        row.full_clean()
    assert "须为正整数" in str(err.value.message_dict["dispatch_minutes"])


def test_project_must_belong_to_the_company(project_a, project_b):
    row = ServicePolicy(company=project_b.property_company, project=project_a)
    with pytest.raises(ValidationError) as err:
        row.full_clean()
    assert "项目不属于所选物业公司" in str(err.value.message_dict["project"])


@pytest.fixture
def admin_client(client_for):
    return client_for(f.UserFactory(is_staff=True, is_superuser=True))


def test_admin_refuses_zero_with_a_chinese_message(admin_client, project):
    row = ServicePolicy.objects.get(company=project.property_company)
    data = {
        "company": row.company_id,
        "project": "",
        "note": "",
        **{**SPEC, "dispatch_minutes": 0},
    }
    url = reverse("admin:salesite_servicepolicy_change", args=[row.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "须为正整数" in response.content.decode()
    row.refresh_from_db()
    assert row.dispatch_minutes == 10


def test_admin_pages_and_group(admin_client, project):
    assert admin_client.get(reverse("admin:salesite_servicepolicy_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:salesite_servicepolicy_changelist") + "?scope=project")
    ).status_code == 200
    assert admin_client.get(reverse("admin:salesite_servicepolicy_add")).status_code == 200
    from salesite.admin_site import CONFIGURATION_GROUPS

    group = dict(CONFIGURATION_GROUPS)
    rules = next(v for k, v in group.items() if str(k) == "服务规则、节点计划与回访规则")
    assert rules[0] == "salesite.ServicePolicy"


def _request(project, at):
    return feedback.case_create(
        project=project,
        kind="request",
        subject="门禁卡",
        walk_in_name="张三",
        now=at,
    )


def test_recompute_action_reports_changes_and_leaves_closed_items(admin_client, project):
    t0 = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 0))
    waiting = _request(project, t0)
    closed = _request(project, t0)
    Case.objects.filter(pk=closed.pk).update(
        status=CaseStatus.CLOSED, reply="已答复", replied_at=t0, closed_at=t0
    )
    row = ServicePolicy.objects.get(company=project.property_company)
    row.dispatch_minutes, row.answer_hours = 30, 48
    row.save()
    # The change alone moves nothing.
    waiting.refresh_from_db()
    assert waiting.dispatch_due == t0 + datetime.timedelta(minutes=10)

    response = admin_client.post(
        reverse("admin:salesite_servicepolicy_changelist"),
        {"action": "recompute_open_items", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "变更 2 处" in page
    assert f"{waiting.number} 转派期限 2026-05-04 09:10 → 2026-05-04 09:30" in page
    assert f"{waiting.number} 答复期限" in page
    assert closed.number not in page
    waiting.refresh_from_db()
    assert waiting.dispatch_due == t0 + datetime.timedelta(minutes=30)
    assert waiting.answer_due == t0 + datetime.timedelta(hours=48)
    assert waiting.rule_values == {"dispatch_minutes": 30, "answer_hours": 48}
    closed_after = Case.objects.get(pk=closed.pk)
    assert closed_after.dispatch_due == closed.dispatch_due
    assert closed_after.rule_values == {"dispatch_minutes": 10, "answer_hours": 24}

    # A second run changes nothing.
    response = admin_client.post(
        reverse("admin:salesite_servicepolicy_changelist"),
        {"action": "recompute_open_items", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "变更 0 处" in response.content.decode()


def test_data_migration_creates_rows_for_existing_companies(project_a, project_b):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("salesite.migrations.0011_policy_service_policy")
    ServicePolicy.objects.all().delete()
    migration.create_company_rows(apps, None)
    migration.create_company_rows(apps, None)  # a second run adds nothing
    rows = ServicePolicy.objects.order_by("company_id")
    assert [r.company_id for r in rows] == sorted(
        [project_a.property_company_id, project_b.property_company_id]
    )
    assert all(r.values == SPEC for r in rows)
    assert migration.SPEC_DEFAULTS == SPEC
