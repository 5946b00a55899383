"""Views of the signatures on the tablet (issue #15 item 6): the signing page of a document
(owner, then the staff countersign), voiding a document's signatures with a reason, and the
print of the safety agreement. The case page and the handover print show the signatures through
``handover_signatures`` template tags."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesite.views import service_form_page
from salesite.views_access import get_record, staff_view

from .. import selectors
from ..forms_signatures import SignatureForm, VoidForm
from ..models.signatures import SignatureDocument, SignerRole
from ..services import signatures as services
from .common import PERFORM


def _document(document: str) -> SignatureDocument:
    if document not in SignatureDocument.values:
        raise Http404
    return SignatureDocument(document)


def _staff_name(user) -> str:
    return user.get_full_name() or user.get_username()


@staff_view(PERFORM, per_record=True)
def signature_sign(request, pk, document, role):
    """Sign a document on the tablet: the owner first, then the staff member countersigns."""
    doc = _document(document)
    if role not in SignerRole.values:
        raise Http404
    case = get_record(request, selectors.case_records(), pk=pk)
    refusal = services.signing_refusal(case, doc, role)
    if refusal and request.method != "POST":
        messages.error(request, refusal)
        return redirect(case)
    staff_name = _staff_name(request.user) if role == SignerRole.STAFF else None
    digest = services.content_sha256(case, doc)
    initial = {"content_sha256": digest}
    if role == SignerRole.OWNER and case.customer:
        initial["signer_name"] = case.customer.name
    form = SignatureForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        staff_name=staff_name,
    )
    role_label = SignerRole(role).label
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.signature_add(
            case=case,
            document=doc,
            role=role,
            signer_name=d["signer_name"],
            image_data_url=d["image"],
            shown_sha256=d["content_sha256"],
            user=request.user,
        ),
        success=_("%(who)s已签署“%(document)s”。") % {"who": role_label, "document": doc.label},
        title=_("%(document)s · %(who)s签字") % {"document": doc.label, "who": role_label},
        back=case,
        template="handover/signatures/sign.html",
        extra=lambda: {
            "case": case,
            "document": doc,
            "role": role,
            "digest": digest,
            "content": services.document_content(case, doc),
            "clauses": services.SAFETY_CLAUSES,
            "acceptance": getattr(case, "acceptance", None),
            "fee_lines": list(case.fee_lines.all()),
            "rectifications": list(selectors.case_rectifications(case)),
        },
    )


@staff_view(PERFORM, per_record=True)
def signature_void(request, pk, document):
    """Void a document's signatures (with the reason) so that its content may change."""
    doc = _document(document)
    case = get_record(request, selectors.case_records(), pk=pk)
    return service_form_page(
        request,
        form=VoidForm(request.POST or None),
        call=lambda d: services.signatures_void(
            case=case, document=doc, reason=d["reason"], user=request.user
        ),
        success=_("“%(document)s”的签字已作废，修改后请重新签字。") % {"document": doc.label},
        title=_("作废签字 · %(document)s") % {"document": doc.label},
        back=case,
    )


@staff_view()
def safety_print(request, pk):
    """安全责任制书 with the owner's and the staff member's signatures, in two copies."""
    case = get_record(request, selectors.case_records(), pk=pk)
    return render(
        request,
        "handover/signatures/safety_print.html",
        {"case": case, "clauses": services.SAFETY_CLAUSES},
    )
