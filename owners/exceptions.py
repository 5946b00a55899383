"""Refusals of the owner login, each with the message the owner sees."""

from django.utils.translation import gettext_lazy as _


class LoginRefused(Exception):
    message = _("登录失败，请稍后再试。")

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message is not None:
            self.message = message


class Throttled(LoginRefused):
    message = _("验证码请求过于频繁，请稍后再试。")


class Locked(LoginRefused):
    message = _("验证码错误次数过多，该号码已锁定 15 分钟，请稍后再试。")


class WrongCode(LoginRefused):
    message = _("验证码错误或已失效，请重新输入或重新获取。")


class AccessDisabled(LoginRefused):
    message = _("该号码的业主端访问已停用，请联系物业服务中心。")


class InvalidMobile(LoginRefused):
    message = _("请输入 11 位手机号码。")
