"""The owner portal's records: access per mobile number, one-time login codes and the lock
that stops guessing; what an owner shares with the tenants of a unit."""

from .access import LoginCode, LoginGuard, OwnerAccess
from .sharing import UnitSharing

__all__ = ["LoginCode", "LoginGuard", "OwnerAccess", "UnitSharing"]
