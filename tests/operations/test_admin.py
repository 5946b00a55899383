import pytest
from django.apps import apps
from django.contrib import admin as django_admin

from operations import services
from operations.models import ServicePlan, SiteArea
from tests import factories as f

pytestmark = pytest.mark.django_db

OPS_MODELS = list(apps.get_app_config("operations").get_models())


def test_superuser_opens_every_operations_admin_page(client, project, make_plan, checklist):
    plan = make_plan(project)
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    registered = [m for m in OPS_MODELS if django_admin.site.is_registered(m)]
    assert len(registered) >= 11
    for model in registered:
        base = f"/admin/operations/{model._meta.model_name}/"
        r = client.get(base)
        assert r.status_code == 200, base
    assert client.get(f"/admin/operations/serviceplan/{plan.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/operations/inspectionchecklist/{checklist.pk}/change/").status_code
        == 200
    )


def test_staff_sees_only_their_projects_rows_and_filed_plans_are_read_only(
    member, client_for, project, other_project, make_plan
):
    SiteArea.objects.create(project=project, name="我的区域", kind="centre")
    SiteArea.objects.create(project=other_project, name="别人的区域", kind="centre")
    lead = member("cs_lead", project)
    lead.is_staff = True
    lead.save()
    lead.user_permissions.add(
        *__import__(
            "django.contrib.auth.models", fromlist=["Permission"]
        ).Permission.objects.filter(
            codename__in=["view_sitearea", "change_serviceplan", "view_serviceplan"]
        )
    )
    c = client_for(lead)
    page = c.get("/admin/operations/sitearea/").content.decode()
    assert "我的区域" in page and "别人的区域" not in page
    plan = make_plan(project, lead)
    hq = member("hq_inspector", project)
    services.plan_submit(plan=plan, user=lead)
    services.plan_file(plan=plan, user=hq)
    c.post(f"/admin/operations/serviceplan/{plan.pk}/change/", {"title": "改"})
    assert ServicePlan.objects.get(pk=plan.pk).title == "服务方案"


def test_the_old_admin_addresses_redirect_to_the_operations_app(client):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    r = client.get("/admin/salesite/serviceplan/7/change/?_changelist_filters=a%3D1")
    assert r.status_code == 301
    assert r["Location"].endswith(
        "/admin/operations/serviceplan/7/change/?_changelist_filters=a%3D1"
    )
    assert client.get("/admin/salesite/inspection/").status_code == 301
    assert client.get("/admin/salesite/customer/").status_code == 200  # core models stay
