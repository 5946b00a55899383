"""Excel/CSV export of the feedback lists (R-DASH-3): warranty ledger, club events, ambassador
patrols, and the referral and repeat-purchase tables of the loyalty page (``&table=``). Filters
and project scope kept, every row, phones masked for roles that may not see them (R-X-5), a
fixed number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import AmbassadorPatrol, ClubEvent, Referral, RepeatPurchase
from tests import factories as f
from tests.exporting import column, counted_csv, csv_rows, shows_export_buttons, xlsx_rows

pytestmark = pytest.mark.django_db

# export URL (a list, or a table of the loyalty page) → a column naming the row
EXPORTS = {
    "/feedback/warranty/?format={fmt}": "部位/系统",
    "/feedback/club/events/?format={fmt}": "活动名称",
    "/feedback/patrols/?format={fmt}": "发现的问题",
    "/feedback/loyalty/?format={fmt}&table=referrals": "被推荐人",
    "/feedback/loyalty/?format={fmt}&table=repeats": "业主",
}
REFERRED_PHONE = "13712345678"


def fill(project, tag: str, n: int = 1):
    """n rows of every exported list in the project, their names ending with ``tag``."""
    today = timezone.localdate()
    building = f.BuildingFactory(project=project, name=f"{tag}幢")
    for i in range(n):
        services.warranty_item_create(
            project=project,
            name=f"外墙{tag}{i}",
            responsible_unit="某总包",
            starts_on=today - datetime.timedelta(days=700),
            ends_on=today + datetime.timedelta(days=30 + 100 * i),
        )
        event = ClubEvent.objects.create(
            project=project,
            title=f"活动{tag}{i}",
            starts_at=timezone.now(),
        )
        owner = f.CustomerFactory(project=project, name=f"业主{tag}{i}", is_club_member=True)
        services.club_event_register(event=event, customer=owner)
        AmbassadorPatrol.objects.create(
            project=project,
            building=building,
            patrolled_on=today,
            category="finish",
            finding=f"巡查{tag}{i}",
        )
        previous = f.PurchaseFactory(unit=f.UnitFactory(building=building), customer=owner)
        again = f.PurchaseFactory(unit=f.UnitFactory(building=building), customer=owner)
        Referral.objects.create(
            project=project,
            referrer=owner,
            referred_name=f"被推荐{tag}{i}",
            referred_phone=REFERRED_PHONE,
        )
        RepeatPurchase.objects.create(
            project=project, purchase=again, previous_purchase=previous, reward="九九折"
        )


@pytest.fixture
def lead(member, project, other_project):
    fill(project, "本")
    fill(other_project, "外")
    return member("cs_lead", project)


@pytest.mark.parametrize("url", EXPORTS)
def test_export_is_xlsx_and_csv_and_keeps_the_project_scope(
    lead, client_for, project, other_project, url
):
    c = client_for(lead)
    as_xlsx = xlsx_rows(c.get(url.format(fmt="xlsx")))
    as_csv = csv_rows(c.get(url.format(fmt="csv")))
    assert as_xlsx[0] == as_csv[0] and len(as_xlsx) == len(as_csv) == 2
    assert column(as_csv, "项目") == [project.name]
    assert column(as_csv, EXPORTS[url])[0].endswith("本0")
    assert shows_export_buttons(c.get(url.partition("?")[0]))


def test_loyalty_page_offers_each_table_and_still_exports_the_rates(lead, client_for, project):
    c = client_for(lead)
    page = c.get(reverse("feedback:loyalty")).content.decode()
    for table in ("referrals", "repeats"):
        assert f"?table={table}&amp;format=xlsx" in page
    rates = csv_rows(c.get(reverse("feedback:loyalty") + "?format=csv"))
    assert rates[0][0] == "项目" and "签约套数" in rates[0]
    repeats = csv_rows(c.get(reverse("feedback:loyalty") + "?format=csv&table=repeats"))
    assert column(repeats, "奖励") == ["九九折"]
    assert column(repeats, "以前购房项目") == [project.name]


def test_referral_phone_is_masked_for_roles_without_personal_data(
    lead, member, client_for, project
):
    url = reverse("feedback:loyalty") + "?format=csv&table=referrals"
    assert column(csv_rows(client_for(lead).get(url)), "被推荐人电话") == [REFERRED_PHONE]
    developer = client_for(member("dev_marketing_supervisor", project))
    assert column(csv_rows(developer.get(url)), "被推荐人电话") == ["137****5678"]
    security = client_for(member("security", project))
    assert security.get(url).status_code == 403  # no view_referral: no export either


def test_warranty_export_keeps_the_filters(lead, client_for, project, other_project):
    c = client_for(lead)
    fill(project, "二", n=2)  # the second item of "二" ends in 130 days: not expiring
    url = reverse("feedback:warranty_list") + "?format=csv"
    expiring = column(csv_rows(c.get(url + "&expiring=true")), "部位/系统")
    assert sorted(expiring) == ["外墙二0", "外墙本0"]
    assert column(csv_rows(c.get(url + f"&project={project.pk}")), "问题数") == ["0"] * 3
    assert csv_rows(c.get(url + f"&project={other_project.pk}"))[1:] == []


def test_club_event_export_counts_registrations_and_attendance(lead, client_for, project):
    attendee = ClubEvent.objects.get(project=project).attendees.get()
    services.club_event_mark_attended(attendee=attendee)
    rows = csv_rows(client_for(lead).get(reverse("feedback:club_event_list") + "?format=csv"))
    assert column(rows, "报名人数") == ["1"] and column(rows, "到场人数") == ["1"]


@pytest.mark.parametrize("url", EXPORTS)
def test_export_queries_do_not_grow_with_rows(lead, client_for, project, url):
    c = client_for(lead)
    url = url.format(fmt="csv")
    before, rows_before = counted_csv(c, url)
    fill(project, "多", n=6)
    after, rows_after = counted_csv(c, url)
    assert after == before <= 10
    assert len(rows_after) == len(rows_before) + 6
