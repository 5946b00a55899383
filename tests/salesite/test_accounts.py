"""Staff's own accounts (issue 12, item 12): password change with the login's lockout, reset by
email with the same answer for unknown addresses and a throttle, and the client address read
from X-Forwarded-For only behind a configured trusted proxy."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from salesite.models import OutboundMessage
from tests import factories as f

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/change/"
RESET = "/accounts/password/reset/"
NEW_PASSWORD = "Hai-Tang-2027!"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The reset throttle counts in the cache; every test starts with no requests counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return f.UserFactory(username="lisi", email="lisi@example.com")


def change(c, old, new=NEW_PASSWORD, **extra):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return c.post(CHANGE, data, **extra)


# --- password change -------------------------------------------------------------------------


def test_user_menu_and_login_page_link_to_the_account_pages(client_for, user):
    home = client_for(user).get(reverse("home")).content.decode()
    assert f'href="{CHANGE}"' in home and "修改密码" in home
    login_page = Client().get(reverse("login")).content.decode()
    assert f'href="{RESET}"' in login_page and "忘记密码" in login_page


def test_change_form_is_in_chinese_and_needs_a_login(client_for, user):
    assert Client().get(CHANGE).url == f"/accounts/login/?next={CHANGE}"
    html = client_for(user).get(CHANGE).content.decode()
    assert "修改密码" in html and "旧密码" in html and "新密码" in html


def test_change_password_keeps_the_session_and_the_new_password_works(client_for, user):
    c = client_for(user)
    response = change(c, f.PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert "密码已修改。" in c.get(response.url).content.decode()
    assert c.get(reverse("home")).status_code == 200  # still logged in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(f.PASSWORD)


def test_wrong_old_password_is_refused_in_chinese(client_for, user):
    response = change(client_for(user), "not-my-password")
    assert response.status_code == 200
    assert "原密码不正确，请重新输入。" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD)


def test_wrong_old_passwords_lock_like_failed_logins(client_for, user, settings):
    """Five wrong old passwords lock (username, IP): the form refuses even the right one, the
    browser is signed out, and the login from that address is locked too."""
    c = client_for(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert change(c, "not-my-password").status_code == 200
    response = change(c, "not-my-password")
    assert response.status_code in (403, 429)
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in c.session
    # Signed out: the right password is no use on this browser now.
    assert change(c, f.PASSWORD).url == f"/accounts/login/?next={CHANGE}"
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD)  # nothing changed
    login = Client().post(reverse("login"), {"username": "lisi", "password": f.PASSWORD})
    assert login.status_code in (403, 429)
    # The lockout is the login's: another address is not locked.
    other = Client().post(
        reverse("login"), {"username": "lisi", "password": f.PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


# --- password reset --------------------------------------------------------------------------


def test_reset_page_is_in_chinese():
    html = Client().get(RESET).content.decode()
    assert "找回密码" in html and "发送重置邮件" in html


# The reset mail is a row of the outbox, sent by a worker after the request's transaction commits
# (eager in tests): these tests commit for real so that it is sent.
resets_commit = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@resets_commit
def test_reset_mail_for_a_known_address_resets_the_password(user):
    c = Client()
    response = c.post(RESET, {"email": "LiSi@example.com"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    answer = response.content.decode()
    assert "如果该邮箱对应一个有效账号，重置密码的链接已发送到该邮箱" in answer
    assert len(mail.outbox) == 1
    # Sent through the outbox, like every outbound message (it survives a mail or broker outage).
    row = OutboundMessage.objects.get()
    assert (row.recipient, row.status) == ("lisi@example.com", OutboundMessage.Status.SENT)
    message = mail.outbox[0]
    assert message.to == ["lisi@example.com"]
    assert message.subject == "Salesite 重置密码"
    assert "lisi" in message.body and "24 小时内有效" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    form_page = c.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = c.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("login")
    assert "密码已重置，请使用新密码登录。" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    again = c.get(link, follow=True).content.decode()
    assert "链接无效或已过期" in again


@resets_commit
def test_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(user):
    known = Client().post(RESET, {"email": "lisi@example.com"}, follow=True)
    unknown = Client().post(RESET, {"email": "nobody@example.com"}, follow=True)
    assert len(mail.outbox) == 1
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    assert without_csrf_tokens(unknown.content) == without_csrf_tokens(known.content)


def without_csrf_tokens(html: bytes) -> str:
    return re.sub(
        r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html.decode()
    )


@resets_commit
def test_reset_requests_are_throttled_per_address(user, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    for n in range(3):
        # Different addresses each time, as different people at one desk would be.
        assert Client().post(RESET, {"email": "lisi@example.com"}, REMOTE_ADDR=f"10.1.0.{n}")
    assert len(mail.outbox) == 3
    response = Client().post(RESET, {"email": "LISI@example.com"}, REMOTE_ADDR="10.1.0.9")
    assert response.status_code == 429
    assert "重置密码的请求过于频繁，请一小时后再试。" in response.content.decode()
    assert len(mail.outbox) == 3
    # Unknown addresses are counted the same way, so the refusal says nothing about accounts.
    for _ in range(3):
        Client().post(RESET, {"email": "nobody@example.com"}, REMOTE_ADDR="10.2.0.1")
    refused = Client().post(RESET, {"email": "nobody@example.com"}, REMOTE_ADDR="10.2.0.2")
    assert refused.status_code == 429


@resets_commit
def test_reset_requests_are_throttled_per_client_address(user, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 4
    c = Client()
    for n in range(4):
        assert c.post(RESET, {"email": f"someone{n}@example.com"}).status_code == 302
    assert c.post(RESET, {"email": "lisi@example.com"}).status_code == 429
    assert len(mail.outbox) == 0
    # Another address is counted on its own.
    other = Client().post(RESET, {"email": "lisi@example.com"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert len(mail.outbox) == 1


# --- the client address behind a reverse proxy ----------------------------------------------


@pytest.fixture
def behind_proxy(settings):
    """As the settings make it for TRUSTED_PROXIES=127.0.0.1 (the test client's address)."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def fail_logins(times, username="lisi", **extra):
    for _ in range(times):
        Client().post(reverse("login"), {"username": username, "password": "wrong"}, **extra)


def login_status(username="lisi", **extra):
    data = {"username": username, "password": f.PASSWORD}
    return Client().post(reverse("login"), data, **extra).status_code


def test_behind_a_trusted_proxy_clients_are_locked_out_separately(user, behind_proxy, settings):
    fail_logins(settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert login_status(HTTP_X_FORWARDED_FOR="198.51.100.7") in (403, 429)
    # Another client behind the same proxy is not locked ...
    assert login_status(HTTP_X_FORWARDED_FOR="198.51.100.8") == 302
    # ... and the locked one cannot escape by putting another address in front of the chain:
    # the proxy appends the address it really saw.
    assert login_status(HTTP_X_FORWARDED_FOR="198.51.100.99, 198.51.100.7") in (403, 429)


def test_the_header_of_a_client_not_behind_the_proxy_is_ignored(user, behind_proxy, settings):
    direct = {"REMOTE_ADDR": "203.0.113.5"}
    fail_logins(settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.1", **direct)
    assert login_status(HTTP_X_FORWARDED_FOR="198.51.100.2", **direct) in (403, 429)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(user, settings):
    """A client cannot spoof its address to escape a lockout."""
    assert settings.TRUSTED_PROXIES == []
    fail_logins(settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert login_status(HTTP_X_FORWARDED_FOR="198.51.100.8") in (403, 429)
    assert login_status() in (403, 429)


def test_reset_throttle_uses_the_same_client_address(user, behind_proxy, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 2
    for n in range(2):
        Client().post(RESET, {"email": f"a{n}@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    refused = Client().post(RESET, {"email": "b@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused.status_code == 429
    allowed = Client().post(RESET, {"email": "b@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert allowed.status_code == 302


def test_old_password_check_goes_through_authenticate(user, rf):
    """The form's check is the login's check (axes sees it); a wrong password is None."""
    request = rf.post("/")
    assert authenticate(request, username="lisi", password="nope") is None
