"""Owner-register and unit-list import (R-X-6) from .xlsx or .csv, as a background job.

The upload stores the file under the private media root and creates an ``ImportBatch`` at once
(``import_batch_create``); a Celery task (``salesite.tasks.import_batch_process``) then runs
``process_batch``: it validates every row, then applies the whole file in one transaction with
bulk inserts — or nothing. Each error names its row number (as in the spreadsheet, the header
being row 1) and its column. Rows are matched on natural keys — building name, (building, unit
number), (id type, id number), (unit, customer) — so importing the same file again creates
nothing twice. ``import_register`` runs the same job synchronously (command line, demo).

Hostile files are bounded while streaming: the upload size (``IMPORT_MAX_BYTES``), the data
rows (``IMPORT_MAX_ROWS``), the header's width (``IMPORT_MAX_COLUMNS``; a row is read only as
wide as its header, whatever the sheet's declared dimension) and an .xlsx's unpacked size
(``IMPORT_MAX_UNCOMPRESSED_BYTES``, checked on the zip directory before the workbook is
opened). A CSV must be UTF-8 or GB18030/GBK detected with confidence (charset-normalizer):
anything else (Big5, UTF-16, a guess) is refused rather than stored as mojibake.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import gc
import hashlib
import io
import logging
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salesite.forms import EARLIEST_DATE, LATEST_DATE
from salesite.models import Building, Customer, ImportBatch, Project, Purchase, Unit
from salesite.models.projects import IdType, validate_cn_id_card
from salesite.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

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


# --- reading: bounded, streaming ------------------------------------------------------------


def _limits_message_rows(limit: int) -> str:
    return _("文件的数据行超过 %(n)s 行的上限。请把清册拆分成多个文件分别导入。") % {"n": limit}


def check_xlsx_archive(fileobj) -> None:
    """Refuse a zip bomb before openpyxl unpacks anything: the sizes in the zip directory
    bound what Python's zipfile will unpack (it stops at the declared size of a member)."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("无法读取 Excel 文件：不是有效的 .xlsx 文件。")) from exc
    finally:
        fileobj.seek(0)
    total = sum(member.file_size for member in members)
    if len(members) > 1000 or total > limit:
        raise ImportFileError(
            _(
                "Excel 文件解压后超过 %(limit)s，已拒绝（可能含有大量空白格式或是恶意文件）。"
                "请只保留数据区域，另存为新文件后重新上传。"
            )
            % {"limit": filesizeformat(limit)}
        )


def _xlsx_rows(fileobj) -> tuple[list[str], Iterator[tuple[int, tuple]], int]:
    """Header, data rows as (row number, values) and the declared row count of the first
    sheet. Rows are streamed (read-only mode) and cut at the header's width, so a sheet that
    declares ``A1:XFD1048576`` costs what its real cells cost."""
    import openpyxl

    check_xlsx_archive(fileobj)
    try:
        wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        first = next(
            ws.iter_rows(
                min_row=1, max_row=1, max_col=settings.IMPORT_MAX_COLUMNS, values_only=True
            ),
            (),
        )
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("无法读取 Excel 文件：%(e)s") % {"e": exc}) from exc
    header = _header(first)
    declared = ws.max_row if isinstance(ws.max_row, int) else 0

    def rows():
        try:
            if not header:
                return
            yield from enumerate(
                ws.iter_rows(
                    min_row=2, max_row=EXCEL_MAX_ROWS, max_col=len(header), values_only=True
                ),
                start=2,
            )
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(_("无法读取 Excel 文件：%(e)s") % {"e": exc}) from exc
        finally:
            wb.close()

    return header, rows(), declared


def _is_utf8(content: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    try:
        for start in range(0, len(content), step):
            decoder.decode(content[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_csv_encoding(content: bytes) -> str:
    """UTF-8 (with or without BOM), or GB18030 when charset-normalizer is confident of a GB
    encoding; anything else is refused: GB18030 decodes nearly any bytes, so decoding "what
    works" would store a Big5 file as mojibake."""
    from charset_normalizer import from_bytes

    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if _is_utf8(content):
        return "utf-8"
    best = from_bytes(content).best()
    if best is not None and best.encoding in GB_ENCODINGS and best.chaos <= MAX_CHAOS:
        return "gb18030"
    detected = best.encoding if best is not None else _("无法识别")
    raise ImportFileError(
        _(
            "无法确认 CSV 文件的编码（检测结果：%(enc)s）。只能导入 UTF-8 或 GBK/GB18030 编码的"
            "简体中文文件；请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后重新上传，"
            "或直接上传 .xlsx 文件。"
        )
        % {"enc": detected}
    )


def _csv_rows(fileobj) -> tuple[list[str], Iterator[tuple[int, tuple]], int]:
    content = fileobj.read()
    encoding = detect_csv_encoding(content)
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, errors="strict", newline="")
    reader = csv.reader(text)
    number = 1

    def next_record():
        try:
            return next(reader, None)
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("第 %(row)s 行附近有无法按 %(enc)s 解码的字节，文件编码不一致，未导入。")
                % {"row": number, "enc": encoding.upper()},
                row=number,
            ) from exc
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                message = _(
                    "第 %(row)s 行有一个字段超过 %(n)s 个字符，文件无法读取。"
                    "请检查该行是否少了一个结束引号。"
                ) % {"row": number, "n": CSV_FIELD_LIMIT}
            else:
                message = _("第 %(row)s 行不是有效的 CSV：%(e)s") % {"row": number, "e": exc}
            raise ImportFileError(message, row=number) from exc

    first = next_record()
    header = _header((first or [])[: settings.IMPORT_MAX_COLUMNS])
    declared = content.count(b"\n")

    def rows():
        nonlocal number
        while True:
            number += 1
            record = next_record()
            if record is None:
                return
            yield number, record

    return header, rows(), declared


def _header(cells) -> list[str]:
    header = [_text(h) for h in cells]
    while header and not header[-1]:
        header.pop()
    return header


def read_rows(name: str, fileobj) -> tuple[list[str], Iterator[tuple[int, tuple]], int]:
    """(header, rows, declared row count). Raises ImportFileError, also while iterating."""
    if name.lower().endswith(".xlsx"):
        header, rows, declared = _xlsx_rows(fileobj)
    else:
        header, rows, declared = _csv_rows(fileobj)
    if not header:
        raise ImportFileError(_("文件是空的。"))
    return header, rows, declared


def _map_header(header: list[str]) -> dict[str, int]:
    lookup = {}
    for name, title, _required, aliases in COLUMNS:
        for alias in (title, *aliases):
            lookup[alias.lower()] = name
    mapping = {}
    for index, title in enumerate(header):
        name = lookup.get(title.lower())
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        text = _text(value)
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
            try:
                value = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(_("日期格式应为 2024-05-01"))
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            _("日期 %(d)s 超出合理范围（%(min)s 至 %(max)s）")
            % {
                "d": value.isoformat(),
                "min": EARLIEST_DATE.isoformat(),
                "max": LATEST_DATE.isoformat(),
            }
        )
    return value


class Errors:
    """Row errors: all counted, the first ones kept (memory stays bounded on a bad file)."""

    KEEP = 20 * MAX_STORED_ERRORS

    def __init__(self):
        self.items: list[dict] = []
        self.count = 0
        self.rows: set[int] = set()

    def add(self, row: int, column: str, message) -> None:
        self.count += 1
        self.rows.add(row)
        if len(self.items) < self.KEEP:
            self.items.append({"row": row, "column": column, "message": str(message)})

    def __bool__(self):
        return self.count > 0

    def stored(self) -> list[dict]:
        return sorted(self.items, key=lambda e: e["row"])[:MAX_STORED_ERRORS]


def _parse_row(
    row: Row, raw, mapping: dict[str, int], errors: Errors, id_types: dict[str, str]
) -> None:
    def err(name, message):
        errors.add(row.number, HEADER_OF[name], message)

    def cell(name):
        index = mapping.get(name)
        value = raw[index] if index is not None and index < len(raw) else None
        if isinstance(value, str):
            # Reported once here; the rest of the checks see the value without them.
            if _BAD_CHARS.search(value):
                err(name, _("含有不可见的控制字符（如 NUL），请删除后重新上传"))
                value = _BAD_CHARS.sub("", value)
            if REPLACEMENT_CHAR in value:
                err(name, _("含有乱码字符“\ufffd”，文件编码可能有误，请检查后重新上传"))
                value = value.replace(REPLACEMENT_CHAR, "")
        return value

    v = row.values
    too_long = set()
    for name, max_length in TEXT_COLUMNS.items():
        v[name] = _text(cell(name))
        # A value longer than its database column would fail the whole import (or be cut).
        if len(v[name]) > max_length:
            err(name, _("不能超过 %(n)s 个字符") % {"n": max_length})
            too_long.add(name)
    for name in ("building", "number"):
        if not v[name]:
            err(name, _("必填"))
    floor = _text(cell("floor"))
    v["floor"] = None
    if floor:
        try:
            v["floor"] = int(floor)
            if not -999 <= v["floor"] <= 999:
                err("floor", _("楼层超出范围"))
        except ValueError:
            err("floor", _("楼层应为整数"))
    area = _text(cell("area"))
    v["area"] = None
    if area:
        try:
            v["area"] = Decimal(area).quantize(Decimal("0.01"))
            if not v["area"].is_finite():
                raise InvalidOperation
            if v["area"] <= 0:
                err("area", _("建筑面积必须大于 0"))
            elif v["area"] >= MAX_AREA:
                err("area", _("建筑面积过大"))
        except InvalidOperation:
            err("area", _("建筑面积应为数字"))
    for name in ("birthday", "subscribed_on", "signed_on"):
        try:
            v[name] = _date(cell(name))
        except ValueError as exc:
            err(name, exc)
            v[name] = None
    id_type_text = _text(cell("id_type"))
    v["id_type"] = id_types.get(id_type_text) if id_type_text else IdType.ID_CARD
    if v["id_type"] is None:
        err("id_type", _("证件类型“%(t)s”无法识别") % {"t": id_type_text[:50]})
    v["has_customer"] = bool(v["customer_name"] or v["phone"] or v["id_number"])
    if v["has_customer"]:
        if not v["customer_name"]:
            err("customer_name", _("填写了客户信息时，客户姓名必填"))
        if not v["phone"]:
            err("phone", _("填写了客户信息时，手机必填"))
        elif not v["phone"].replace("-", "").isdigit() or len(v["phone"]) < 7:
            err("phone", _("电话号码无效"))
        if not v["id_number"]:
            err("id_number", _("填写了客户信息时，证件号码必填"))
        elif v["id_type"] == IdType.ID_CARD and "id_number" not in too_long:
            v["id_number"] = v["id_number"].upper()
            try:
                validate_cn_id_card(v["id_number"])
            except ValidationError as exc:
                err("id_number", exc.messages[0])
        if v["birthday"] and v["birthday"] > datetime.date.today():
            err("birthday", _("生日不能晚于今天"))
        if v["subscribed_on"] and v["signed_on"] and v["signed_on"] < v["subscribed_on"]:
            err("signed_on", _("签约日期不能早于认购日期"))
    elif v["subscribed_on"] or v["signed_on"]:
        err("customer_name", _("有认购/签约日期时必须填写客户"))


def _check_consistency(rows: list[Row], errors: Errors) -> None:
    """The same unit or customer must not carry two different values within one file."""
    units: dict[tuple, tuple] = {}
    customers: dict[tuple, tuple] = {}
    pairs: set[tuple] = set()
    for row in rows:
        v = row.values
        ukey = (v["building"], v["number"])
        uval = (v["floor"], v["unit_type"], v["area"])
        if ukey in units and units[ukey][1] != uval:
            errors.add(
                row.number,
                HEADER_OF["number"],
                _("与第 %(r)s 行同一房号的楼层/户型/面积不一致") % {"r": units[ukey][0]},
            )
        units.setdefault(ukey, (row.number, uval))
        if v["has_customer"]:
            ckey = (v["id_type"], v["id_number"])
            cval = (v["customer_name"], v["phone"])
            if ckey in customers and customers[ckey][1] != cval:
                errors.add(
                    row.number,
                    HEADER_OF["id_number"],
                    _("与第 %(r)s 行同一证件号码的姓名/手机不一致") % {"r": customers[ckey][0]},
                )
            customers.setdefault(ckey, (row.number, cval))
            pair = (ukey, ckey)
            if pair in pairs:
                errors.add(row.number, HEADER_OF["number"], _("同一客户与房号在文件中重复出现"))
            pairs.add(pair)


def _is_blank(raw) -> bool:
    return not any(c is not None and _text(c) for c in raw)


def validate_file(
    name: str, fileobj, *, on_progress: Callable[[int, int], None] | None = None
) -> tuple[list[Row], Errors]:
    """Read and check every row; ``on_progress(rows_read, rows_expected)`` now and then."""
    if isinstance(fileobj, bytes | bytearray):
        fileobj = io.BytesIO(fileobj)
    errors = Errors()
    rows: list[Row] = []
    try:
        header, raw_rows, declared = read_rows(name, fileobj)
        mapping = _map_header(header)
        missing = [t for fname, t, required, _a in COLUMNS if required and fname not in mapping]
        for title in missing:
            errors.add(1, title, _("缺少必需的列“%(c)s”") % {"c": title})
        if missing:
            return [], errors
        id_types = id_type_lookup()
        max_rows = settings.IMPORT_MAX_ROWS
        expected = min(max(declared - 1, 1), max_rows)
        blank = None
        for number, raw in raw_rows:
            # Blank lines are skipped, not errors. openpyxl fills a gap in a sheet's rows with
            # one shared empty tuple: recognising it by identity keeps a sheet with a lone
            # cell at row 1,048,576 cheap.
            if raw is blank:
                continue
            if number > EXCEL_MAX_ROWS:
                raise ImportFileError(_limits_message_rows(max_rows), row=number)
            if _is_blank(raw):
                blank = raw
                continue
            if len(rows) >= max_rows:
                raise ImportFileError(_limits_message_rows(max_rows), row=number)
            row = Row(number=number)
            _parse_row(row, raw, mapping, errors, id_types)
            rows.append(row)
            if on_progress and len(rows) % 2000 == 0:
                on_progress(len(rows), max(expected, len(rows)))
    except ImportFileError as exc:
        errors.add(exc.row, "", exc)
        return [], errors
    if not rows:
        errors.add(2, "", _("文件中没有数据行"))
    # Cross-row checks run on the rows that parsed cleanly, so that one upload reports every
    # error (a row's own errors would only make its values look inconsistent).
    _check_consistency([r for r in rows if r.number not in errors.rows], errors)
    return rows, errors


# --- applying: one transaction, bulk writes ----------------------------------------------------


def _non_empty(values: dict) -> dict:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _plan(items, existing: dict) -> tuple[dict, dict]:
    """Which records to create and which to update.

    ``items`` yields (natural key, values) in file order; ``existing`` maps a key to (pk,
    current values). A new record takes its first row's values, and later rows fill in what
    they carry; an existing one takes every non-empty value of its rows. Returns ``create``
    (key → values) and ``update`` (key → (pk, values, old values) for the records that change).
    """
    create: dict = {}
    touched: dict = {}
    for key, values in items:
        if key in create:
            create[key].update(_non_empty(values))
        elif key in existing:
            touched.setdefault(key, dict(existing[key][1])).update(_non_empty(values))
        else:
            create[key] = dict(values)
    update = {
        key: (existing[key][0], merged, existing[key][1])
        for key, merged in touched.items()
        if merged != existing[key][1]
    }
    return create, update


BATCH_SIZE = 2000


def _bulk_create(model, keyed: dict, make) -> dict:
    """Insert ``make(key, values)`` for every entry, in batches; return key → new pk."""
    pks = {}
    items = list(keyed.items())
    for start in range(0, len(items), BATCH_SIZE):
        chunk = items[start : start + BATCH_SIZE]
        objs = model.objects.bulk_create([make(key, values) for key, values in chunk])
        for (key, _values), obj in zip(chunk, objs, strict=True):
            pks[key] = obj.pk
    return pks


def _bulk_update(model, update: dict, fields: list[str], audit: dict, **extra) -> None:
    """Update in batches, and record each change in the audit log as a save would (bulk
    writes bypass django-auditlog's signals): who, which batch, each field's old and new
    value. New records are not logged one by one: the batch (file, checksum, counts) is
    their record."""
    objs = [model(pk=pk, **values, **extra) for pk, values, _old in update.values()]
    model.objects.bulk_update(objs, [*fields, *extra], batch_size=BATCH_SIZE)
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(pk),
                object_id=pk,
                object_repr=_audit_repr(key, values),
                action=LogEntry.Action.UPDATE,
                changes={
                    f: [_audit_text(old[f]), _audit_text(values[f])]
                    for f in fields
                    if old[f] != values[f]
                },
                actor_id=audit.get("actor_id"),
                additional_data={"import_batch": audit.get("batch_id")},
            )
            for key, (pk, values, old) in update.items()
        ],
        batch_size=BATCH_SIZE,
    )


def _audit_repr(key, values: dict) -> str:
    # As str() of the record says it: a customer by name, a unit as 1幢-101.
    if values.get("name"):
        return values["name"]
    return key if isinstance(key, str) else "-".join(map(str, key))


def _audit_text(value) -> str:
    return "None" if value is None else str(value)


UNIT_FIELDS = ["floor", "unit_type", "area"]
CUSTOMER_FIELDS = ["name", "phone", "emergency_contact", "emergency_phone", "birthday"]
PURCHASE_FIELDS = ["subscribed_on", "signed_on", "contract_number", "sales_consultant"]


def _apply(project: Project, rows: list[Row], *, actor_id=None, batch_id=None) -> tuple[dict, dict]:
    """Write the validated rows: a few queries to read what exists, then bulk inserts and
    updates. Runs inside the caller's transaction; the project row is locked so that two
    imports of one project apply one after the other."""
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    values = [r.values for r in rows]
    now = timezone.now()
    audit = {"actor_id": actor_id, "batch_id": batch_id}
    created, updated = {}, {}

    existing = {
        name: (pk, {"phase": phase})
        for pk, name, phase in Building.objects.filter(project=project).values_list(
            "pk", "name", "phase"
        )
    }
    create, update = _plan(((v["building"], {"phase": v["phase"]}) for v in values), existing)
    building_pks = {key: pk for key, (pk, _cur) in existing.items()}
    building_pks |= _bulk_create(
        Building, create, lambda key, val: Building(project=project, name=key, **val)
    )
    _bulk_update(Building, update, ["phase"], audit)
    created["buildings"], updated["buildings"] = len(create), len(update)

    existing = {
        (building, number): (pk, {"floor": floor, "unit_type": unit_type, "area": area})
        for pk, building, number, floor, unit_type, area in Unit.objects.filter(
            project=project
        ).values_list("pk", "building__name", "number", "floor", "unit_type", "area")
    }
    create, update = _plan(
        (((v["building"], v["number"]), {f: v[f] for f in UNIT_FIELDS}) for v in values),
        existing,
    )
    unit_pks = {key: pk for key, (pk, _cur) in existing.items()}
    unit_pks |= _bulk_create(
        Unit,
        create,
        lambda key, val: Unit(
            project=project, building_id=building_pks[key[0]], number=key[1], **val
        ),
    )
    _bulk_update(Unit, update, UNIT_FIELDS, audit)
    created["units"], updated["units"] = len(create), len(update)

    with_customer = [v for v in values if v["has_customer"]]
    existing = {
        (row[1], row[2]): (row[0], dict(zip(CUSTOMER_FIELDS, row[3:], strict=True)))
        for row in Customer.objects.filter(project=project).values_list(
            "pk", "id_type", "id_number", *CUSTOMER_FIELDS
        )
    }
    create, update = _plan(
        (
            (
                (v["id_type"], v["id_number"]),
                {
                    "name": v["customer_name"],
                    "phone": v["phone"],
                    "emergency_contact": v["emergency_contact"],
                    "emergency_phone": v["emergency_phone"],
                    "birthday": v["birthday"],
                },
            )
            for v in with_customer
        ),
        existing,
    )
    customer_pks = {key: pk for key, (pk, _cur) in existing.items()}
    customer_pks |= _bulk_create(
        Customer,
        create,
        lambda key, val: Customer(project=project, id_type=key[0], id_number=key[1], **val),
    )
    _bulk_update(Customer, update, CUSTOMER_FIELDS, audit, updated_at=now)
    created["customers"], updated["customers"] = len(create), len(update)

    existing = {
        (row[1], row[2]): (row[0], dict(zip(PURCHASE_FIELDS, row[3:], strict=True)))
        for row in Purchase.objects.filter(project=project).values_list(
            "pk", "unit_id", "customer_id", *PURCHASE_FIELDS
        )
    }
    create, update = _plan(
        (
            (
                (
                    unit_pks[(v["building"], v["number"])],
                    customer_pks[(v["id_type"], v["id_number"])],
                ),
                {f: v[f] for f in PURCHASE_FIELDS},
            )
            for v in with_customer
        ),
        existing,
    )
    _bulk_create(
        Purchase,
        create,
        lambda key, val: Purchase(project=project, unit_id=key[0], customer_id=key[1], **val),
    )
    _bulk_update(Purchase, update, PURCHASE_FIELDS, audit)
    created["purchases"], updated["purchases"] = len(create), len(update)
    return created, updated


# --- the job -------------------------------------------------------------------------------


def _set(batch_id: int, **fields) -> int:
    """Update an unfinished batch (autocommit, so that the batch page sees it at once)."""
    return (
        ImportBatch.objects.filter(pk=batch_id)
        .exclude(status__in=ImportBatch.FINISHED)
        .update(**fields)
    )


def _claim(batch_id: int) -> ImportBatch | None:
    """Take an unfinished batch for processing; None if it is gone or already finished.

    A batch left validating or applying by a crashed worker is taken again: nothing of it was
    applied (the apply is one transaction), so the run starts clean."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.is_finished:
            return None
        batch.status = ImportBatch.Status.VALIDATING
        batch.attempts += 1
        batch.progress = 0
        batch.started_at = timezone.now()
        batch.errors, batch.error_count = [], 0
        batch.save(
            update_fields=["status", "attempts", "progress", "started_at", "errors", "error_count"]
        )
    return batch


def process_batch(batch_id: int) -> str | None:
    """Validate a stored batch, then apply all of it in one transaction, or nothing.

    Idempotent: a finished batch is left alone, and a second run at the same time waits for
    the first one's apply on the batch row lock and then finds it finished. Returns the final
    status, or None when there was nothing to do."""
    batch = _claim(batch_id)
    if batch is None:
        return None
    last_progress = [0.0]

    def on_progress(done: int, expected: int) -> None:
        if time.monotonic() - last_progress[0] >= 1:
            last_progress[0] = time.monotonic()
            percent = min(VALIDATION_SHARE - 1, VALIDATION_SHARE * done // max(expected, 1))
            _set(batch_id, progress=percent, row_count=done)

    try:
        with _gc_paused():
            rows, errors = _validate_stored(batch, on_progress)
        if errors:
            _finish(
                batch_id,
                ImportBatch.Status.REJECTED,
                row_count=len(rows),
                errors=errors.stored(),
                error_count=errors.count,
            )
            return ImportBatch.Status.REJECTED
        if not _set(
            batch_id,
            status=ImportBatch.Status.APPLYING,
            progress=VALIDATION_SHARE,
            row_count=len(rows),
        ):
            return None
        for attempt in (1, 2):
            try:
                with _gc_paused():
                    return _apply_batch(batch_id, batch.project, rows)
            except IntegrityError:
                # A record of the same natural key was written by someone else meanwhile:
                # the transaction rolled back whole, so applying again starts clean.
                if attempt == 2:
                    raise
    except Exception:
        logger.exception("owner-register import %s failed", batch_id)
        _finish(
            batch_id,
            ImportBatch.Status.FAILED,
            errors=[
                {
                    "row": 0,
                    "column": "",
                    "message": _(
                        "导入时发生系统错误，未导入任何数据。请稍后重新上传或联系管理员。"
                    ),
                }
            ],
            error_count=1,
        )
        return ImportBatch.Status.FAILED
    return None


@contextlib.contextmanager
def _gc_paused():
    """The cyclic garbage collector off while a file is read and applied: the tens of
    thousands of rows held make every full collection walk them all, which more than doubled
    the time of a 50,000-row .xlsx (44 s -> 20 s). Reading creates no reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate_stored(batch: ImportBatch, on_progress) -> tuple[list[Row], Errors]:
    limit = settings.IMPORT_MAX_BYTES
    if batch.file_size > limit:
        errors = Errors()
        errors.add(
            1,
            "",
            _("文件过大（%(size)s），不能超过 %(limit)s。")
            % {"size": filesizeformat(batch.file_size), "limit": filesizeformat(limit)},
        )
        return [], errors
    with batch.file.open("rb") as fh:
        return validate_file(batch.file_name, fh, on_progress=on_progress)


def _apply_batch(batch_id: int, project: Project, rows: list[Row]) -> str | None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != ImportBatch.Status.APPLYING:
            return None
        batch.created_counts, batch.updated_counts = _apply(
            project, rows, actor_id=batch.imported_by_id, batch_id=batch.pk
        )
        batch.status = ImportBatch.Status.IMPORTED
        batch.progress = 100
        batch.finished_at = timezone.now()
        batch.save(
            update_fields=["created_counts", "updated_counts", "status", "progress", "finished_at"]
        )
    return ImportBatch.Status.IMPORTED


def _finish(batch_id: int, status: str, **fields) -> None:
    _set(batch_id, status=status, progress=100, finished_at=timezone.now(), **fields)


# --- entry points ------------------------------------------------------------------------------


@transaction.atomic
def import_batch_create(*, project: Project, uploaded, user=None, enqueue: bool = True):
    """Store the uploaded file and record a queued batch; the worker is asked to process it
    once this transaction commits."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    name = os.path.basename(getattr(uploaded, "name", None) or "upload.csv")
    batch = ImportBatch(
        project=project,
        file_name=name[:255],
        file_size=uploaded.size or 0,
        sha256=digest.hexdigest(),
        imported_by=user,
        status=ImportBatch.Status.QUEUED,
    )
    batch.file.save(name, uploaded, save=False)
    batch.save()
    if enqueue:
        from salesite.tasks import import_batch_process

        # A broker error is logged, not raised: the batch stays queued for the requeue sweep.
        enqueue_on_commit(import_batch_process, batch.pk)
    return batch


# A queued batch older than this was never handed to a worker (the broker was down at the
# upload); a batch validating or applying for longer lost its worker without a redelivery.
STALE_QUEUED = datetime.timedelta(minutes=10)
STALE_RUNNING = datetime.timedelta(minutes=30)


def stale_batch_ids(now=None) -> list[int]:
    """Unfinished batches that no worker seems to hold: the beat sweep queues them again
    (the task is idempotent, so a batch still running meanwhile is not applied twice)."""
    now = now or timezone.now()
    return list(
        ImportBatch.objects.filter(
            Q(status=ImportBatch.Status.QUEUED, created_at__lt=now - STALE_QUEUED)
            | Q(
                status__in=[ImportBatch.Status.VALIDATING, ImportBatch.Status.APPLYING],
                started_at__lt=now - STALE_RUNNING,
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def import_register(*, project: Project, uploaded, user=None) -> ImportBatch:
    """Validate the whole file, then import all of it in one transaction — or nothing; in
    this process (the command line and the demo use it; the upload page queues the job)."""
    batch = import_batch_create(project=project, uploaded=uploaded, user=user, enqueue=False)
    process_batch(batch.pk)
    batch.refresh_from_db()
    return batch


def template_rows() -> list[str]:
    return [title for _n, title, _r, _a in COLUMNS]
