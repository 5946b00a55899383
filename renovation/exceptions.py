"""Domain errors of the renovation app; views catch DomainError and show the message."""

from salesite.exceptions import DomainError, InvalidTransition


class DocumentExpired(DomainError):
    pass


class DocumentsMissing(DomainError):
    pass


class RefundNotDue(DomainError):
    pass


class InsufficientDeposit(DomainError):
    pass


__all__ = [
    "DocumentExpired",
    "DocumentsMissing",
    "DomainError",
    "InsufficientDeposit",
    "InvalidTransition",
    "RefundNotDue",
]
