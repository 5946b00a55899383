"""Login (R-X-1): Chinese pages and messages, throttling by django-axes, logout, and every
page behind the login."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def user(db):
    return f.UserFactory(username="zhangsan")


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_is_in_chinese():
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录 Salesite" in html
    assert "用户名" in html and "密码" in html


def test_login_page_stays_chinese_for_an_english_browser():
    html = Client().get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录 Salesite" in html


def test_wrong_password_message_in_chinese(user):
    response = login(Client(), "zhangsan", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确，请重新输入。" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_right_password_logs_in_and_redirects(user):
    c = Client()
    response = login(c, "zhangsan", f.PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(c.session["_auth_user_id"]) == user.pk
    assert c.get(reverse("home")).status_code == 200


def test_next_parameter_is_followed_only_within_the_site(user):
    c = Client()
    response = c.post(
        LOGIN, {"username": "zhangsan", "password": f.PASSWORD, "next": "/core/customers/"}
    )
    assert response.url == "/core/customers/"
    c = Client()
    response = c.post(
        LOGIN, {"username": "zhangsan", "password": f.PASSWORD, "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.url


def test_inactive_user_cannot_log_in(user):
    user.is_active = False
    user.save()
    response = login(Client(), "zhangsan", f.PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_five_failures_lock_the_account_on_that_ip_even_with_the_right_password(user):
    c = Client()
    for _ in range(5):
        login(c, "zhangsan", "wrong-password")
    response = login(c, "zhangsan", f.PASSWORD)
    assert response.status_code in (403, 429)
    html = response.content.decode()
    assert "登录失败次数过多" in html
    assert "_auth_user_id" not in c.session
    assert AccessAttempt.objects.get(username="zhangsan").failures_since_start >= 5
    # Another address is not locked: the pair (username, IP) is.
    other_ip = login(Client(), "zhangsan", f.PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


def test_four_failures_do_not_lock_and_success_resets(user):
    c = Client()
    for _ in range(4):
        login(c, "zhangsan", "wrong-password")
    assert login(c, "zhangsan", f.PASSWORD).status_code == 302
    c.post(reverse("logout"))
    for _ in range(4):
        login(c, "zhangsan", "wrong-password")
    assert login(c, "zhangsan", f.PASSWORD).status_code == 302


def test_logout(client_for, user):
    c = client_for(user)
    assert c.get(reverse("home")).status_code == 200
    response = c.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in c.session
    assert c.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/core/customers/",
        "/core/units/",
        "/core/projects/",
        "/core/inbox/",
        "/",
        "/core/attachments/1/",
    ],
)
def test_anonymous_is_sent_to_login(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"
