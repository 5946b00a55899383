"""Writes of the owner portal: the SMS-code login and staff's enabling/disabling of access."""

from .access import set_access
from .login import login_records_clean, normalize_mobile, request_code, verify_code

__all__ = ["login_records_clean", "normalize_mobile", "request_code", "set_access", "verify_code"]
