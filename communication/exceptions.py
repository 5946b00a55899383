"""Domain errors of the communication app; views catch them and show the message."""

from salesite.exceptions import DomainError, InvalidTransition


class ConcurrentEdit(DomainError):
    """The record changed since the form was opened; the edit is refused, not merged."""


__all__ = ["ConcurrentEdit", "DomainError", "InvalidTransition"]
