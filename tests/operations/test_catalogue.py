import pytest

from operations.models import ServiceCategory, ServiceType

pytestmark = pytest.mark.django_db


def test_data_migration_creates_the_ten_default_services_in_three_categories():
    cats = {c.code: c for c in ServiceCategory.objects.all()}
    assert set(cats) == {"regular", "sales_support", "featured"}
    names = lambda code: set(  # noqa: E731
        ServiceType.objects.filter(category=cats[code], project__isnull=True).values_list(
            "name", flat=True
        )
    )
    assert names("regular") == {
        "形象展示",
        "车辆指引",
        "电瓶车接送",
        "迎宾指引",
        "茶饮提供",
        "样板房接待",
    }
    assert names("sales_support") == {"接待参观", "营销/招商会活动配合", "会议商务服务", "客户大使"}
    assert names("featured") == set()
    assert ServiceType.objects.filter(project__isnull=True).count() == 10


def test_centre_head_adds_a_featured_service_for_the_project(member, client_for, project):
    c = client_for(member("centre_head", project))
    featured = ServiceCategory.objects.get(code="featured")
    r = c.post(
        "/ops/services/new/",
        {
            "category": featured.pk,
            "project": project.pk,
            "name": "雨天送伞",
            "order": 10,
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    st = ServiceType.objects.get(name="雨天送伞")
    assert st.project == project and st.category == featured
    assert "雨天送伞" in c.get("/ops/services/").content.decode()


def test_front_desk_cannot_add_services(member, client_for, project):
    c = client_for(member("front_desk", project))
    assert c.get("/ops/services/new/").status_code == 403


def test_featured_service_of_another_project_is_not_listed(
    member, client_for, project, other_project
):
    featured = ServiceCategory.objects.get(code="featured")
    ServiceType.objects.create(category=featured, project=other_project, name="别人的服务")
    c = client_for(member("front_desk", project))
    page = c.get("/ops/services/").content.decode()
    assert "别人的服务" not in page and "迎宾指引" in page
