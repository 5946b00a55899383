"""Signatures on the tablet (issue #15 item 6): the canonical content of each signed document
and its SHA-256, the check of the drawn PNG, signing (owner first, then the staff countersign)
and voiding (with a reason, audited) so that a signed document can be changed and re-signed."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
import zlib
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from salesite.attachments import attachment_add
from salesite.exceptions import DomainError

from ..models import (
    AcceptanceRecord,
    CaseStatus,
    HandoverCase,
    HandoverStep,
)
from ..models.signatures import HandoverSignature, SignatureDocument, SignerRole

CONTENT_VERSION = 1

# The clauses of the safety responsibility agreement (安全责任制书) the owner signs. The Chinese
# text is the agreement and is what the hash covers (whatever the UI language); it is marked
# for translation only to be shown translated beside it.
SAFETY_CLAUSES = (
    gettext_noop("业主是本户房屋内用电、用水、用气及消防安全的第一责任人。"),
    gettext_noop("不得私拉乱接电线，不得擅自改动燃气管道、消防设施及房屋主体结构。"),
    gettext_noop("不得在公共通道、楼梯间堆放物品或停放电动车，不得在户内为电动车充电。"),
    gettext_noop("装修期间动火作业须事先办理动火审批，并配备灭火器材。"),
    gettext_noop("出租或转借房屋时，须告知使用人本责任书内容并督促其遵守。"),
    gettext_noop("发现安全隐患或险情，应立即报告物业服务中心。"),
)

# --- the signed content ---------------------------------------------------------------------


def _s(value):
    """A value as the canonical text: dates ISO, decimals as stored, None as null."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _header(case: HandoverCase) -> dict:
    unit = case.unit
    return {
        "project": case.project.name,
        "unit": f"{unit.building.name}-{unit.number}",
        "area": _s(unit.area),
        "owner": case.customer.name if case.customer else None,
    }


def _confirmation(case: HandoverCase) -> dict:
    acceptance = AcceptanceRecord.objects.filter(case_id=case.pk).first()
    return {
        **_header(case),
        "batch": case.batch.name if case.batch else None,
        "handover_date": _s(case.handover_date),
        "fees": {
            "start": _s(case.fee_start),
            "end": _s(case.fee_end),
            "total": _s(case.fee_total),
            "paid": _s(case.paid_amount),
            "paid_at": _s(case.paid_at),
            "receipt": case.receipt_number,
            "lines": [
                [
                    line.name,
                    line.basis,
                    _s(line.rate),
                    _s(line.area),
                    line.months,
                    _s(line.period_start),
                    _s(line.period_end),
                    _s(line.amount),
                ]
                for line in case.fee_lines.order_by("pk")
            ],
        },
        "acceptance": None
        if acceptance is None
        else {
            "rooms": acceptance.room_items,
            "water": _s(acceptance.water_reading),
            "electricity": _s(acceptance.electricity_reading),
            "gas": _s(acceptance.gas_reading),
            "inspected_on": _s(acceptance.inspected_on),
            "note": acceptance.note,
        },
        "defects": [
            [i.location, i.description, i.responsible_unit, _s(i.deadline), _s(i.found_on)]
            for i in case.rectifications.order_by("pk")
        ],
        "keys": {"count": case.keys_count, "kept": case.key_kept},
    }


def _safety(case: HandoverCase) -> dict:
    return {**_header(case), "clauses": list(SAFETY_CLAUSES)}


def _fresh(case: HandoverCase) -> HandoverCase:
    return HandoverCase.objects.select_related(
        "project", "unit__building", "customer", "batch"
    ).get(pk=case.pk)


def document_content(case: HandoverCase, document: str, *, fresh: bool = False) -> dict:
    """What the printed document shows, as plain data: the case's current rows (read afresh
    unless ``fresh`` says the caller just read the case)."""
    case = case if fresh else _fresh(case)
    body = _confirmation(case) if document == SignatureDocument.CONFIRMATION else _safety(case)
    return {"document": str(document), "version": CONTENT_VERSION, "case": case.pk, **body}


def canonical_bytes(content: dict) -> bytes:
    """The content serialised deterministically: sorted keys, no whitespace, UTF-8."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_sha256(case: HandoverCase, document: str, *, fresh: bool = False) -> str:
    content = document_content(case, document, fresh=fresh)
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


# --- the drawn image ------------------------------------------------------------------------

PNG_MAX_BYTES = 512 * 1024
PNG_MIN_SIZE = (100, 40)
PNG_MAX_SIZE = (3000, 1500)
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type → samples per pixel


def _png_error(message):
    return ValidationError(message, code="signature_image")


def decode_signature_png(data_url: str) -> bytes:
    """The PNG of a canvas data URL, checked: a real PNG of a sane size with something drawn."""
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise _png_error(_("请在签名框内签字。"))
    if len(data_url) > PNG_MAX_BYTES * 4 // 3 + len(prefix) + 4:
        raise _png_error(_("签名图片过大。"))
    try:
        png = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise _png_error(_("签名图片无法识别。")) from None
    if not png.startswith(b"\x89PNG\r\n\x1a\n") or png[12:16] != b"IHDR" or len(png) < 33:
        raise _png_error(_("签名图片不是 PNG 格式。"))
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    if not (
        PNG_MIN_SIZE[0] <= width <= PNG_MAX_SIZE[0] and PNG_MIN_SIZE[1] <= height <= PNG_MAX_SIZE[1]
    ):
        raise _png_error(_("签名图片尺寸不正确（%(w)s×%(h)s）。") % {"w": width, "h": height})
    if colour not in _CHANNELS or depth not in (1, 2, 4, 8, 16):
        raise _png_error(_("签名图片不是 PNG 格式。"))
    if _is_blank(png, width, height, depth, _CHANNELS[colour]):
        raise _png_error(_("签名框是空白的，请签字。"))
    return png


def _is_blank(png: bytes, width: int, height: int, depth: int, channels: int) -> bool:
    """True when every sample is zero (a transparent canvas with nothing drawn); a broken
    stream counts as unreadable, never as a signature."""
    idat, pos = [], 8
    while pos + 8 <= len(png):
        length, tag = struct.unpack(">I4s", png[pos : pos + 8])
        if tag == b"IDAT":
            idat.append(png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    stride = (width * depth * channels + 7) // 8
    expected = height * (stride + 1)
    try:
        raw = zlib.decompressobj().decompress(b"".join(idat), expected + 1)
    except zlib.error:
        raise _png_error(_("签名图片已损坏。")) from None
    if len(raw) != expected:
        raise _png_error(_("签名图片已损坏。"))
    # Skip each row's filter byte: any non-zero sample left means something was drawn.
    return not any(
        raw[r * (stride + 1) + 1 : (r + 1) * (stride + 1)].strip(b"\x00") for r in range(height)
    )


# --- signing and voiding --------------------------------------------------------------------


class DocumentState:
    """A document of a case as the pages show it: its signatures and (computed when asked)
    the hash of its current content."""

    def __init__(self, case, document, owner, staff):
        self.case, self.document = case, document
        self.label = str(SignatureDocument(document).label)
        self.owner, self.staff = owner, staff

    @cached_property
    def sha256(self) -> str:
        return content_sha256(self.case, self.document, fresh=True)

    def valid(self, signature) -> bool:
        return signature is not None and signature.content_sha256 == self.sha256

    @property
    def owner_valid(self) -> bool:
        return self.valid(self.owner)

    @property
    def staff_valid(self) -> bool:
        return self.valid(self.staff)

    @property
    def complete(self) -> bool:
        return self.owner_valid and self.staff_valid

    @property
    def signed(self) -> bool:
        return self.owner is not None or self.staff is not None


def document_states(case: HandoverCase) -> list[DocumentState]:
    """The documents of a case just read with its unit, building, customer and batch (as
    ``selectors.case_records`` reads it): one query for the signatures, the content's queries
    only for a hash that is asked for."""
    active = {
        (s.document, s.role): s
        for s in HandoverSignature.objects.filter(case_id=case.pk, voided_at__isnull=True).order_by(
            "signed_at"
        )
    }
    return [
        DocumentState(
            case,
            doc.value,
            active.get((doc.value, SignerRole.OWNER)),
            active.get((doc.value, SignerRole.STAFF)),
        )
        for doc in SignatureDocument
    ]


def signing_refusal(case: HandoverCase, document: str, role: str) -> str | None:
    """Why this signature cannot be given now (None when it can)."""
    if case.status == CaseStatus.NOT_TAKEN:
        return _("未接房的房屋不能签字。")
    if document == SignatureDocument.CONFIRMATION:
        if (
            case.last_step < HandoverStep.KEYS_READY
            or not AcceptanceRecord.objects.filter(case_id=case.pk).exists()
        ):
            return _("请先完成前七个交接步骤并填写房屋交接验收表，再签署交房确认单。")
    elif case.last_step < HandoverStep.OWNER_FILE:
        return _("请先完成步骤“%(step)s”，再签署安全责任制书。") % {
            "step": HandoverStep.OWNER_FILE.label
        }
    active = HandoverSignature.objects.filter(case_id=case.pk, document=document, voided_at=None)
    if active.filter(role=role).exists():
        return _("该文件已有此签字人的签字；如需重签，请先作废原签字。")
    if role == SignerRole.STAFF and not active.filter(role=SignerRole.OWNER).exists():
        return _("请先由业主签字，经办人再会签。")
    return None


@transaction.atomic
def signature_add(
    *,
    case: HandoverCase,
    document: str,
    role: str,
    signer_name: str,
    image_data_url: str,
    user,
    shown_sha256: str | None = None,
    now=None,
) -> HandoverSignature:
    """Store one signature: its PNG (an attachment of the signature) and the hash of the
    document content as it is now. ``shown_sha256`` is the hash of the content the signing
    page showed: a document changed meanwhile is refused (the signer saw another content)."""
    case = HandoverCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
    refusal = signing_refusal(case, document, role)
    if refusal:
        raise DomainError(refusal)
    if not signer_name.strip():
        raise DomainError(_("请填写签字人姓名。"))
    png = decode_signature_png(image_data_url)
    digest = content_sha256(case, document)
    if shown_sha256 is not None and shown_sha256 != digest:
        raise DomainError(_("文件内容在签字期间已被修改，请重新打开签字页面核对后再签。"))
    if role == SignerRole.STAFF:
        owner = HandoverSignature.objects.get(
            case_id=case.pk, document=document, role=SignerRole.OWNER, voided_at=None
        )
        if owner.content_sha256 != digest:
            raise DomainError(_("业主签字后文件内容已变更，业主签字无效，请作废后重新签字。"))
    signature = HandoverSignature.objects.create(
        project_id=case.project_id,
        case=case,
        document=document,
        role=role,
        signer_name=signer_name.strip(),
        signed_at=now or timezone.now(),
        content_sha256=digest,
        signed_by=user,
    )
    name = f"signature-{case.pk}-{document}-{role}-{signature.pk}.png"
    signature.image = attachment_add(
        owner=signature,
        uploaded=ContentFile(png, name=name),
        user=user,
        description=_("电子签名：%(who)s") % {"who": signature.signer_name},
    )
    signature.save(update_fields=["image"])
    return signature


@transaction.atomic
def signatures_void(*, case: HandoverCase, document: str, reason: str, user, now=None) -> int:
    """Void every signature of a document (the owner's and the countersign) so that its
    content may change; the document must then be signed again. Returns how many."""
    if not reason.strip():
        raise DomainError(_("请填写作废原因。"))
    case = HandoverCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
    active = list(
        HandoverSignature.objects.select_for_update().filter(
            case_id=case.pk, document=document, voided_at=None
        )
    )
    if not active:
        raise DomainError(_("该文件没有有效的签字。"))
    now = now or timezone.now()
    for signature in active:  # one save each: the audit log records every voided signature
        signature.voided_at, signature.voided_by = now, user
        signature.void_reason = reason.strip()
        signature.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return len(active)
