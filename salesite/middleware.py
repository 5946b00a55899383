"""Middleware of the core: the language, the request size limit, NUL characters, and one-time
create forms (``OneTimeFormMiddleware``).

Language selection: Simplified Chinese unless the user picked another language.

Django's LocaleMiddleware follows the browser's Accept-Language header, which would show
English to staff whose phone is set to English. The product's default is zh-hans (R-X-3);
English is available through the switcher in the page header (it sets the language cookie).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from salesite import once


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


class RefuseNulCharactersMiddleware:
    """A NUL character in a query-string or form value is refused with a 400 before any view
    reads it: PostgreSQL cannot store or even compare it (a 500 where a view reads a value by
    hand). Form fields refuse it too (Django's CharField); uploaded files are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for values in (request.GET, request.POST if request.method == "POST" else {}):
            if any(
                "\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values
            ):
                raise BadRequest("NUL character in the request")
        return self.get_response(request)


class OneTimeFormMiddleware:
    """Runs a POST that carries a create form's one-time token in one transaction with the
    token's claim, and answers a repeated token with the first submission's result (see
    ``salesite.once``). Last in MIDDLEWARE, so that the CSRF check has run before.

    A create that a concurrent duplicate made fail on a unique constraint is run once more: the
    form's validation then finds the duplicate and names the field (views that call their
    service through ``salesite.integrity.save_or_form_error`` already do so themselves)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        token = once.token_of(request)
        if token is None:
            return None
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    earlier = once.claim(token=token, user=request.user)
                    if earlier is None:
                        response = view_func(request, *view_args, **view_kwargs)
                        once.settle(token=token, response=response)
                        return response
                break
            except IntegrityError:
                # A concurrent request stored the same unique value first (its commit is
                # what raised this): everything was rolled back, so run the view once more;
                # its validation now sees that row and answers with the form's error.
                if attempt == 2:
                    messages.error(
                        request, _("保存失败：与已有记录重复（可能刚由他人提交），请检查后重试。")
                    )
                    return redirect(request.get_full_path())
                for uploaded in request.FILES.values():
                    uploaded.seek(0)
        messages.info(request, _("该表单已提交，未重复创建。"))
        if earlier.user_id == request.user.pk and earlier.result_url:
            return redirect(earlier.result_url)
        return redirect(request.get_full_path())
