"""Move-in (R-HO-6) and item release (R-HO-7)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from handover.models import ItemRelease, MoveIn, OccupantKind
from handover.services import moves
from salesite.exceptions import DomainError
from salesite.models import Notification
from tests import factories as f
from tests.handover.factories import sold_unit

pytestmark = pytest.mark.django_db

ITEMS = [{"name": "沙发", "quantity": 1}]
NOW = timezone.make_aware(datetime.datetime(2027, 8, 1, 10, 0))


@pytest.fixture
def unit(project):
    return sold_unit(project)[0]


def test_owner_move_in_notifies_departments_once(unit, project, member):
    security = member("security", project)
    cashier = member("cashier", project)
    desk = member("front_desk", project)
    with pytest.raises(DomainError, match="身份"):
        moves.movein_register(
            unit=unit,
            user=desk,
            occupant_kind=OccupantKind.OWNER,
            move_in_date=datetime.date(2027, 8, 1),
            identity_checked=False,
        )
    m = moves.movein_register(
        unit=unit,
        user=desk,
        occupant_kind=OccupantKind.OWNER,
        move_in_date=datetime.date(2027, 8, 1),
        identity_checked=True,
    )
    assert m.customer and m.departments_notified_at
    assert Notification.objects.filter(recipient__in=[security, cashier]).count() == 2
    assert not Notification.objects.filter(recipient=desk).exists()
    moves.movein_set_billing_start(move_in=m, billing_start=datetime.date(2027, 8, 1), user=cashier)
    m.refresh_from_db()
    assert m.billing_start == datetime.date(2027, 8, 1) and m.billing_marked_by == cashier


def test_tenant_needs_commitment_letter_and_lease(unit):
    tenant = f.TenantFactory(unit=unit, lease_received=True)
    kwargs = dict(
        unit=unit,
        user=None,
        occupant_kind=OccupantKind.TENANT,
        move_in_date=datetime.date(2027, 8, 1),
        identity_checked=True,
        tenant=tenant,
    )
    with pytest.raises(DomainError, match="承诺书"):
        moves.movein_register(**kwargs)
    assert not MoveIn.objects.exists()
    tenant.owner_commitment_received = True
    tenant.save()
    assert moves.movein_register(**kwargs).tenant == tenant


def test_moving_out_refused_unless_fees_settled(unit, member, project):
    kwargs = dict(
        unit=unit,
        user=None,
        carrier_kind="owner",
        carrier_name="业主",
        items=ITEMS,
        reason="moving_out",
        now=NOW,
    )
    with pytest.raises(DomainError, match="结清"):
        moves.release_create(**kwargs)
    moves.fee_status_record(unit=unit, outstanding=Decimal("120.50"), user=None)
    with pytest.raises(DomainError, match="结清"):
        moves.release_create(**kwargs)
    assert not ItemRelease.objects.exists()
    moves.fee_status_record(unit=unit, outstanding=Decimal("0"), user=None)
    assert moves.release_create(**kwargs).pk
    # a temporary release does not need settled fees
    other = sold_unit(project)[0]
    assert moves.release_create(**{**kwargs, "unit": other, "reason": "temporary"}).pk


def test_non_owner_needs_phone_confirmation_and_unreachable_owner_refuses(unit):
    base = dict(
        unit=unit,
        user=None,
        carrier_kind="nanny",
        carrier_name="阿姨",
        items=ITEMS,
        reason="temporary",
        now=NOW,
    )
    with pytest.raises(DomainError, match="联系不上"):
        moves.release_create(**base, owner_reachable=False)
    with pytest.raises(DomainError, match="核实"):
        moves.release_create(**base, owner_reachable=True, owner_agreed=True)
    with pytest.raises(DomainError, match="不同意"):
        moves.release_create(
            **base, owner_reachable=True, confirmed_at=NOW, confirmation_answer="不同意"
        )
    assert not ItemRelease.objects.exists()
    r = moves.release_create(
        **base,
        owner_reachable=True,
        confirmed_at=NOW,
        confirmation_answer="同意带走旧电视",
        owner_agreed=True,
    )
    assert r.confirmed_at == NOW and r.confirmation_answer == "同意带走旧电视"


def test_frequent_releases_flagged(unit, settings):
    settings.HANDOVER_RELEASE_FLAG_LIMIT = 3
    flags = []
    for i in range(5):
        r = moves.release_create(
            unit=unit,
            user=None,
            carrier_kind="owner",
            carrier_name="业主",
            items=ITEMS,
            reason="temporary",
            now=NOW + datetime.timedelta(days=i),
        )
        flags.append(r.flagged)
    assert flags == [False, False, False, True, True]
    later = moves.release_create(
        unit=unit,
        user=None,
        carrier_kind="owner",
        carrier_name="业主",
        items=ITEMS,
        reason="temporary",
        now=NOW + datetime.timedelta(days=40),
    )
    assert not later.flagged


def test_release_pages_print_two_copies_and_permissions(
    client_for, member, project, other_project, unit
):
    desk = client_for(member("front_desk", project))
    r = desk.post(
        reverse("handover:release_create"),
        {
            "building": unit.building_id,
            "number": unit.number,
            "carrier_kind": "owner",
            "carrier_name": "张业主",
            "items_text": "电脑 1\n纸箱 3",
            "reason": "moving_out",
        },
    )
    assert r.status_code == 200 and "结清" in r.content.decode()
    # only the cashier records the settlement
    data = {"building": unit.building_id, "number": unit.number, "outstanding": "0"}
    assert desk.post(reverse("handover:fee_status_edit"), data).status_code == 403
    cashier = client_for(member("cashier", project))
    assert cashier.post(reverse("handover:fee_status_edit"), data).status_code == 302
    r = desk.post(
        reverse("handover:release_create"),
        {
            "building": unit.building_id,
            "number": unit.number,
            "carrier_kind": "owner",
            "carrier_name": "张业主",
            "items_text": "电脑 1\n纸箱 3",
            "reason": "moving_out",
        },
    )
    assert r.status_code == 302
    release = ItemRelease.objects.get()
    assert release.items == [{"name": "电脑", "quantity": 1}, {"name": "纸箱", "quantity": 3}]
    printed = desk.get(reverse("handover:release_print", args=[release.pk])).content.decode()
    assert printed.count('class="copy"') == 2 and "存档联" in printed and "保安联" in printed
    assert "张业主" in desk.get(reverse("handover:release_list")).content.decode()
    other = client_for(member("front_desk", other_project))
    assert other.get(release.get_absolute_url()).status_code == 404
    assert "张业主" not in other.get(reverse("handover:release_list")).content.decode()


def test_move_in_pages(client_for, member, project, unit):
    desk = client_for(member("front_desk", project))
    r = desk.post(
        reverse("handover:movein_create"),
        {
            "building": unit.building_id,
            "number": unit.number,
            "occupant_kind": "owner",
            "identity_checked": "on",
            "move_in_date": "2027-08-01",
        },
    )
    assert r.status_code == 302
    m = MoveIn.objects.get()
    assert desk.post(m.get_absolute_url(), {"billing_start": "2027-08-01"}).status_code == 403
    cashier = client_for(member("cashier", project))
    assert cashier.post(m.get_absolute_url(), {"billing_start": "2027-08-02"}).status_code == 302
    m.refresh_from_db()
    assert m.billing_start == datetime.date(2027, 8, 2)
    assert desk.get(reverse("handover:movein_list")).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_release_and_movein_lists_bounded(
    client_for, member, project, django_assert_max_num_queries, n
):
    building = f.BuildingFactory(project=project)
    for _ in range(n):
        u = sold_unit(project, building=building)[0]
        moves.release_create(
            unit=u,
            user=None,
            carrier_kind="owner",
            carrier_name="x",
            items=ITEMS,
            reason="temporary",
        )
        moves.movein_register(
            unit=u,
            user=None,
            occupant_kind="owner",
            move_in_date=datetime.date(2027, 8, 1),
            identity_checked=True,
        )
    c = client_for(member("front_desk", project))
    c.get(reverse("handover:index"))
    with django_assert_max_num_queries(12):
        c.get(reverse("handover:release_list"))
    with django_assert_max_num_queries(12):
        c.get(reverse("handover:movein_list"))
