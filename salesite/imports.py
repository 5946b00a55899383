"""Owner-register and unit-list import (R-X-6) from .xlsx or .csv.

Every row is validated first; each error names its row number (as in the spreadsheet, the
header being row 1) and its column. A file with any error imports nothing. Rows are matched
on natural keys — building name, (building, unit number), (id type, id number), (unit,
customer) — so importing the same file again creates nothing twice.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from salesite.models import Building, Customer, ImportBatch, Project, Purchase, Unit
from salesite.models.projects import IdType, validate_cn_id_card

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
    pass


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)


def _read_rows(name: str, content: bytes) -> tuple[list[str], list[list]]:
    if name.lower().endswith(".xlsx"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError(_("无法读取 Excel 文件：%(e)s") % {"e": exc}) from exc
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("CSV 文件编码无法识别，请保存为 UTF-8。"))
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ImportFileError(_("文件是空的。"))
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return header, rows[1:]


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
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("日期格式应为 2024-05-01"))


def _parse_row(
    row: Row, raw: list, mapping: dict[str, int], errors: list[dict], id_types: dict[str, str]
) -> None:
    def err(name, message):
        errors.append({"row": row.number, "column": HEADER_OF[name], "message": str(message)})

    def cell(name):
        index = mapping.get(name)
        return raw[index] if index is not None and index < len(raw) else None

    v = row.values
    for name, max_length in TEXT_COLUMNS.items():
        v[name] = _text(cell(name))
        # A value longer than its database column would fail the whole import (or be cut).
        if len(v[name]) > max_length:
            err(name, _("不能超过 %(n)s 个字符") % {"n": max_length})
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
        err("id_type", _("证件类型“%(t)s”无法识别") % {"t": id_type_text})
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
        elif v["id_type"] == IdType.ID_CARD:
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


def _check_consistency(rows: list[Row], errors: list[dict]) -> None:
    """The same unit or customer must not carry two different values within one file."""
    units: dict[tuple, tuple] = {}
    customers: dict[tuple, tuple] = {}
    pairs: set[tuple] = set()
    for row in rows:
        v = row.values
        ukey = (v["building"], v["number"])
        uval = (v["floor"], v["unit_type"], v["area"])
        if ukey in units and units[ukey][1] != uval:
            errors.append(
                {
                    "row": row.number,
                    "column": HEADER_OF["number"],
                    "message": _("与第 %(r)s 行同一房号的楼层/户型/面积不一致")
                    % {"r": units[ukey][0]},
                }
            )
        units.setdefault(ukey, (row.number, uval))
        if v["has_customer"]:
            ckey = (v["id_type"], v["id_number"])
            cval = (v["customer_name"], v["phone"])
            if ckey in customers and customers[ckey][1] != cval:
                errors.append(
                    {
                        "row": row.number,
                        "column": HEADER_OF["id_number"],
                        "message": _("与第 %(r)s 行同一证件号码的姓名/手机不一致")
                        % {"r": customers[ckey][0]},
                    }
                )
            customers.setdefault(ckey, (row.number, cval))
            pair = (ukey, ckey)
            if pair in pairs:
                errors.append(
                    {
                        "row": row.number,
                        "column": HEADER_OF["number"],
                        "message": _("同一客户与房号在文件中重复出现"),
                    }
                )
            pairs.add(pair)


def _changed(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def validate_file(name: str, content: bytes) -> tuple[list[Row], list[dict]]:
    errors: list[dict] = []
    try:
        header, raw_rows = _read_rows(name, content)
    except ImportFileError as exc:
        return [], [{"row": 1, "column": "", "message": str(exc)}]
    mapping = _map_header(header)
    missing = [title for fname, title, required, _a in COLUMNS if required and fname not in mapping]
    if missing:
        return [], [
            {"row": 1, "column": title, "message": _("缺少必需的列“%(c)s”") % {"c": title}}
            for title in missing
        ]
    rows = []
    id_types = id_type_lookup()
    for offset, raw in enumerate(raw_rows, start=2):
        if not any(_text(c) for c in raw):
            continue  # blank lines are skipped, not errors
        row = Row(number=offset)
        _parse_row(row, raw, mapping, errors, id_types)
        rows.append(row)
    if not rows:
        errors.append({"row": 2, "column": "", "message": _("文件中没有数据行")})
    # Cross-row checks run on the rows that parsed cleanly, so that one upload reports every
    # error (a row's own errors would only make its values look inconsistent).
    rows_with_errors = {e["row"] for e in errors}
    _check_consistency([r for r in rows if r.number not in rows_with_errors], errors)
    errors.sort(key=lambda e: e["row"])
    return rows, errors


@transaction.atomic
def _apply(project: Project, rows: list[Row]) -> tuple[dict, dict]:
    created = {"buildings": 0, "units": 0, "customers": 0, "purchases": 0}
    updated = {"buildings": 0, "units": 0, "customers": 0, "purchases": 0}
    # One import of a project at a time: a second one waits here, then sees the buildings,
    # units and customers the first created, instead of failing on their unique constraints.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    buildings = {b.name: b for b in Building.objects.select_for_update().filter(project=project)}
    for row in rows:
        v = row.values
        b = buildings.get(v["building"])
        if b is None:
            b = buildings[v["building"]] = Building.objects.create(
                project=project, name=v["building"], phase=v["phase"]
            )
            created["buildings"] += 1
        elif v["phase"] and _changed(b, {"phase": v["phase"]}):
            b.save(update_fields=["phase"])
            updated["buildings"] += 1

    units = {
        (u.building.name, u.number): u
        for u in Unit.objects.filter(project=project).select_related("building")
    }
    customers = {(c.id_type, c.id_number): c for c in Customer.objects.filter(project=project)}
    purchases = {(p.unit_id, p.customer_id): p for p in Purchase.objects.filter(project=project)}
    for row in rows:
        v = row.values
        ukey = (v["building"], v["number"])
        unit_values = {"floor": v["floor"], "unit_type": v["unit_type"], "area": v["area"]}
        unit = units.get(ukey)
        if unit is None:
            unit = units[ukey] = Unit(
                building=buildings[v["building"]], number=v["number"], **unit_values
            )
            unit.save()
            created["units"] += 1
        elif _changed(unit, {k: val for k, val in unit_values.items() if val not in (None, "")}):
            unit.save()
            updated["units"] += 1
        if not v["has_customer"]:
            continue
        ckey = (v["id_type"], v["id_number"])
        customer_values = {
            "name": v["customer_name"],
            "phone": v["phone"],
            "emergency_contact": v["emergency_contact"],
            "emergency_phone": v["emergency_phone"],
            "birthday": v["birthday"],
        }
        customer = customers.get(ckey)
        if customer is None:
            customer = customers[ckey] = Customer.objects.create(
                project=project, id_type=v["id_type"], id_number=v["id_number"], **customer_values
            )
            created["customers"] += 1
        elif _changed(
            customer, {k: val for k, val in customer_values.items() if val not in (None, "")}
        ):
            customer.save()
            updated["customers"] += 1
        purchase_values = {
            "subscribed_on": v["subscribed_on"],
            "signed_on": v["signed_on"],
            "contract_number": v["contract_number"],
            "sales_consultant": v["sales_consultant"],
        }
        purchase = purchases.get((unit.pk, customer.pk))
        if purchase is None:
            purchases[(unit.pk, customer.pk)] = Purchase.objects.create(
                unit=unit, customer=customer, **purchase_values
            )
            created["purchases"] += 1
        elif _changed(
            purchase, {k: val for k, val in purchase_values.items() if val not in (None, "")}
        ):
            purchase.save()
            updated["purchases"] += 1
    return created, updated


def import_register(*, project: Project, uploaded, user=None) -> ImportBatch:
    """Validate the whole file, then import all of it in one transaction — or nothing."""
    content = uploaded.read()
    name = getattr(uploaded, "name", "upload.csv")
    rows, errors = validate_file(name, content)
    batch = ImportBatch(
        project=project,
        file_name=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=len(rows),
        imported_by=user,
    )
    if errors:
        batch.status = ImportBatch.Status.REJECTED
        batch.errors = errors[:1000]
    else:
        batch.status = ImportBatch.Status.IMPORTED
        batch.created_counts, batch.updated_counts = _apply(project, rows)
    batch.save()
    return batch


def template_rows() -> list[str]:
    return [title for _n, title, _r, _a in COLUMNS]
