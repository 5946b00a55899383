"""Owner portal pages 通知 (notices, open-day RSVP), 装修 (renovation applications, missing
documents) and 交房 (handover steps and rectification items).

Thin: form → service → message → redirect. Every row comes through ``owners.selectors_pages``
(narrowed by ``owners.selectors.owned``: another owner's id is a 404); files are served only
through the checking views here, never from a public media URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from handover.services import notices as handover_notices
from renovation import selectors as renovation_selectors
from renovation import services as renovation_services
from salesite.attachment_views import serve_attachment
from salesite.exceptions import DomainError

from . import selectors_pages as pages
from . import sessions
from .forms_pages import DocumentUploadForm, RsvpForm

# --- 通知 ---------------------------------------------------------------------------------------


@sessions.owner_view
def notice_list(request):
    page = pages.notice_page(request.owner, request.GET.get("page"))
    return render(request, "owners/notices/list.html", {"page": page, "nav": "notices"})


@sessions.owner_view
def notice_detail(request, kind, pk):
    """One notice; for an open-day invitation, the owner's reply (POST) as well."""
    entry = pages.notice_entry(request.owner, kind, pk)
    form = None
    if entry.kind == pages.OPENDAY and entry.row.open_day.held_on >= timezone.localdate():
        invitation = entry.row
        initial = {}
        if invitation.rsvp:
            initial = {"attending": invitation.rsvp, "people": invitation.rsvp_people}
        form = RsvpForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                handover_notices.invitation_rsvp(
                    invitation=invitation,
                    attending=form.cleaned_data["attending"],
                    people=form.cleaned_data.get("people"),
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                if form.cleaned_data["attending"]:
                    messages.success(request, _("已报名参加，我们在开放日等候您的光临。"))
                else:
                    messages.success(request, _("已收到您的回复：不参加。"))
                return redirect("owners:notice_detail", kind=kind, pk=pk)
    elif request.method == "POST":
        return redirect("owners:notice_detail", kind=kind, pk=pk)
    return render(
        request,
        "owners/notices/detail.html",
        {"entry": entry, "form": form, "nav": "notices"},
    )


# --- 装修 ---------------------------------------------------------------------------------------


@sessions.owner_view
def renovation_list(request):
    applications = pages.renovation_list(request.owner)[:50]
    return render(
        request,
        "owners/renovation/list.html",
        {"applications": applications, "nav": "renovation"},
    )


@sessions.owner_view
def renovation_detail(request, pk):
    """One application; POST uploads a scan of a document still missing."""
    app = pages.renovation_application(request.owner, pk)
    detail = renovation_selectors.owner_application_detail(app)
    can_upload = app.status in renovation_services.applications.OWNER_UPLOAD_STATUSES
    form = None
    if can_upload and detail["missing"]:
        form = DocumentUploadForm(
            request.POST or None, request.FILES or None, documents=detail["missing"]
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("当前没有需要上传的资料。"))
            return redirect("owners:renovation_detail", pk=pk)
        if form.is_valid():
            document = pages.renovation_document(
                request.owner, app.pk, form.cleaned_data["document"]
            )
            try:
                renovation_services.document_upload_by_owner(
                    document=document, uploaded=form.cleaned_data["file"]
                )
            except (DomainError, ValidationError) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(
                    request,
                    _("“%(kind)s”已上传，物业核对后会标记为已收取。")
                    % {"kind": document.get_kind_display()},
                )
                return redirect("owners:renovation_detail", pk=pk)
    return render(
        request,
        "owners/renovation/detail.html",
        {"app": app, "form": form, "nav": "renovation", **detail},
    )


@sessions.owner_view
def renovation_file(request, pk):
    return serve_attachment(pages.renovation_file(request.owner, pk))


# --- 交房 ---------------------------------------------------------------------------------------


@sessions.owner_view
def handover(request):
    cards = pages.handover_cards(request.owner)
    return render(request, "owners/handover/list.html", {"cards": cards, "nav": "handover"})


@sessions.owner_view
def handover_photo(request, pk):
    return serve_attachment(pages.handover_photo(request.owner, pk))
