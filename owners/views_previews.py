"""Owner portal page 看房问题: the findings of the pre-delivery preview (R-HO-1) on the owner's
own units, their state, deadline and photos; photos served only through the checking view."""

from __future__ import annotations

from django.shortcuts import render

from salesite.attachment_views import serve_attachment

from . import selectors_previews, sessions


@sessions.owner_view
def preview_findings(request):
    findings = selectors_previews.preview_findings(request.owner)
    return render(
        request,
        "owners/handover/previews.html",
        {"findings": findings, "nav": "handover"},
    )


@sessions.owner_view
def preview_finding_photo(request, pk):
    return serve_attachment(selectors_previews.preview_finding_photo(request.owner, pk))
