"""Request-level safety (issue 12, item 13): ``next`` is followed only within the site on every
view that redirects to it, and an oversized request body is refused before it is read."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from communication.models import CommunicationLevel
from salesite.models import Notification
from tests import factories as f
from tests.communication.factories import ProblemFactory

pytestmark = pytest.mark.django_db

EVIL = [
    "https://evil.example/",
    "//evil.example/path",
    "http://testserver.evil.example/",
    "/\\evil.example",
]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200


# --- next --------------------------------------------------------------------------------------


@pytest.fixture
def lead(member, project):
    member("centre_head", project)
    return member("cs_lead", project)


def problem_actions(project, lead):
    """(url, data) of every problem action that follows ``next``."""
    p = ProblemFactory(project=project, owner=lead)
    return {
        "resolve": (f"/communication/problems/{p.pk}/resolve/", {"resolution": "已解决"}, p),
        "escalate": (
            f"/communication/problems/{p.pk}/escalate/",
            {"to_level": CommunicationLevel.objects.get(code="weekly").pk, "reason": "需协调"},
            p,
        ),
        "escalate_now": (f"/communication/problems/{p.pk}/escalate-now/", {}, p),
        "reassign": (f"/communication/problems/{p.pk}/reassign/", {"owner": lead.pk}, p),
    }


@pytest.mark.parametrize("action", ["resolve", "escalate", "escalate_now", "reassign"])
@pytest.mark.parametrize("evil", EVIL)
def test_problem_actions_refuse_an_external_next(client_for, project, lead, action, evil):
    url, data, problem = problem_actions(project, lead)[action]
    response = client_for(lead).post(url, {**data, "next": evil})
    assert response.status_code == 302
    assert response.url == problem.get_absolute_url()


def test_problem_action_follows_a_local_next(client_for, project, lead):
    url, data, _problem = problem_actions(project, lead)["resolve"]
    response = client_for(lead).post(url, {**data, "next": "/communication/problems/?page=2"})
    assert response.url == "/communication/problems/?page=2"


@pytest.mark.parametrize("evil", EVIL)
def test_attachment_upload_refuses_an_external_next(
    member, client_for, project, evil, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    customer = f.CustomerFactory(project=project)
    ct = ContentType.objects.get_for_model(customer)
    c = client_for(member("front_desk", project))
    url = reverse("salesite:attachment_upload", args=[ct.pk, customer.pk])
    response = c.post(url, {"file": SimpleUploadedFile("图.png", PNG), "next": evil})
    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    local = c.post(url + "?next=/core/customers/", {"file": SimpleUploadedFile("图.png", PNG)})
    assert local.url == "/core/customers/"


@pytest.mark.parametrize("evil", EVIL)
def test_notification_link_is_followed_only_within_the_site(client_for, evil):
    user = f.UserFactory()
    note = Notification.objects.create(recipient=user, title="提醒", url=evil)
    response = client_for(user).post(reverse("salesite:inbox_read", args=[note.pk]), {"follow": 1})
    assert response.url == reverse("salesite:inbox")


@pytest.mark.parametrize("evil", EVIL)
def test_login_logout_and_language_refuse_an_external_next(client_for, evil):
    user = f.UserFactory(username="wangwu")
    login = Client().post(
        reverse("login"), {"username": "wangwu", "password": f.PASSWORD, "next": evil}
    )
    assert login.url == reverse("home")
    logout = client_for(user).post(reverse("logout"), {"next": evil})
    assert logout.url == reverse("login")
    language = Client().post(reverse("set_language"), {"language": "en", "next": evil})
    assert language.url == "/"


def test_https_site_refuses_a_next_that_drops_to_http(client_for, project, lead):
    url, data, problem = problem_actions(project, lead)["resolve"]
    response = client_for(lead).post(url, {**data, "next": "http://testserver/core/"}, secure=True)
    assert response.url == problem.get_absolute_url()


# --- request size -------------------------------------------------------------------------------


def test_an_oversized_body_is_refused_before_it_is_read(client_for, member, project, settings):
    settings.MAX_REQUEST_BYTES = 1000
    c = client_for(member("front_desk", project))
    response = c.post("/core/customers/new/", {"notes": "x" * 2000})
    assert response.status_code == 413
    html = response.content.decode()
    assert "上传内容过大" in html and "不能超过 1000 字节" in html.replace("\xa0", " ")
    assert not response.has_header("Connection")  # hop-by-hop: not the application's to send
    assert "default-src 'self'" in response["Content-Security-Policy"]
    # Within the limit the request goes on to the view.
    assert c.post("/core/customers/new/", {"notes": "x"}).status_code == 200


def test_the_limit_is_checked_on_the_declared_length_without_reading(settings):
    """A declared length over the limit is refused even when the body never comes."""
    settings.MAX_REQUEST_BYTES = 25 * 1024 * 1024
    response = Client().generic("POST", reverse("login"), b"", CONTENT_LENGTH=str(26 * 1024 * 1024))
    assert response.status_code == 413
    assert "不能超过 25.0 MB" in response.content.decode().replace("\xa0", " ")


def test_a_body_without_a_length_is_refused():
    response = Client().generic(
        "POST", reverse("login"), b"", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()


def test_a_malformed_length_is_refused():
    response = Client().generic("POST", reverse("login"), b"", CONTENT_LENGTH="12abc")
    assert response.status_code == 400


def test_default_limit_is_above_the_upload_limits():
    from django.conf import settings

    assert settings.MAX_REQUEST_BYTES == 25 * 1024 * 1024
    assert settings.MAX_REQUEST_BYTES > settings.ATTACHMENT_MAX_BYTES
    assert settings.MAX_REQUEST_BYTES > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    middleware = settings.MIDDLEWARE
    assert middleware.index("salesite.middleware.RequestSizeLimitMiddleware") < min(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
        middleware.index("django.middleware.csrf.CsrfViewMiddleware"),
    )
