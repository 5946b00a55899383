"""Print view of a feedback case (R-DASH-3): the handling form signed on paper."""

import pytest
from django.urls import reverse

from feedback import services

pytestmark = pytest.mark.django_db


def test_repair_form_prints_two_copies_with_deadlines_and_signatures(
    project, customer, member, client_for, django_assert_max_num_queries
):
    desk = member("front_desk", project)
    case = services.case_create(
        project=project, kind="repair", subject="厨房水槽漏水", customer=customer, user=desk
    )
    client = client_for(desk)
    url = reverse("feedback:case_print", args=[case.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("报修处理单（") == 2
    assert "厨房水槽漏水" in page and case.number in page
    assert "转派期限" in page  # the 10-minute dispatch deadline is on the form
    assert "客户确认签字" in page
    assert url in client.get(case.get_absolute_url()).content.decode()


def test_case_print_is_scoped(project, other_project, customer, member, client_for):
    case = services.case_create(
        project=project,
        kind="complaint",
        complaint_category="other",
        subject="噪音",
        customer=customer,
    )
    client = client_for(member("front_desk", other_project))
    assert client.get(reverse("feedback:case_print", args=[case.pk])).status_code == 404
