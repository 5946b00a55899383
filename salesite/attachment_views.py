"""Attachments (R-X-4): upload to and download from any record kind that declared its page
rule; the owning record's rules apply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.attachments import attachment_add
from salesite.forms import (
    AttachmentForm,
)
from salesite.models import (
    Attachment,
)
from salesite.views import (
    can_upload_attachment,
    safe_next,
)
from salesite.views_access import staff_view


def _owner_or_404(user, ct_id, object_id):
    """The record a file is attached to: only kinds that declared a view rule (each app in its
    ``ready()``) own attachments; another project's record is a 404."""
    ct = get_object_or_404(ContentType, pk=ct_id)
    model = ct.model_class()
    if model is None or not access.is_record_kind(model):
        raise Http404
    return access.get_visible_or_404(model.objects.all(), user, pk=object_id)


@staff_view()  # the owning record's rules: its page's, and its change permission
@require_POST
def attachment_upload(request, ct_id, object_id):
    owner = _owner_or_404(request.user, ct_id, object_id)
    access.require_view(request.user, owner)
    if not can_upload_attachment(request.user, owner):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                owner=owner,
                uploaded=form.cleaned_data["file"],
                user=request.user,
                description=form.cleaned_data["description"],
                personal=form.cleaned_data["personal"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("附件已上传。"))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(safe_next(request, owner))


@staff_view()  # the owning record's page rule, and personal data for an ID scan
def attachment_download(request, pk):
    attachment = access.get_visible_or_404(
        Attachment.objects.select_related("content_type"), request.user, pk=pk
    )
    owner = attachment.owner
    if (
        owner is None
        or not access.is_record_kind(type(owner))
        or not access.can_see(request.user, owner)
    ):
        raise Http404
    # The same answer as the owning record's page: 403 to a role that may not view it.
    access.require_view(request.user, owner)
    if attachment.personal and not access.can_view_personal_data(request.user, owner):
        raise PermissionDenied  # an ID scan: only for roles with personal-data access (R-X-5)
    return serve_attachment(attachment)


def serve_attachment(attachment) -> FileResponse:
    """The file of an attachment whose access the caller has checked (staff download, owner
    portal): streamed from the storage, images and PDFs inline, anything else as a download,
    never sniffed or cached."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.mime_type,
        as_attachment=not attachment.is_image and attachment.mime_type != "application/pdf",
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
