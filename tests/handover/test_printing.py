"""Print views of the handover paper forms (R-DASH-3): content, scoping, bounded queries."""

import datetime

import pytest
from django.urls import reverse

from handover.models import NoticeKind, OccupantKind
from handover.services import inspections, moves, notices
from tests.handover.factories import make_batch, run_steps, sold_unit

pytestmark = pytest.mark.django_db


def test_handover_form_prints_two_copies_with_steps_fees_and_signatures(
    case, front_desk, client_for, django_assert_max_num_queries
):
    run_steps(case, front_desk, 5)
    client = client_for(front_desk)
    url = reverse("handover:case_print", args=[case.pk])
    with django_assert_max_num_queries(14):  # 14th: the signatures (handover_signatures)
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("交房确认单（") == 2  # the owner's copy and the archive's
    assert "业主联" in page and "存档联" in page
    assert "物业管理费" in page and str(case.fee_total) in page
    assert "业主签字" in page
    detail = client.get(case.get_absolute_url()).content.decode()
    assert url in detail  # the detail page links to it


def test_print_views_are_scoped_to_the_users_projects(case, member, other_project, client_for):
    outsider = member("front_desk", other_project)
    response = client_for(outsider).get(reverse("handover:case_print", args=[case.pk]))
    assert response.status_code == 404


def test_mock_inspection_record_lists_its_defects(project, member, client_for):
    engineer = member("engineering", project)
    batch = make_batch(project, units=1)
    unit = batch.units.first()
    inspection = inspections.inspection_start(
        batch=batch, unit=unit, round=1, user=engineer, inspected_on=datetime.date(2027, 5, 1)
    )
    inspections.defect_add(
        inspection=inspection,
        user=engineer,
        location="主卧",
        category="civil",
        description="墙面空鼓",
        responsible_unit="总包",
        deadline=datetime.date(2027, 5, 20),
    )
    response = client_for(engineer).get(reverse("handover:inspection_print", args=[inspection.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "墙面空鼓" in page and "物业验房人签字" in page


def test_move_in_form_and_notice_print(project, member, client_for):
    desk = member("front_desk", project)
    unit, _purchase = sold_unit(project)
    move_in = moves.movein_register(
        unit=unit,
        user=desk,
        occupant_kind=OccupantKind.OWNER,
        move_in_date=datetime.date(2027, 8, 1),
        identity_checked=True,
    )
    client = client_for(desk)
    page = client.get(reverse("handover:movein_print", args=[move_in.pk])).content.decode()
    assert "入住登记表" in page and "2027" in page and "入住人签字" in page
    notice = notices.notice_create(
        project=project,
        kind=NoticeKind.DESIGN_CHANGE,
        title="关于园林设计调整的通报",
        body="各位业主：园林方案调整如下。",
    )
    page = client.get(reverse("handover:notice_print", args=[notice.pk])).content.decode()
    assert "关于园林设计调整的通报" in page and "园林方案调整如下" in page
