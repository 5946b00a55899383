"""Masking of personal data (R-X-5): lists always show masked values; a record's page shows
the full value only to roles that need it (Role.can_view_personal_data)."""


def mask_phone(value: str | None) -> str:
    """13812345678 → 138****5678; shorter numbers keep only their last 4 (or 2) characters."""
    if not value:
        return ""
    digits = str(value).strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    keep = 4 if len(digits) > 6 else 2
    return "*" * max(len(digits) - keep, 0) + digits[-keep:]


def mask_id_number(value: str | None) -> str:
    """110101199001011234 → 1101**********1234 (first 4 and last 4 kept)."""
    if not value:
        return ""
    value = str(value).strip()
    if len(value) <= 8:
        return (
            value[:1] + "*" * (len(value) - 2) + value[-1:] if len(value) > 2 else "*" * len(value)
        )
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_personal(field: str, value: str | None, kind: str = "") -> str:
    """Mask ``value`` as an ID number or a phone: ``kind`` "id"/"phone", or guessed from the
    field's name (``*id_number`` is an ID number, anything else a phone)."""
    if not kind:
        kind = "id" if field.endswith("id_number") else "phone"
    return mask_id_number(value) if kind == "id" else mask_phone(value)
