"""Attachments shared by every app (R-X-4): type and size checks on upload, storage under the
private media root, and creation tied to an owning record of a project."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from salesite.models import Attachment

# extension → (mime type, accepted leading bytes)
_OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_ZIP = (b"PK\x03\x04",)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", _OLE2),
    "xls": ("application/vnd.ms-excel", _OLE2),
    "ppt": ("application/vnd.ms-powerpoint", _OLE2),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
}
ACCEPT_ATTR = ",".join(f".{ext}" for ext in ALLOWED_TYPES)


def validate_upload(uploaded) -> str:
    """Check extension, content signature and size; return the mime type or raise."""
    name = uploaded.name or ""
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "不支持的文件类型“%(ext)s”。只能上传图片（JPG、PNG、GIF、WEBP）、PDF 或 Office 文件。"
            )
            % {"ext": ext or _("无扩展名")},
            code="file_type",
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("文件过大（%(size)s），单个文件不能超过 %(limit)s。")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    if uploaded.size == 0:
        raise ValidationError(_("文件是空的。"), code="file_empty")
    mime, signatures = ALLOWED_TYPES[ext]
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if not any(head.startswith(sig) for sig in signatures) or (
        ext == "webp" and head[8:12] != b"WEBP"
    ):
        raise ValidationError(
            _("文件内容与扩展名“%(ext)s”不符，可能已损坏或被改名。") % {"ext": ext},
            code="file_content",
        )
    return mime


@transaction.atomic
def attachment_add(
    *, owner, uploaded, user, description: str = "", personal: bool = False
) -> Attachment:
    mime = validate_upload(uploaded)
    return Attachment.objects.create(
        project=owner.project,
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner.pk,
        file=uploaded,
        original_name=os.path.basename(uploaded.name)[:255],
        mime_type=mime,
        size=uploaded.size,
        description=description,
        personal=personal,
        uploaded_by=user,
    )


def attachments_for(owner):
    return (
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(owner), object_id=owner.pk
        )
        .select_related("uploaded_by")
        .order_by("-uploaded_at")
    )
