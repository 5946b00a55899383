"""Logging filters of the project's ``LOGGING`` setting."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (4xx: 403 PermissionDenied, 404 Http404, 400 SuspiciousOperation) is
    logged on one line, without the traceback of the exception the view raised to refuse it.

    Django logs these as warnings with the exception attached; the traceback says nothing a
    reader needs (the refusal is the view's own decision) and is formatted for every refused
    request. Errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
