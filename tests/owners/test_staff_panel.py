"""The staff customer page shows the owner's portal activity (issue 14, "Staff side"): last
login, whether access is disabled, and the owner-originated activity of the customer record
(owners.activity: survey links answered), in a bounded number of queries."""

import datetime
import secrets

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.models import CallbackTask, SurveyLink
from owners import activity
from owners.services import request_code, set_access, verify_code
from tests import factories as f

from .conftest import last_code

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"


def _links(customer, *, answered: int, open_: int = 0):
    """Survey links on callbacks of ``customer``: ``answered`` used ones, ``open_`` unused."""
    now = timezone.now()
    for i in range(answered + open_):
        task = CallbackTask.objects.create(
            project=customer.project,
            customer=customer,
            rule="repair",
            source_key=f"case:{secrets.token_hex(4)}",
            due_date="2026-03-01",
        )
        SurveyLink.objects.create(
            task=task,
            token_hash=secrets.token_hex(32),
            sent_to=customer.phone,
            expires_at=now + datetime.timedelta(days=14),
            used_at=(now - datetime.timedelta(hours=i)) if i < answered else None,
        )


def _page(client, customer):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("salesite:customer_detail", args=[customer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="owner-portal-panel"')
    return html[start : html.index("</form>", start) if "</form>" in html[start:] else None], ctx


def test_panel_shows_last_login_access_and_answered_survey_links(purchase, member, client_for):
    customer = purchase.customer
    staff = client_for(member("front_desk", purchase.unit.project))
    panel, _ctx = _page(staff, customer)
    assert "从未登录" in panel and "可登录" in panel
    assert "回访问卷" not in panel  # no link sent: no line

    now = timezone.now()
    request_code(mobile=MOBILE, ip="10.0.0.1", now=now)
    verify_code(mobile=MOBILE, code=last_code(MOBILE), ip="10.0.0.1", now=now)
    _links(customer, answered=2, open_=1)
    panel, _ctx = _page(staff, customer)
    local = timezone.localtime(now)
    assert local.strftime("%Y-%m-%d %H:%M") in panel  # the last login
    assert "回访问卷（短信链接）已填写</dt>" in panel
    assert '<dd class="col-sm-7">2 ' in panel and "已发送 3 份" in panel

    set_access(mobile=MOBILE, disabled=True, by=None, reason="手机遗失")
    panel, _ctx = _page(staff, customer)
    assert "已停用" in panel and "手机遗失" in panel


def test_another_customer_records_links_are_not_counted(purchase, member, client_for):
    other = f.PurchaseFactory(unit__project=purchase.unit.project).customer
    _links(other, answered=3)
    assert activity.customer_activity(purchase.customer) == []
    (line,) = activity.customer_activity(other)
    assert line.count == 3 and line.last_at is not None


def test_the_panel_query_count_does_not_grow_with_activity(purchase, member, client_for):
    customer = purchase.customer
    staff = client_for(member("front_desk", purchase.unit.project))
    _links(customer, answered=1)
    _page(staff, customer)  # warms the process's caches (content types) before counting
    _panel, few = _page(staff, customer)
    _links(customer, answered=12, open_=5)
    _panel, many = _page(staff, customer)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 40


def test_a_registered_provider_adds_its_line(purchase, member, client_for, monkeypatch):
    """The hook other parts of the portal use: a provider's line shows on the panel."""
    monkeypatch.setattr(activity, "_PROVIDERS", list(activity._PROVIDERS))

    @activity.register
    def portal_cases(customer):
        return activity.Activity(label="业主端报事", count=4)

    staff = client_for(member("front_desk", purchase.unit.project))
    panel, _ctx = _page(staff, purchase.customer)
    assert "业主端报事</dt>" in panel and '<dd class="col-sm-7">4</dd>' in panel


def test_the_panel_is_not_shown_to_an_owner(purchase):
    """The customer page is a staff URL: an owner session is sent to the staff login."""
    client = Client()
    client.post(reverse("owners:login"), {"mobile": MOBILE})
    client.post(reverse("owners:login_verify"), {"code": last_code(MOBILE)})
    response = client.get(reverse("salesite:customer_detail", args=[purchase.customer_id]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_panel_counts_the_owners_portal_cases(purchase, member, client_for):
    from feedback.models import Case
    from owners.selectors import load_owner
    from owners.services.cases import owner_case_submit

    customer = purchase.customer
    staff = client_for(member("front_desk", purchase.unit.project))
    panel, _ctx = _page(staff, customer)
    assert "业主端报事报修" not in panel  # none submitted: no line
    owner = load_owner(MOBILE)
    for text in ("厨房水龙头滴水", "卧室墙面开裂"):
        owner_case_submit(owner=owner, unit_id=purchase.unit_id, kind="repair", content=text)
    Case.objects.filter(content="卧室墙面开裂").update(owner_rating=5)
    panel, _ctx = _page(staff, customer)
    assert "业主端报事报修</dt>" in panel
    assert '<dd class="col-sm-7">2 ' in panel and "已评价 1 件" in panel
