"""Domain errors of the core; views catch them and show the message."""


class DomainError(Exception):
    """A refused business operation; ``str(exc)`` is a message for the user."""


class InvalidTransition(DomainError):
    pass
