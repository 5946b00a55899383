"""The staff's own account: password change (logged in) and password reset by email.

Django's auth views with Chinese templates and success messages. A wrong old password counts
as a failed login (django-axes, see OwnPasswordChangeForm); reset mails are throttled per
address and per client IP, and the answer is the same whether the address is known or not.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesite import throttle
from salesite.client_ip import client_ip
from salesite.forms import OutboxPasswordResetForm, OwnPasswordChangeForm


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")
    success_message = gettext_lazy("密码已修改。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # Too many wrong old passwords: the account is locked on this address like after
            # failed logins, and whoever sits at this browser is signed out.
            logout(self.request)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        # Both counters advance on every request, known address or not: the answer must not
        # depend on whether the address belongs to an account.
        ip_ok = throttle.allow(
            "password_reset:ip",
            client_ip(self.request) or "",
            limit=settings.PASSWORD_RESET_LIMIT_PER_IP,
        )
        email_ok = throttle.allow(
            "password_reset:email", email, limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        )
        if not (ip_ok and email_ok):
            form.add_error(None, _("重置密码的请求过于频繁，请一小时后再试。"))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("如果该邮箱对应一个有效账号，重置密码的链接已发送到该邮箱，请查收。"),
        )
        return response


class PasswordResetConfirmView(SuccessMessageMixin, auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("login")
    success_message = gettext_lazy("密码已重置，请使用新密码登录。")
