"""The owner portal's records: access per mobile number, one-time login codes and the lock
that stops guessing."""

from .access import LoginCode, LoginGuard, OwnerAccess

__all__ = ["LoginCode", "LoginGuard", "OwnerAccess"]
