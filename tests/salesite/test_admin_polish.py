"""Issue 20 items 6 and 7: every admin of our apps can be searched and filtered, and the admin
home shows the configuration first, grouped, then the records by app, all in Chinese."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from salesite.admin_site import CONFIGURATION_GROUPS
from tests.factories import ProjectFactory, UserFactory

OUR_APPS = {"salesite", "operations", "communication", "handover", "renovation", "feedback"}

# Admins where a search box or a filter makes no sense, with the reason. Keep it small.
NO_FILTER = {
    "feedback.RepairQualitySetting": "a single row of settings",
    "feedback.RankingWeights": "a single row of settings",
}
NO_SEARCH = {
    "feedback.RepairQualitySetting": "a single row of settings",
    "feedback.RankingWeights": "a single row of settings",
}


def _our_admins():
    return sorted(
        (
            (model._meta.label, model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in OUR_APPS
        ),
        key=lambda row: row[0],
    )


OUR_ADMINS = _our_admins()


def test_every_admin_of_our_apps_has_search_and_filters():
    no_search = [
        label for label, _m, ma in OUR_ADMINS if not ma.search_fields and label not in NO_SEARCH
    ]
    no_filter = [
        label for label, _m, ma in OUR_ADMINS if not ma.list_filter and label not in NO_FILTER
    ]
    assert no_search == [], f"give these admins search_fields: {no_search}"
    assert no_filter == [], f"give these admins list_filter: {no_filter}"


def test_exemptions_are_registered_admins():
    labels = {label for label, _m, _ma in OUR_ADMINS}
    assert set(NO_FILTER) <= labels
    assert set(NO_SEARCH) <= labels


def _one_filter_query(model_admin, superuser):
    """The query string of one choice of the admin's first filter that has a choice."""
    request = RequestFactory().get("/")
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            query = choice["query_string"]
            if query not in ("?", "") and not choice.get("selected"):
                return query
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("label", [label for label, _m, _ma in OUR_ADMINS])
def test_changelist_answers_a_search_and_a_filter(client, label):
    model, model_admin = next((m, ma) for lbl, m, ma in OUR_ADMINS if lbl == label)
    ProjectFactory.create_batch(2)  # projects and companies for the related filters to offer
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    if model_admin.search_fields:
        assert client.get(url, {"q": "x"}).status_code == 200
    if model_admin.list_filter:
        query = _one_filter_query(model_admin, superuser)
        assert query, f"{label}: no filter offers a choice"
        response = client.get(url + query)
        assert response.status_code == 200, (label, query)
        assert "?e=" not in response.get("Location", ""), (label, query)


# --- the admin home -------------------------------------------------------------------------


def _index(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.context["app_list"]


@pytest.mark.django_db
def test_index_shows_the_configuration_groups_first_in_declared_order(client):
    app_list = _index(client, UserFactory(is_staff=True, is_superuser=True))
    declared = [str(name) for name, _labels in CONFIGURATION_GROUPS]
    shown = [str(app["name"]) for app in app_list]
    assert shown[: len(declared)] == declared
    assert all(app["is_configuration"] for app in app_list[: len(declared)])
    assert not any(app["is_configuration"] for app in app_list[len(declared) :])
    # the records follow by app, the service's own apps before the logs
    records = [app["app_label"] for app in app_list[len(declared) :]]
    assert records[0] == "salesite"
    assert records.index("feedback") < records.index("axes")


@pytest.mark.django_db
def test_every_registered_model_is_on_the_index_exactly_once(client):
    app_list = _index(client, UserFactory(is_staff=True, is_superuser=True))
    shown = [m["model"]._meta.label for app in app_list for m in app["models"]]
    registered = sorted(model._meta.label for model in admin.site._registry)
    assert sorted(shown) == registered


def test_every_declared_group_model_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    declared = [label for _name, labels in CONFIGURATION_GROUPS for label in labels]
    assert len(declared) == len(set(declared)), "a model is declared in two groups"
    assert set(declared) <= registered


@pytest.mark.django_db
def test_no_label_on_the_index_is_ascii_english(client):
    app_list = _index(client, UserFactory(is_staff=True, is_superuser=True))
    labels = [str(app["name"]) for app in app_list]
    labels += [str(m["name"]) for app in app_list for m in app["models"]]
    english = [label for label in labels if not re.search(r"[\u4e00-\u9fff]", label)]
    assert english == []


@pytest.mark.django_db
def test_index_page_renders_the_groups(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "组织与角色" in html and "登录保护" in html
    for english in (">Axes<", "Access attempt", "Audit log", ">Groups<", "Periodic tasks"):
        assert english not in html
    # the app pages keep working, with the Chinese section name
    page = client.get(reverse("admin:app_list", args=["axes"]))
    assert page.status_code == 200 and "登录保护" in page.content.decode()
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "登录保护" in changelist.content.decode()


@pytest.mark.django_db
def test_english_index_still_reads(client, settings):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


@pytest.mark.django_db
def test_staff_user_sees_only_the_groups_of_the_models_they_may_see(client):
    user = UserFactory(is_staff=True, is_superuser=False)
    user.user_permissions.add(
        Permission.objects.get(codename="view_communicationlevel"),
        Permission.objects.get(codename="view_case", content_type__app_label="feedback"),
    )
    app_list = _index(client, user)
    assert [str(app["name"]) for app in app_list] == ["沟通层级", "客户反馈"]
    assert [m["model"]._meta.label for app in app_list for m in app["models"]] == [
        "communication.CommunicationLevel",
        "feedback.Case",
    ]
