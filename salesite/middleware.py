"""Middleware of the core: the language, and the request size limit.

Language selection: Simplified Chinese unless the user picked another language.

Django's LocaleMiddleware follows the browser's Accept-Language header, which would show
English to staff whose phone is set to English. The product's default is zh-hans (R-X-3);
English is available through the switcher in the page header (it sets the language cookie).
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body over ``MAX_REQUEST_BYTES`` before anything reads it.

    Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) leave file parts alone, so an upload of
    any size would be streamed to a temporary file before the form could refuse it. The
    declared Content-Length is checked first: over the limit answers 413 with a short Chinese
    page. A body without a length (chunked transfer encoding) is refused with 411, since its
    size is known only after reading it. The reverse proxy should refuse such bodies too
    (nginx: client_max_body_size), so they do not even reach the application server.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared.strip():
            if request.META.get("HTTP_TRANSFER_ENCODING", "").strip():
                return self._refuse(411, limit)
        else:
            try:
                length = int(declared)
            except ValueError:
                return self._refuse(400, limit)
            if length < 0:
                return self._refuse(400, limit)
            if length > limit:
                return self._refuse(413, limit)
        return self.get_response(request)

    @staticmethod
    def _refuse(status: int, limit: int):
        translation.activate(settings.LANGUAGE_CODE)
        html = render_to_string("413.html", {"status": status, "limit": limit})
        # No "Connection: close" here: WSGI forbids hop-by-hop headers from the application
        # (runserver asserts it; gunicorn drops them). The server decides about the connection.
        return HttpResponse(html, status=status)
