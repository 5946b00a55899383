"""Demo signatures on the tablet (issue #15 item 7): on 滨江壹号 the completed handover has
both documents signed by the owner and countersigned, the handover at step 3 has the owner's
signature on the safety agreement awaiting the countersign; on 海棠湾 the delivered handovers
have their documents signed. Idempotent: a case with any signature is left alone."""

from __future__ import annotations

import datetime
import math
import struct
import zlib

from django.utils import timezone

from salesite.models import User

from .models import CaseStatus, HandoverCase, HandoverSignature, SignatureDocument, SignerRole
from .services import signatures

WIDTH, HEIGHT = 480, 160


def stroke_png(seed: int) -> bytes:
    """A transparent PNG with a pen stroke, standing in for a signature drawn on the canvas."""
    pixels = bytearray(WIDTH * HEIGHT * 4)
    for x in range(40, WIDTH - 40):
        y = int(HEIGHT / 2 + 35 * math.sin(x / (18 + seed % 7)) * math.cos(x / (55 + seed % 11)))
        for dy in (-1, 0, 1):
            offset = ((y + dy) * WIDTH + x) * 4
            pixels[offset : offset + 4] = b"\x10\x10\x40\xff"
    rows = b"".join(
        b"\x00" + bytes(pixels[r * WIDTH * 4 : (r + 1) * WIDTH * 4]) for r in range(HEIGHT)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _data_url(seed: int) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(stroke_png(seed)).decode()


def _sign(case, document, roles, desk, at):
    for role in roles:
        name = (
            case.customer.name
            if role == SignerRole.OWNER
            else (desk.get_full_name() or desk.username)
        )
        signatures.signature_add(
            case=case,
            document=document,
            role=role,
            signer_name=name,
            image_data_url=_data_url(case.pk * 3 + len(role) + len(document)),
            user=desk,
            now=at,
        )


def seed_demo(today: datetime.date | None = None) -> None:
    both = [SignerRole.OWNER, SignerRole.STAFF]
    for code in ("binjiang", "haitang"):
        desk = User.objects.filter(username=f"{code}_front_desk").first()
        cases = HandoverCase.objects.filter(project__code=code).select_related("customer")
        for case in cases.order_by("pk"):
            if desk is None or HandoverSignature.objects.filter(case=case).exists():
                continue
            at = timezone.make_aware(
                datetime.datetime.combine(
                    case.handover_date or today or timezone.localdate(), datetime.time(10, 30)
                )
            )
            if case.status == CaseStatus.COMPLETED:
                _sign(case, SignatureDocument.SAFETY, both, desk, at)
                if hasattr(case, "acceptance"):
                    _sign(case, SignatureDocument.CONFIRMATION, both, desk, at)
            elif (
                case.status == CaseStatus.IN_PROGRESS and case.last_step >= 3 and code == "binjiang"
            ):
                _sign(case, SignatureDocument.SAFETY, [SignerRole.OWNER], desk, at)
