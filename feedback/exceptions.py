"""Domain errors of the feedback app; views catch DomainError and show the message."""

from salesite.exceptions import DomainError, InvalidTransition


class CaseNotReplied(InvalidTransition):
    """A case may be closed only once the reply to the customer is recorded (R-FB-3)."""


class CallbackClosed(DomainError):
    """The callback task is no longer open."""


class SurveyLinkNotFound(DomainError):
    """No survey link has this token."""


class SurveyLinkGone(DomainError):
    """The survey link was used, revoked or has expired; ``state`` says which."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


__all__ = [
    "CallbackClosed",
    "CaseNotReplied",
    "DomainError",
    "InvalidTransition",
    "SurveyLinkGone",
    "SurveyLinkNotFound",
]
