"""Owner-register import against hostile or broken files (issue 12, items 3 and 5): import
bombs, upload and row limits, encodings that are not UTF-8 or GBK, NUL bytes, over-long
fields, far dates and a CSV field over Python's csv limit — each refused with a clear message
(by row and column where there is one), never a 500 and never stored as garbage."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from salesite.imports import HEADER_OF, TEXT_COLUMNS, import_register
from salesite.models import Customer, ImportBatch
from tests.salesite.test_imports import (
    GOOD_ROWS,
    HEADER,
    ID_1,
    assert_good_file_imported,
    counts,
    csv_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def upload(name, content):
    return SimpleUploadedFile(name, content)


def cells(batch):
    return {(e["row"], e["column"]): e["message"] for e in batch.errors}


def rewrite_sheet(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            dst.writestr(item.filename, data)
    return out.getvalue()


def declare_huge_range(last_row: int):
    """A sheet that declares ``A1:XFD<last_row>`` and has one cell at XFD<last_row>: what the
    1.6 KB probe file did (openpyxl used to fill every row up to column XFD)."""

    def change(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:XFD{last_row}"/>', xml)
        far = f'<row r="{last_row}"><c r="XFD{last_row}" t="n"><v>1</v></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    return change


# --- import bombs and limits (item 3) ----------------------------------------------------------


@pytest.mark.parametrize("last_row", [20_000, 1_048_576])
def test_sheet_declaring_a_huge_range_is_read_at_the_headers_width(project, last_row):
    content = rewrite_sheet(xlsx_bytes(GOOD_ROWS), declare_huge_range(last_row))
    assert len(content) < 10_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        batch = import_register(project=project, uploaded=upload("bomb.xlsx", content))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Before: 20,000 rows x 16,384 columns held 2.6 GB for 57 s (1,048,576 rows: MemoryError).
    assert peak < 40 * 1024 * 1024, peak
    assert time.monotonic() - started < 30
    # The far cell lies beyond the header's width: the register itself imports.
    assert_good_file_imported(project, batch)


def test_zip_bomb_is_refused_before_it_is_unpacked(project):
    """Many empty styled cells compress ~1000:1; the unpacked size is checked on the zip
    directory, before openpyxl opens the workbook."""

    def change(xml: str) -> str:
        filler = '<row r="{r}">' + '<c s="1"/>' * 2000 + "</row>"
        rows = "".join(filler.format(r=r) for r in range(10, 1010))
        return xml.replace("</sheetData>", rows + "</sheetData>")

    content = rewrite_sheet(xlsx_bytes(GOOD_ROWS), change)
    assert len(content) < 100_000  # about 20 MB unpacked
    with override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=5 * 1024 * 1024):
        batch = import_register(project=project, uploaded=upload("styled.xlsx", content))
    assert batch.status == ImportBatch.Status.REJECTED
    assert re.search(r"解压后超过 5.0\sMB", batch.errors[0]["message"])
    assert batch.errors[0]["row"] == 1
    assert counts() == (0, 0, 0, 0)


def test_xml_entity_bomb_in_a_sheet_is_refused(project):
    """openpyxl parses with defusedxml (installed for it): a sheet declaring entities (the
    "billion laughs") is refused, not expanded."""
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 9))
        + "]>"
    ).replace("&lol0;", "&lol;")

    def change(xml: str) -> str:
        xml = re.sub(r"^<\?xml[^>]*\?>", "", xml)
        return laughs + xml.replace("王伟", "&lol8;")

    content = rewrite_sheet(xlsx_bytes(GOOD_ROWS), change)
    batch = import_register(project=project, uploaded=upload("laughs.xlsx", content))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "无法读取 Excel 文件" in batch.errors[0]["message"]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(("name", "make"), [("a.csv", csv_bytes), ("a.xlsx", xlsx_bytes)])
def test_more_rows_than_the_limit_are_refused(project, name, make):
    with override_settings(IMPORT_MAX_ROWS=3):
        batch = import_register(project=project, uploaded=upload(name, make(GOOD_ROWS)))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors == [
        {
            "row": 5,
            "column": "",
            "message": "文件的数据行超过 3 行的上限。请把清册拆分成多个文件分别导入。",
        }
    ]
    assert counts() == (0, 0, 0, 0)


def test_upload_over_the_size_limit_is_refused_by_the_form(member, client_for, project):
    lead = member("cs_lead", project)
    with override_settings(IMPORT_MAX_BYTES=300):
        response = client_for(lead).post(
            reverse("salesite:import_register", args=[project.pk]),
            {"file": upload("big.csv", csv_bytes(GOOD_ROWS))},
        )
    assert response.status_code == 200
    assert re.search(r"业主清册文件不能超过 300\s字节", response.content.decode())
    assert not ImportBatch.objects.exists()


def test_command_line_file_over_the_size_limit_is_refused(project):
    with override_settings(IMPORT_MAX_BYTES=300):
        batch = import_register(project=project, uploaded=upload("big.csv", csv_bytes(GOOD_ROWS)))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "文件过大" in batch.errors[0]["message"]
    assert counts() == (0, 0, 0, 0)


# --- encodings (item 5) ------------------------------------------------------------------------

BIG5_HEADER = ["building", "unit", "area", "name", "phone", "id_type", "id_number"]
BIG5_NAMES = [
    "陳大文",
    "張美玲",
    "黃志強",
    "劉德華",
    "李嘉誠",
    "王菲菲",
    "鄭秀文",
    "吳彥祖",
    "林憶蓮",
    "梁朝偉",
    "周潤發",
    "謝霆鋒",
    "楊紫瓊",
    "趙雅芝",
    "關之琳",
    "葉倩文",
    "許冠傑",
    "譚詠麟",
    "鍾楚紅",
    "蕭亞軒",
]
BIG5_ROWS = [
    [f"{'東西南北'[n % 4]}座", f"{n // 4 + 1}-{n % 4 + 101}", "90", name, f"9123{n:04d}"]
    + ["passport", f"K{n:07d}"]
    for n, name in enumerate(BIG5_NAMES)
]


def test_big5_file_is_refused_not_stored_as_mojibake(project):
    content = csv_bytes(BIG5_ROWS, header=BIG5_HEADER, encoding="big5")
    content.decode("gb18030")  # the old fallback "decoded" it into garbage and stored that
    batch = import_register(project=project, uploaded=upload("big5.csv", content))
    assert batch.status == ImportBatch.Status.REJECTED
    message = batch.errors[0]["message"]
    assert "检测结果：big5" in message and "UTF-8" in message
    assert counts() == (0, 0, 0, 0)


def test_gbk_file_is_accepted_with_the_right_characters(project):
    content = csv_bytes(GOOD_ROWS, encoding="gbk")
    batch = import_register(project=project, uploaded=upload("gbk.csv", content))
    assert_good_file_imported(project, batch)
    assert set(Customer.objects.values_list("name", flat=True)) == {"王伟", "王芳", "张强"}


def test_utf16_file_is_refused(project):
    content = csv_bytes(GOOD_ROWS, encoding="utf-16")
    batch = import_register(project=project, uploaded=upload("u16.csv", content))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "编码" in batch.errors[0]["message"]
    assert counts() == (0, 0, 0, 0)


def test_utf8_file_with_a_stray_gbk_line_is_refused(project):
    content = (
        csv_bytes(GOOD_ROWS[:2]) + csv_bytes(GOOD_ROWS[2:3], encoding="gbk").split(b"\r\n", 1)[1]
    )
    batch = import_register(project=project, uploaded=upload("mixed.csv", content))
    assert batch.status == ImportBatch.Status.REJECTED
    assert counts() == (0, 0, 0, 0)


def test_replacement_characters_are_row_errors(project):
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][6] = "王\ufffd"
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    assert batch.status == ImportBatch.Status.REJECTED
    assert "乱码" in cells(batch)[(2, "客户姓名")]
    assert counts() == (0, 0, 0, 0)


# --- bad values: row errors, not 500s (item 5) -------------------------------------------------


def test_nul_byte_is_a_row_error(project):
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][6] = "王\x00芳"
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors == [
        {
            "row": 3,
            "column": "客户姓名",
            "message": "含有不可见的控制字符（如 NUL），请删除后重新上传",
        }
    ]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("field", sorted(TEXT_COLUMNS))
def test_every_text_column_over_its_length_is_a_row_error(project, field):
    header = ["楼栋", "房号", "客户姓名", "手机", "证件号码"]
    header += [HEADER_OF[field]] if HEADER_OF[field] not in header else []
    values = {"楼栋": "1幢", "房号": "101", "客户姓名": "王伟", "手机": "13812345678"}
    values["证件号码"] = ID_1
    values[HEADER_OF[field]] = "9" * (TEXT_COLUMNS[field] + 1)
    row = [values.get(h, "") for h in header]
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes([row], header)))
    assert batch.status == ImportBatch.Status.REJECTED
    assert f"不能超过 {TEXT_COLUMNS[field]} 个字符" in cells(batch)[(2, HEADER_OF[field])]
    assert counts() == (0, 0, 0, 0)


def test_dates_outside_a_plausible_range_are_row_errors(project):
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][11] = "0001-01-01"  # 认购日期
    rows[1][12] = "9999-12-31"  # 签约日期
    rows[2][10] = "1899/12/31"  # 生日
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    found = cells(batch)
    assert "超出合理范围" in found[(2, "认购日期")]
    assert "超出合理范围" in found[(3, "签约日期")]
    assert "超出合理范围" in found[(4, "生日")]
    assert counts() == (0, 0, 0, 0)


def test_csv_field_over_the_csv_limit_is_a_clear_error(project):
    """An unterminated quote makes the rest of the file one field: Python's csv refuses a
    field over 131,072 characters (it used to be a 500)."""
    content = csv_bytes(GOOD_ROWS) + b'1\xe5\xb9\xa2,"' + b"x" * 140_000 + b"\r\n"
    batch = import_register(project=project, uploaded=upload("a.csv", content))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors == [
        {
            "row": 6,
            "column": "",
            "message": "第 6 行有一个字段超过 131072 个字符，文件无法读取。"
            "请检查该行是否少了一个结束引号。",
        }
    ]
    assert counts() == (0, 0, 0, 0)


def test_hostile_values_through_the_upload_page_answer_no_500(
    member, client_for, project, django_capture_on_commit_callbacks
):
    lead = member("cs_lead", project)
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][6] = "王\x00伟"
    rows[1][11] = "0001-01-01"
    rows[2][0] = "楼" * 500
    c = client_for(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("salesite:import_register", args=[project.pk]),
            {"file": upload("bad.csv", csv_bytes(rows))},
        )
    assert response.status_code == 302
    page = c.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "发现 3 处错误" in html and "未导入任何数据" in html
    assert counts() == (0, 0, 0, 0)


def test_header_row_wider_than_the_limit_is_cut(project):
    header = [*HEADER, *[f"备注{n}" for n in range(200)]]
    rows = [[*r, *[""] * 200] for r in GOOD_ROWS]
    batch = import_register(project=project, uploaded=upload("wide.csv", csv_bytes(rows, header)))
    assert_good_file_imported(project, batch)
