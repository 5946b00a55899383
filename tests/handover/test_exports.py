"""Excel/CSV export of every handover list and of the tables of a notice and an open day
(R-DASH-3): filters and project scope kept, every row, owners' phones masked for roles that may
not see them (R-X-5), a fixed number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse

from handover import services
from handover.models import NoticeKind, ProgressNotice, SiteOpenDay
from handover.services import inspections, moves, notices
from tests import factories as f
from tests.exporting import column, counted_csv, csv_rows, shows_export_buttons, xlsx_rows
from tests.handover.factories import FeeItemFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "handover:batch_list",
    "handover:case_list",
    "handover:notice_list",
    "handover:openday_list",
    "handover:movein_list",
    "handover:release_list",
    "handover:inspection_list",
]
ITEMS = [{"name": "沙发", "quantity": 2}]


def fill(project, tag: str, n: int = 1):
    """n sold units in a new batch of the project, each with a handover case, a first mock
    inspection, a move-in and an item release; a sent notice and an open day with invitations."""
    FeeItemFactory(project=project)
    building = f.BuildingFactory(project=project, name=f"{tag}幢")
    units = [f.UnitFactory(building=building) for _ in range(n)]
    for unit in units:
        f.PurchaseFactory(unit=unit)
    batch = services.batch_create(
        project=project,
        name=f"批次{tag}",
        planned_delivery_date=datetime.date(2027, 6, 30),
        buildings=[building],
    )
    for unit in units:
        services.case_start(unit=unit, user=None)
        inspections.inspection_start(
            batch=batch, unit=unit, round=1, user=None, inspected_on=datetime.date(2027, 5, 1)
        )
        moves.movein_register(
            unit=unit,
            user=None,
            occupant_kind="owner",
            move_in_date=datetime.date(2027, 8, 1),
            identity_checked=True,
        )
        moves.release_create(
            unit=unit,
            user=None,
            carrier_kind="owner",
            carrier_name=f"携带人{tag}",
            carrier_phone="13912345678",
            items=ITEMS,
            reason="temporary",
        )
    for i in range(n):
        notice = notices.notice_create(
            project=project, kind=NoticeKind.DESIGN_CHANGE, title=f"通报{tag}-{i}", body="b"
        )
        notices.notice_send(notice=notice, user=None)
        day = SiteOpenDay.objects.create(
            project=project, title=f"开放日{tag}-{i}", held_on=datetime.date(2027, 3, 1)
        )
        notices.openday_invite(open_day=day, user=None)
    return batch


@pytest.fixture
def world(member, project, other_project):
    desk = member("front_desk", project)
    fill(project, "本")
    fill(other_project, "外")
    return {"desk": desk}


@pytest.mark.parametrize("name", LISTS)
def test_export_is_xlsx_and_csv_and_keeps_the_project_scope(
    world, client_for, project, other_project, name
):
    c = client_for(world["desk"])
    url = reverse(name)
    as_xlsx = xlsx_rows(c.get(url + "?format=xlsx"))
    as_csv = csv_rows(c.get(url + "?format=csv"))
    assert as_xlsx[0] == as_csv[0] and len(as_xlsx) == len(as_csv) > 1
    assert set(column(as_csv, "项目")) == {project.name}
    assert shows_export_buttons(c.get(url))


def test_exports_keep_the_filters(world, client_for, project):
    c = client_for(world["desk"])
    second = fill(project, "二")
    batches = csv_rows(c.get(reverse("handover:batch_list") + "?format=csv&name=二"))
    assert column(batches, "批次") == [second.name]
    cases = csv_rows(c.get(reverse("handover:case_list") + f"?format=csv&batch={second.pk}"))
    assert column(cases, "楼栋") == ["二幢"]
    assert column(cases, "已完成步骤") == ["0/9"]
    found = csv_rows(c.get(reverse("handover:inspection_list") + f"?format=csv&batch={second.pk}"))
    assert column(found, "交付批次") == [second.name]
    assert csv_rows(c.get(reverse("handover:inspection_list") + "?format=csv&round=2"))[1:] == []
    kinds = csv_rows(c.get(reverse("handover:notice_list") + "?format=csv&kind=progress"))
    assert kinds[1:] == []


def test_release_export_masks_the_carrier_phone_for_roles_without_personal_data(
    world, member, client_for, project
):
    url = reverse("handover:release_list") + "?format=csv"
    full = csv_rows(client_for(world["desk"]).get(url))
    assert column(full, "携带人电话") == ["13912345678"]
    assert column(full, "放行物品") == ["沙发 × 2"]
    masked = csv_rows(client_for(member("security", project)).get(url))
    assert column(masked, "携带人电话") == ["139****5678"]
    assert csv_rows(client_for(world["desk"]).get(url + "&flagged=1"))[1:] == []


def test_notice_and_open_day_tables_export_with_masked_phones(world, member, client_for, project):
    notice = ProgressNotice.objects.get(project=project)
    day = SiteOpenDay.objects.get(project=project)
    phone = notice.recipients.get().phone
    desk = client_for(world["desk"])
    guard = client_for(member("security", project))
    for url in (notice.get_absolute_url(), day.get_absolute_url()):
        assert shows_export_buttons(desk.get(url))
        assert column(csv_rows(desk.get(url + "?format=csv")), "手机") == [phone]
        masked = column(xlsx_rows(guard.get(url + "?format=xlsx")), "手机")
        assert masked == [phone[:3] + "****" + phone[-4:]]
    outsider = client_for(member("front_desk", f.ProjectFactory()))
    assert outsider.get(notice.get_absolute_url() + "?format=csv").status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_export_queries_do_not_grow_with_rows(world, client_for, project, name):
    c = client_for(world["desk"])
    url = reverse(name) + "?format=csv"
    before, rows_before = counted_csv(c, url)
    fill(project, "多", n=6)
    after, rows_after = counted_csv(c, url)
    assert after == before <= 10
    assert len(rows_after) > len(rows_before)
