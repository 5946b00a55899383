"""Reads of the owner portal's 看房问题 page: the preview findings (R-HO-1) of the owner's own
units, with their photos, narrowed through ``owners.selectors.owned`` (another owner's row is a
404). Handover data is the owner's: a tenant reaches none of it."""

from __future__ import annotations

from django.http import Http404

from .selectors import Owner, owned


def preview_findings(owner: Owner) -> list:
    """The findings of the owner's units, newest unit first, each with ``before_photos`` and
    ``after_photos`` (images only) — in two queries."""
    from handover.models import PreviewFinding
    from handover.selectors_previews import with_role_photos

    rows = (
        owned(owner, PreviewFinding.objects.all())
        .select_related("project", "unit__building")
        .order_by("unit__building__name", "unit__number", "deadline", "pk")[:200]
    )
    return with_role_photos(rows, images_only=True)


def preview_finding_photo(owner: Owner, pk: int):
    """A photo of a preview finding of one of the owner's units (else 404)."""
    from django.contrib.contenttypes.models import ContentType

    from handover.models import PreviewFinding
    from salesite.models import Attachment

    findings = owned(owner, PreviewFinding.objects.all())
    try:
        return Attachment.objects.get(
            pk=pk,
            content_type=ContentType.objects.get_for_model(PreviewFinding),
            object_id__in=findings.values("pk"),
            mime_type__startswith="image/",
            personal=False,
        )
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
