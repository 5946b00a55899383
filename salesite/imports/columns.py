"""The import file's columns, limits and row record (R-X-6): what every step shares."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from salesite.models import Building, Customer, Purchase, Unit
from salesite.models.projects import IdType

# field name → (header in the template, required, aliases accepted in a header)
COLUMNS: list[tuple[str, str, bool, tuple[str, ...]]] = [
    ("building", "楼栋", True, ("building", "楼号", "栋")),
    ("phase", "分期", False, ("phase",)),
    ("number", "房号", True, ("unit", "number", "房间号")),
    ("floor", "楼层", False, ("floor",)),
    ("unit_type", "户型", False, ("unit_type", "type")),
    ("area", "建筑面积", False, ("area", "面积", "建筑面积(m²)", "建筑面积（m²）")),
    ("customer_name", "客户姓名", False, ("customer", "name", "业主姓名", "姓名")),
    ("phone", "手机", False, ("phone", "手机号", "联系电话")),
    ("id_type", "证件类型", False, ("id_type",)),
    ("id_number", "证件号码", False, ("id_number", "身份证号", "身份证号码")),
    ("emergency_contact", "紧急联系人", False, ("emergency_contact",)),
    ("emergency_phone", "紧急联系电话", False, ("emergency_phone",)),
    ("birthday", "生日", False, ("birthday", "出生日期")),
    ("subscribed_on", "认购日期", False, ("subscribed_on",)),
    ("signed_on", "签约日期", False, ("signed_on",)),
    ("contract_number", "合同编号", False, ("contract_number",)),
    ("sales_consultant", "置业顾问", False, ("sales_consultant",)),
]
HEADER_OF = {name: header for name, header, _r, _a in COLUMNS}
# Text columns and the max_length of the model field each one is stored in.
TEXT_COLUMNS = {
    "building": Building._meta.get_field("name").max_length,
    "phase": Building._meta.get_field("phase").max_length,
    "number": Unit._meta.get_field("number").max_length,
    "unit_type": Unit._meta.get_field("unit_type").max_length,
    "customer_name": Customer._meta.get_field("name").max_length,
    "phone": Customer._meta.get_field("phone").max_length,
    "id_number": Customer._meta.get_field("id_number").max_length,
    "emergency_contact": Customer._meta.get_field("emergency_contact").max_length,
    "emergency_phone": Customer._meta.get_field("emergency_phone").max_length,
    "contract_number": Purchase._meta.get_field("contract_number").max_length,
    "sales_consultant": Purchase._meta.get_field("sales_consultant").max_length,
}
_area_field = Unit._meta.get_field("area")
MAX_AREA = Decimal(10) ** (_area_field.max_digits - _area_field.decimal_places)
# Dates outside EARLIEST_DATE..LATEST_DATE (the forms' plausible range) are typing errors
# (0001-01-01, 9999-12-31, an Excel serial read as a year), not dates of a sale or a birthday.
# Control characters (NUL included) cannot be stored by PostgreSQL or are invisible garbage;
# U+FFFD is what a wrong decoding leaves behind.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REPLACEMENT_CHAR = "\ufffd"
# Python's csv module refuses a field longer than this (csv.field_size_limit()).
CSV_FIELD_LIMIT = csv.field_size_limit()
EXCEL_MAX_ROWS = 1_048_576
# Errors kept on the batch (all are counted); the page shows them all.
MAX_STORED_ERRORS = 1000
# Encodings accepted for a CSV besides UTF-8, as charset-normalizer names them; and the most
# "chaos" (charset-normalizer's measure of garbled text, 0..1) accepted for a detection.
GB_ENCODINGS = {"gb18030", "gbk", "gb2312"}
MAX_CHAOS = 0.1
# Share of the progress bar given to validation; applying takes the rest.
VALIDATION_SHARE = 60


def id_type_lookup() -> dict[str, str]:
    """ID-type labels accepted in a file: the codes and the labels in every UI language.

    Built per import (not at module import) so that it does not depend on the language that
    happened to be active when the module was first imported.
    """
    lookup: dict[str, str] = {value: value for value in IdType.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lookup.update({str(label): value for value, label in IdType.choices})
    lookup.update({"身份证": IdType.ID_CARD, "护照": IdType.PASSPORT})
    return lookup


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``row`` is where reading stopped (1 = header)."""

    def __init__(self, message, row: int = 1):
        super().__init__(message)
        self.row = row


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def template_rows() -> list[str]:
    return [title for _n, title, _r, _a in COLUMNS]
