"""A refused request is logged on one line; a server error keeps its traceback."""

import logging
import sys

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

from salesite.log_filters import RefusalWithoutTraceback


def _logged(caplog, status: int, exc: Exception) -> logging.LogRecord:
    """What Django's request handler logs for a view that raised ``exc``."""
    request = RequestFactory().get("/x/")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        try:
            raise exc
        except Exception:
            log_response(
                "Refused: %s",
                request.path,
                response=HttpResponse(status=status),
                request=request,
                exception=sys.exc_info()[1],
            )
    (record,) = (r for r in caplog.records if r.name == "django.request")
    return record


def test_the_request_logger_carries_the_filter():
    logger = logging.getLogger("django.request")
    assert any(isinstance(f, RefusalWithoutTraceback) for f in logger.filters)


def test_a_403_is_logged_on_one_line(caplog):
    record = _logged(caplog, 403, PermissionDenied())
    assert record.levelno == logging.WARNING and record.getMessage() == "Refused: /x/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback(caplog):
    record = _logged(caplog, 500, ValueError("boom"))
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "Traceback" in caplog.text and "ValueError: boom" in caplog.text
