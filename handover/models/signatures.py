"""Signatures drawn on the tablet at the handover desk (R-HO-4, issue #15 item 6): the owner
signs the handover confirmation (交房确认单 with the 房屋交接验收表) and the safety agreement
(安全责任制书); the staff member countersigns. Each signature keeps its image (an attachment of
the signature), the SHA-256 of the document content it signs, the signer's name and the time.

While a document has a signature that is not voided, the records its content is made of cannot
change (``signed_record_guard``): a change needs the signatures voided (with a reason, audited)
and the document signed again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from salesite.exceptions import DomainError
from salesite.models.scoping import ProjectScopedQuerySet


class SignatureDocument(models.TextChoices):
    CONFIRMATION = "confirmation", _("交房确认单（含房屋交接验收表）")
    SAFETY = "safety", _("安全责任制书")


class SignerRole(models.TextChoices):
    OWNER = "owner", _("业主")
    STAFF = "staff", _("客服经办人（会签）")


class HandoverSignature(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "handover.HandoverCase",
        verbose_name=_("房屋交接"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    document = models.CharField(_("签署文件"), max_length=20, choices=SignatureDocument.choices)
    role = models.CharField(_("签字人身份"), max_length=10, choices=SignerRole.choices)
    signer_name = models.CharField(_("签字人"), max_length=50)
    signed_at = models.DateTimeField(_("签字时间"))
    content_sha256 = models.CharField(_("文件内容SHA-256"), max_length=64)
    image = models.ForeignKey(
        "salesite.Attachment",
        verbose_name=_("签名图片"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("交房电子签名")
        verbose_name_plural = _("交房电子签名")
        ordering = ["case", "document", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "document", "role"],
                condition=models.Q(voided_at__isnull=True),
                name="handoversignature_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True) | ~models.Q(void_reason=""),
                name="handoversignature_void_reason",
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_document_display()} · {self.signer_name}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def hash_prefix(self) -> str:
        return self.content_sha256[:12]


# --- the signed record guard ----------------------------------------------------------------

# The fields of each record that a signed document's content is made of (see
# ``services.signatures.document_content``). A rectification item's status and dates of fixing
# are its later progress, not what was signed; a case's steps and status likewise.
SIGNED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "HandoverCase": {
        SignatureDocument.CONFIRMATION: (
            "unit_id",
            "customer_id",
            "batch_id",
            "handover_date",
            "fee_start",
            "fee_end",
            "fee_total",
            "paid_amount",
            "paid_at",
            "receipt_number",
            "keys_count",
            "key_kept",
        ),
        SignatureDocument.SAFETY: ("unit_id", "customer_id"),
    },
    "AcceptanceRecord": {
        SignatureDocument.CONFIRMATION: (
            "room_items",
            "water_reading",
            "electricity_reading",
            "gas_reading",
            "inspected_on",
            "note",
        )
    },
    "RectificationItem": {
        SignatureDocument.CONFIRMATION: (
            "location",
            "description",
            "responsible_unit",
            "deadline",
            "found_on",
        )
    },
    "FeeLine": {
        SignatureDocument.CONFIRMATION: (
            "name",
            "basis",
            "rate",
            "area",
            "months",
            "period_start",
            "period_end",
            "amount",
        )
    },
}


class SignedDocumentLocked(DomainError):
    """A change to the content of a document that has a (not voided) signature."""


def locked_message(documents) -> str:
    labels = "、".join(str(SignatureDocument(d).label) for d in documents)
    return _gettext(
        "“%(documents)s”已签字，不能修改。如需更改，请先作废签字（注明原因）后重新签字。"
    ) % {"documents": labels}


def _signed_documents(case_id) -> set[str]:
    if case_id is None:
        return set()
    return set(
        HandoverSignature.objects.filter(case_id=case_id, voided_at__isnull=True).values_list(
            "document", flat=True
        )
    )


def _case_id(instance) -> int | None:
    return instance.pk if type(instance).__name__ == "HandoverCase" else instance.case_id


@receiver(pre_save, sender="handover.HandoverCase")
@receiver(pre_save, sender="handover.AcceptanceRecord")
@receiver(pre_save, sender="handover.RectificationItem")
@receiver(pre_save, sender="handover.FeeLine")
def signed_record_guard(sender, instance, raw=False, update_fields=None, **kwargs):
    """Refuse a change to a signed document's content (a new row, or a changed field)."""
    if raw:
        return
    by_document = {
        doc: tuple(
            f
            for f in fields
            if update_fields is None or f in update_fields or f.removesuffix("_id") in update_fields
        )
        for doc, fields in SIGNED_FIELDS[sender.__name__].items()
    }
    signed = _signed_documents(_case_id(instance)) & set(by_document)
    if not signed:
        return
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    changed = [
        doc
        for doc in sorted(signed)
        if old is None or any(getattr(old, f) != getattr(instance, f) for f in by_document[doc])
    ]
    if changed:
        raise SignedDocumentLocked(locked_message(changed))
