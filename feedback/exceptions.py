"""Domain errors of the feedback app; views catch DomainError and show the message."""

from salesite.exceptions import DomainError, InvalidTransition


class CaseNotReplied(InvalidTransition):
    """A case may be closed only once the reply to the customer is recorded (R-FB-3)."""


class CallbackClosed(DomainError):
    """The callback task is no longer open."""


__all__ = ["CallbackClosed", "CaseNotReplied", "DomainError", "InvalidTransition"]
