"""Races on create forms and imports (issue #12, items 9 and 10).

A create form carries a one-time token (``salesite.once``): a resubmission of the same form,
one after the other or at the same moment, creates one record and answers with the first one's
page. Two different forms creating the same unique value at the same moment: the second gets
the form back with the field's error, not a 500 (``salesite.integrity``)."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from salesite import forms as core_forms
from salesite import once
from salesite.integrity import FAILED, save_or_form_error
from salesite.models import Customer, FormToken
from tests import factories as f
from tests.salesite.test_forms import GOOD_ID, customer_data

pytestmark = pytest.mark.django_db
ALREADY = "该表单已提交，未重复创建。"
DUPLICATE_ID = "本项目已有相同证件号码的客户。"


def create_page_token(client) -> str:
    form = client.get(reverse("salesite:customer_create")).context["form"]
    token = form[once.FIELD].value()
    assert once.TOKEN_PATTERN.match(token)
    return token


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_create_form_renders_a_fresh_token_each_time(member, client_for, project):
    client = client_for(member("front_desk", project))
    first = create_page_token(client)
    assert first != create_page_token(client)
    edit_form = core_forms.CustomerForm(instance=f.CustomerFactory(project=project))
    assert once.FIELD not in edit_form.fields  # an edit form has none


def test_resubmitting_the_same_form_creates_one_record(member, client_for, project):
    client = client_for(member("front_desk", project))
    data = {**customer_data(project), once.FIELD: create_page_token(client)}
    first = client.post(reverse("salesite:customer_create"), data)
    customer = Customer.objects.get()
    assert first.status_code == 302
    assert first["Location"] == customer.get_absolute_url()

    again = client.post(reverse("salesite:customer_create"), data, follow=True)
    assert Customer.objects.count() == 1
    assert again.redirect_chain == [(customer.get_absolute_url(), 302)]
    assert ALREADY in messages_of(again)
    assert FormToken.objects.get().result_url == customer.get_absolute_url()


def test_a_refused_form_releases_its_token(member, client_for, project):
    client = client_for(member("front_desk", project))
    token = create_page_token(client)
    bad = client.post(
        reverse("salesite:customer_create"),
        {**customer_data(project, phone="abc"), once.FIELD: token},
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    assert not FormToken.objects.exists()
    fixed = client.post(
        reverse("salesite:customer_create"), {**customer_data(project), once.FIELD: token}
    )
    assert fixed.status_code == 302
    assert Customer.objects.count() == 1


def test_a_post_without_a_token_still_creates(member, client_for, project):
    client = client_for(member("front_desk", project))
    response = client.post(reverse("salesite:customer_create"), customer_data(project))
    assert response.status_code == 302
    assert Customer.objects.count() == 1
    assert not FormToken.objects.exists()


def test_old_tokens_are_purged(member, project):
    from django.utils import timezone

    user = member("front_desk", project)
    old = FormToken.objects.create(token=once.new_token(), user=user)
    FormToken.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - once.KEEP_FOR - once.KEEP_FOR
    )
    fresh = FormToken.objects.create(token=once.new_token(), user=user)
    from salesite.tasks import form_tokens_purge

    assert form_tokens_purge.delay().get()["deleted"] == 1
    assert list(FormToken.objects.all()) == [fresh]


# --- a duplicate the database refuses becomes the form's error -----------------------------


def test_duplicate_refused_by_the_database_is_the_fields_error(project):
    """The sequential twin of the concurrent case: validation saw nothing (the duplicate
    arrived between is_valid() and save()), the INSERT fails: the field gets the error."""
    form = core_forms.CustomerForm(
        customer_data(project), projects=type(project).objects.filter(pk=project.pk)
    )
    assert form.is_valid()
    f.CustomerFactory(project=project, id_number=GOOD_ID)  # a concurrent request's row
    assert save_or_form_error(form, form.save) is FAILED
    assert form.errors["id_number"] == [DUPLICATE_ID]
    assert Customer.objects.filter(id_number=GOOD_ID).count() == 1


# --- concurrency on PostgreSQL -------------------------------------------------------------


def _post_together(clients, url, datas, slow_down, monkeypatch):
    """POST from several threads at once; the create is slowed down so that they overlap."""
    original = core_forms.CustomerForm.save

    def slow_save(self, *args, **kwargs):
        saved = original(self, *args, **kwargs)
        time.sleep(slow_down)  # still in the transaction: the other request must wait
        return saved

    monkeypatch.setattr(core_forms.CustomerForm, "save", slow_save)
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i):
        try:
            barrier.wait()
            results[i] = clients[i].post(url, datas[i])
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_posts_of_one_form_create_one_record(member, project, monkeypatch):
    user = member("front_desk", project)
    clients = [Client(raise_request_exception=False) for _ in range(2)]
    for c in clients:
        c.force_login(user)
    token = create_page_token(clients[0])
    data = {**customer_data(project), once.FIELD: token}
    results = _post_together(
        clients, reverse("salesite:customer_create"), [data, data], 0.5, monkeypatch
    )
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    customer = Customer.objects.get()
    assert {r["Location"] for r in results} == {customer.get_absolute_url()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_creates_of_one_id_number_give_a_form_error(member, project, monkeypatch):
    user = member("front_desk", project)
    clients = [Client(raise_request_exception=False) for _ in range(2)]
    for c in clients:
        c.force_login(user)
    datas = [
        {**customer_data(project, name=name), once.FIELD: create_page_token(clients[0])}
        for name in ("甲", "乙")
    ]
    results = _post_together(clients, reverse("salesite:customer_create"), datas, 0.5, monkeypatch)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert statuses == [200, 302]
    refused = next(r for r in results if r.status_code == 200)
    assert refused.context["form"].errors["id_number"] == [DUPLICATE_ID]
    assert Customer.objects.filter(id_number=GOOD_ID).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicate_in_a_hand_written_create_view_is_a_form_error(
    member, project, monkeypatch
):
    """ops:area_create saves its ModelForm itself: the middleware runs it again after the
    IntegrityError, and its validation names the duplicate."""
    from operations import forms as ops_forms
    from operations.models import SiteArea

    user = member("centre_head", project)
    clients = [Client(raise_request_exception=False) for _ in range(2)]
    for c in clients:
        c.force_login(user)
    url = reverse("ops:area_create")
    page = clients[0].get(url)
    assert page.status_code == 200, page.status_code
    original = ops_forms.SiteAreaForm.save

    def slow_save(self, *args, **kwargs):
        saved = original(self, *args, **kwargs)
        time.sleep(0.5)
        return saved

    monkeypatch.setattr(ops_forms.SiteAreaForm, "save", slow_save)
    datas = [
        {
            "project": project.pk,
            "name": "接待区",
            "kind": page.context["form"].fields["kind"].choices[-1][0],
            "order": 1,
            once.FIELD: once.new_token(),
        }
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(i):
        try:
            barrier.wait()
            results[i] = clients[i].post(url, datas[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.status_code for r in results) == [200, 302]
    refused = next(r for r in results if r.status_code == 200)
    assert refused.context["form"].errors
    assert SiteArea.objects.filter(project=project, name="接待区").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_imports_of_one_new_building_both_succeed(project, monkeypatch):
    """The second import waits for the first (a lock on the project) and finds its building,
    units and customers, instead of failing on their unique constraints (a 500 before)."""
    from salesite import imports
    from salesite.models import Building, ImportBatch
    from tests.salesite.test_imports import GOOD_ROWS, csv_bytes, upload

    content = csv_bytes(GOOD_ROWS)
    original = Building.objects.create
    barrier = threading.Barrier(2)
    results = [None, None]

    def slow_create(*args, **kwargs):
        building = original(*args, **kwargs)
        time.sleep(0.5)  # the other import is now between its read and its insert
        return building

    monkeypatch.setattr(Building.objects, "create", slow_create)

    def run(i):
        try:
            barrier.wait()
            results[i] = imports.import_register(
                project=project, uploaded=upload("register.csv", content)
            )
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [getattr(r, "status", r) for r in results] == [ImportBatch.Status.IMPORTED] * 2
    buildings = {row[0] for row in GOOD_ROWS}  # the first column is the building
    assert Building.objects.filter(project=project).count() == len(buildings)


def test_double_submitted_feedback_case_creates_one_case(member, client_for, project):
    """The issue's probe: a case registered at the front desk, the form sent twice."""
    from feedback.models import Case

    client = client_for(member("front_desk", project))
    page = client.get(reverse("feedback:case_create"))
    assert page.status_code == 200
    data = {
        "project": project.pk,
        "kind": "visit",
        "channel": "visit",
        "walk_in_name": "张三",
        "subject": "咨询交房时间",
        once.FIELD: page.context["form"][once.FIELD].value(),
    }
    first = client.post(reverse("feedback:case_create"), data)
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    second = client.post(reverse("feedback:case_create"), data, follow=True)
    assert Case.objects.count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert ALREADY in messages_of(second)
