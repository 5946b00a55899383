"""Print views of the renovation paper forms (R-DASH-3): the application with its approval
sheet, the agreement with the fees paid, the completion inspection sheet."""

import pytest
from django.urls import reverse
from django.utils import timezone

from renovation import services

pytestmark = pytest.mark.django_db


def test_application_form_shows_the_reviews_and_the_signature_lines(
    approved_app, member, client_for, django_assert_max_num_queries
):
    app = approved_app(contractor_name="匠心装饰")
    desk = member("front_desk", app.project)
    client = client_for(desk)
    url = reverse("renovation:application_print", args=[app.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "装修申请表" in page and "匠心装饰" in page
    assert "工程部" in page and "通过" in page  # both heads approved
    assert "业主签字" in page
    assert url in client.get(app.get_absolute_url()).content.decode()


def test_agreement_prints_two_copies_with_the_fees(paid_app, member, client_for):
    app = paid_app()
    client = client_for(member("front_desk", app.project))
    page = client.get(reverse("renovation:agreement_print", args=[app.pk])).content.decode()
    assert page.count("装修管理服务协议（") == 2
    assert f"R{app.pk}" in page  # the receipt number
    assert "禁止安装外窗防护栏" in page


def test_agreement_and_completion_print_404_before_they_exist(ready_app, member, client_for):
    app = ready_app()
    client = client_for(member("front_desk", app.project))
    assert client.get(reverse("renovation:agreement_print", args=[app.pk])).status_code == 404
    assert client.get(reverse("renovation:completion_print", args=[app.pk])).status_code == 404


def test_completion_sheet_records_each_round(active_app, member, client_for):
    app = active_app()
    inspection = services.completion_apply(
        application=app, agreed_date=timezone.localdate(), user=None
    )
    services.completion_inspect(
        inspection=inspection,
        engineering_ok=False,
        security_ok=True,
        problems="卫生间防水未做闭水试验",
        rectification="补做闭水试验 48 小时",
        user=None,
    )
    client = client_for(member("engineering", app.project))
    page = client.get(reverse("renovation:completion_print", args=[app.pk])).content.decode()
    assert "卫生间防水未做闭水试验" in page and "不合格" in page


def test_print_views_are_scoped(paid_app, member, other_project, client_for):
    app = paid_app()
    client = client_for(member("front_desk", other_project))
    for name in ("application_print", "agreement_print"):
        assert client.get(reverse(f"renovation:{name}", args=[app.pk])).status_code == 404
