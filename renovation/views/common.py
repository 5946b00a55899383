"""Helpers shared by the renovation pages: the record getters and the service-call idioms."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from salesite.exceptions import DomainError
from salesite.models import Project
from salesite.querystring import query_date
from salesite.views import service_form_page

from ..models import RenovationLecture, Violation

FORM_TEMPLATE = "salesite/form.html"


def violation_qs():
    return Violation.objects.select_related(
        "application__unit__building", "project", "found_by", "warned_by", "rechecked_by", "patrol"
    )


def lecture_qs():
    return RenovationLecture.objects.select_related("project", "created_by")


def _run(request, fn, success, **kwargs) -> bool:
    """Call a service; show its domain error or the success message."""
    try:
        fn(**kwargs)
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _service_form(
    request,
    app,
    form,
    title,
    call,
    success,
    template=FORM_TEMPLATE,
    extra=None,
    redirect_to=None,
):
    """A form page of an application whose valid POST calls one service (service_form_page
    with the application as the page to go back to)."""
    return service_form_page(
        request,
        form=form,
        call=call,
        success=success,
        title=title,
        back=app,
        template=template,
        extra=extra,
        redirect_to=redirect_to,
    )


def _visible_projects(user):
    return list(Project.objects.visible_to(user).order_by("name"))


def _pick_project(request, projects):
    raw = request.GET.get("project")
    for p in projects:
        if str(p.pk) == raw:
            return p
    if raw:
        raise Http404
    return projects[0] if projects else None


def _pick_day(request):
    return query_date(request.GET.get("date")) or timezone.localdate()


def _post_form(request, form, call, success, back):
    """POST-only step of a record page: validate, call the service, message, redirect."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(back)
