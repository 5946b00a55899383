"""Checking every row of a file before anything is written (R-X-6): types, ranges, ID numbers,
and the consistency of one unit or customer across rows."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salesite.forms import EARLIEST_DATE, LATEST_DATE
from salesite.imports.columns import (
    _BAD_CHARS,
    COLUMNS,
    EXCEL_MAX_ROWS,
    HEADER_OF,
    MAX_AREA,
    MAX_STORED_ERRORS,
    REPLACEMENT_CHAR,
    TEXT_COLUMNS,
    ImportFileError,
    Row,
    _text,
    id_type_lookup,
)
from salesite.imports.reading import _limits_message_rows, read_rows
from salesite.models.projects import IdType, validate_cn_id_card


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
