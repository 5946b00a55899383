"""Owner-register import (R-X-6): CSV and XLSX, idempotent re-import, every error by row and
column, all-or-nothing, GB18030, the upload page and the command line."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from salesite.imports import import_register
from salesite.models import Building, Customer, ImportBatch, Purchase, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = [
    "楼栋",
    "分期",
    "房号",
    "楼层",
    "户型",
    "建筑面积",
    "客户姓名",
    "手机",
    "证件类型",
    "证件号码",
    "生日",
    "认购日期",
    "签约日期",
    "合同编号",
    "置业顾问",
]
ID_1 = f.valid_id_number(9001)
ID_2 = f.valid_id_number(9002)
BAD_ID = ID_1[:17] + ("0" if ID_1[17] != "0" else "1")

GOOD_ROWS = [
    # Two owners of 1幢-101 (co-owners), one owner of 1幢-102, an unsold unit in 2幢.
    [
        "1幢",
        "一期",
        "101",
        "1",
        "三室两厅",
        "128.5",
        "王伟",
        "13812345678",
        "身份证",
        ID_1,
        "1985-05-01",
        "2026-01-05",
        "2026-01-15",
        "HT-001",
        "李顾问",
    ],
    [
        "1幢",
        "一期",
        "101",
        "1",
        "三室两厅",
        "128.5",
        "王芳",
        "13987654321",
        "护照",
        "E12345678",
        "",
        "2026-01-05",
        "2026-01-15",
        "HT-001",
        "李顾问",
    ],
    [
        "1幢",
        "一期",
        "102",
        "1",
        "两室两厅",
        "89.36",
        "张强",
        "13700001111",
        "",
        ID_2,
        "1990/02/03",
        "2026-02-01",
        "",
        "",
        "",
    ],
    ["2幢", "二期", "201", "2", "四室两厅", "168.2", "", "", "", "", "", "", "", "", ""],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        values = []
        for title, value in zip(header, row, strict=True):
            # Real spreadsheets carry numbers and dates as typed cells.
            if value and title in ("楼层",):
                value = int(value)
            elif value and title == "建筑面积":
                value = float(value)
            elif value and title in ("认购日期", "签约日期") and "-" in value:
                value = datetime.datetime.fromisoformat(value)
            values.append(value or None)
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def counts():
    return (
        Building.objects.count(),
        Unit.objects.count(),
        Customer.objects.count(),
        Purchase.objects.count(),
    )


def assert_good_file_imported(project, batch):
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert batch.errors == []
    assert batch.row_count == 4
    assert batch.created_counts == {"buildings": 2, "units": 3, "customers": 3, "purchases": 3}
    b1 = Building.objects.get(project=project, name="1幢")
    assert b1.phase == "一期"
    assert Building.objects.get(project=project, name="2幢").phase == "二期"
    u101 = Unit.objects.get(building=b1, number="101")
    assert (u101.project_id, u101.floor, u101.unit_type, u101.area) == (
        project.pk,
        1,
        "三室两厅",
        Decimal("128.50"),
    )
    assert Unit.objects.get(building=b1, number="102").area == Decimal("89.36")
    wang = Customer.objects.get(project=project, id_number=ID_1)
    assert (wang.name, wang.phone, wang.id_type, wang.birthday) == (
        "王伟",
        "13812345678",
        "id_card",
        datetime.date(1985, 5, 1),
    )
    assert Customer.objects.get(project=project, id_number="E12345678").id_type == "passport"
    zhang = Customer.objects.get(project=project, id_number=ID_2)
    assert zhang.birthday == datetime.date(1990, 2, 3)
    p = Purchase.objects.get(unit=u101, customer=wang)
    assert (p.project_id, p.subscribed_on, p.signed_on, p.contract_number, p.sales_consultant) == (
        project.pk,
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 15),
        "HT-001",
        "李顾问",
    )
    assert set(
        Unit.objects.get(number="101").purchases.values_list("customer__name", flat=True)
    ) == {
        "王伟",
        "王芳",
    }
    p2 = Purchase.objects.get(customer=zhang)
    assert (p2.subscribed_on, p2.signed_on) == (datetime.date(2026, 2, 1), None)
    assert not Unit.objects.get(number="201").purchases.exists()


@pytest.mark.parametrize(
    ("name", "make"), [("register.csv", csv_bytes), ("register.xlsx", xlsx_bytes)]
)
def test_good_file_imports_everything(project, name, make):
    batch = import_register(project=project, uploaded=upload(name, make(GOOD_ROWS)))
    assert_good_file_imported(project, batch)
    assert ImportBatch.objects.get().pk == batch.pk


@pytest.mark.parametrize(
    ("name", "make"), [("register.csv", csv_bytes), ("register.xlsx", xlsx_bytes)]
)
def test_reimport_creates_no_duplicates(project, name, make):
    content = make(GOOD_ROWS)
    import_register(project=project, uploaded=upload(name, content))
    before = counts()
    batch = import_register(project=project, uploaded=upload(name, content))
    assert batch.status == ImportBatch.Status.IMPORTED
    assert counts() == before
    assert sum(batch.created_counts.values()) == 0
    assert sum(batch.updated_counts.values()) == 0


def test_reimport_with_changed_values_updates_in_place(project):
    import_register(project=project, uploaded=upload("a.csv", csv_bytes(GOOD_ROWS)))
    before = counts()
    changed = [list(r) for r in GOOD_ROWS]
    changed[0][7] = "13811112222"  # new phone of 王伟
    changed[3][5] = "170"  # corrected area of 2幢-201
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(changed)))
    assert counts() == before
    assert batch.updated_counts["customers"] == 1
    assert batch.updated_counts["units"] == 1
    assert Customer.objects.get(id_number=ID_1).phone == "13811112222"
    assert Unit.objects.get(number="201").area == Decimal("170.00")


def test_same_register_in_two_projects_is_kept_apart(project, other_project):
    content = csv_bytes(GOOD_ROWS)
    import_register(project=project, uploaded=upload("a.csv", content))
    import_register(project=other_project, uploaded=upload("a.csv", content))
    assert Customer.objects.filter(project=project).count() == 3
    assert Customer.objects.filter(project=other_project).count() == 3
    assert Unit.objects.filter(project=other_project).count() == 3


def test_gb18030_csv_imports(project):
    content = csv_bytes(GOOD_ROWS, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    batch = import_register(project=project, uploaded=upload("excel-export.csv", content))
    assert_good_file_imported(project, batch)


def test_utf8_bom_and_header_aliases(project):
    header = ["building", "unit", "area", "姓名", "手机号", "身份证号"]
    rows = [["A座", "1-101", "90", "陈静", "13600000001", ID_1]]
    content = b"\xef\xbb\xbf" + csv_bytes(rows, header=header)
    batch = import_register(project=project, uploaded=upload("a.csv", content))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert Customer.objects.get().name == "陈静"
    assert Unit.objects.get().building.name == "A座"


# --- errors: reported by row and column; nothing imported ----------------------------------


def _errors_by_cell(batch):
    return {(e["row"], e["column"]): e["message"] for e in batch.errors}


@pytest.mark.parametrize("make,name", [(csv_bytes, "bad.csv"), (xlsx_bytes, "bad.xlsx")])
def test_file_with_errors_reports_each_and_imports_nothing(project, make, name):
    existing = f.UnitFactory(building=f.BuildingFactory(project=project, name="0幢"))
    before = counts()
    rows = [list(r) for r in GOOD_ROWS]  # rows 2-5 valid
    bad = [
        # row 6: bad ID check digit
        ["3幢", "", "301", "3", "", "90", "赵六", "13600000006", "身份证", BAD_ID] + [""] * 5,
        # row 7: missing unit number
        ["3幢", "", "", "3", "", "90"] + [""] * 9,
        # row 8: bad date
        ["3幢", "", "303", "3", "", "90", "孙八", "13600000008", "护照", "P8"]
        + ["", "2026-13-45", "", "", ""],
        # row 9: non-numeric area
        ["3幢", "", "304", "3", "", "九十平", "", "", "", "", "", "", "", "", ""],
        # row 10: unknown ID type
        ["3幢", "", "305", "3", "", "90", "周十", "13600000010", "驾照", "D10"] + [""] * 5,
    ]
    # In the workbook every cell is typed as text so that the bad values survive as written.
    content = _xlsx_text(rows + bad) if make is xlsx_bytes else make(rows + bad)
    batch = import_register(project=project, uploaded=upload(name, content))
    assert batch.status == ImportBatch.Status.REJECTED
    cells = _errors_by_cell(batch)
    assert "校验位" in cells[(6, "证件号码")]
    assert cells[(7, "房号")] == "必填"
    assert "日期" in cells[(8, "认购日期")]
    assert "数字" in cells[(9, "建筑面积")]
    assert "驾照" in cells[(10, "证件类型")]
    assert {e["row"] for e in batch.errors} == {6, 7, 8, 9, 10}  # valid rows carry no error
    assert counts() == before
    assert Unit.objects.get() == existing
    assert batch.created_counts == {}
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def _xlsx_text(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append([v or None for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_missing_required_column(project):
    header = [h for h in HEADER if h != "房号"]
    rows = [[v for h, v in zip(HEADER, r, strict=True) if h != "房号"] for r in GOOD_ROWS]
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows, header)))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors == [{"row": 1, "column": "房号", "message": "缺少必需的列“房号”"}]
    assert counts() == (0, 0, 0, 0)


def test_inconsistent_duplicate_rows(project):
    rows = [list(r) for r in GOOD_ROWS]
    conflicting_unit = list(rows[2])
    conflicting_unit[5] = "95"  # 1幢-102 with another area, row 6
    conflicting_unit[9] = f.valid_id_number(9003)
    conflicting_unit[6] = "另一人"
    conflicting_customer = list(rows[0])
    conflicting_customer[2] = "103"  # another unit, same ID number, another name: row 7
    conflicting_customer[6] = "王五"
    batch = import_register(
        project=project,
        uploaded=upload("a.csv", csv_bytes([*rows, conflicting_unit, conflicting_customer])),
    )
    assert batch.status == ImportBatch.Status.REJECTED
    cells = _errors_by_cell(batch)
    assert "第 4 行" in cells[(6, "房号")]
    assert "第 2 行" in cells[(7, "证件号码")]
    assert counts() == (0, 0, 0, 0)


def test_same_customer_and_unit_twice_is_an_error(project):
    rows = [GOOD_ROWS[0], GOOD_ROWS[0]]
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    assert batch.status == ImportBatch.Status.REJECTED
    assert (3, "房号") in _errors_by_cell(batch)
    assert counts() == (0, 0, 0, 0)


def test_row_errors_and_inconsistencies_are_reported_together(project):
    """Every row error is reported in one pass, including the cross-row ones."""
    rows = [list(r) for r in GOOD_ROWS]
    conflicting = list(rows[2])
    conflicting[5] = "95"
    conflicting[9] = f.valid_id_number(9004)
    conflicting[6] = "另一人"
    missing_number = ["3幢", "", "", "3", "", "90"] + [""] * 9
    batch = import_register(
        project=project, uploaded=upload("a.csv", csv_bytes([*rows, conflicting, missing_number]))
    )
    cells = _errors_by_cell(batch)
    assert (7, "房号") in cells  # missing number
    assert (6, "房号") in cells  # inconsistent with row 4
    assert counts() == (0, 0, 0, 0)


def test_signed_before_subscribed_and_customer_fields_required(project):
    rows = [
        ["1幢", "", "101", "", "", "", "王伟", "13812345678", "", ID_1]
        + ["", "2026-02-01", "2026-01-01", "", ""],
        ["1幢", "", "102", "", "", "", "", "13812345679", "", ""] + [""] * 5,
    ]
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    cells = _errors_by_cell(batch)
    assert (2, "签约日期") in cells
    assert (3, "客户姓名") in cells
    assert (3, "证件号码") in cells
    assert counts() == (0, 0, 0, 0)


def test_unreadable_files(project):
    batch = import_register(project=project, uploaded=upload("a.xlsx", b"not a workbook"))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors[0]["row"] == 1
    batch = import_register(project=project, uploaded=upload("a.csv", b""))
    assert batch.status == ImportBatch.Status.REJECTED
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes([])))
    assert batch.status == ImportBatch.Status.REJECTED
    assert counts() == (0, 0, 0, 0)


def test_blank_lines_are_skipped_and_row_numbers_stay_true(project):
    rows = [GOOD_ROWS[0], [""] * len(HEADER), ["1幢", "", "", "", "", "", *[""] * 9]]
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    assert [(e["row"], e["column"]) for e in batch.errors] == [(4, "房号")]


# --- the upload page ---------------------------------------------------------------------


def test_upload_page_shows_errors_table(
    member, client_for, project, django_capture_on_commit_callbacks
):
    lead = member("cs_lead", project)
    content = csv_bytes([*GOOD_ROWS, ["3幢", "", "", "", "", "九十"] + [""] * 9])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(
            reverse("salesite:import_register", args=[project.pk]),
            {"file": upload("bad.csv", content)},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("salesite:import_batch", args=[batch.pk])
    response = client_for(lead).get(response.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "第 6 行" in html
    assert "房号" in html and "建筑面积应为数字" in html
    assert "未导入任何数据" in html
    assert "hx-trigger" not in html  # finished: the page stops polling
    assert counts() == (0, 0, 0, 0)


def test_upload_page_imports_and_shows_success(
    member, client_for, project, django_capture_on_commit_callbacks
):
    """The upload answers at once with the batch page; the job (eager here) imports."""
    lead = member("cs_lead", project)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(
            reverse("salesite:import_register", args=[project.pk]),
            {"file": upload("good.xlsx", xlsx_bytes(GOOD_ROWS))},
            follow=True,
        )
    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("salesite:import_batch", args=[batch.pk])
    html = response.content.decode()
    assert "已上传，正在后台校验和导入" in html  # the upload's success message
    batch.refresh_from_db()
    assert batch.imported_by == lead
    assert batch.status == ImportBatch.Status.IMPORTED
    assert counts() == (2, 3, 3, 3)
    html = client_for(lead).get(response.redirect_chain[-1][0]).content.decode()
    assert "导入成功：共 4 行，新增 11，更新 0。" in html


def test_upload_page_refuses_other_file_types(member, client_for, project):
    lead = member("cs_lead", project)
    response = client_for(lead).post(
        reverse("salesite:import_register", args=[project.pk]),
        {"file": upload("register.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 200
    assert "只能导入 .xlsx 或 .csv 文件。" in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- the command line --------------------------------------------------------------------


def test_command_imports_and_prints_counts(project, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_register", project.code, str(path), stdout=out, stderr=err)
    assert counts() == (2, 3, 3, 3)
    text = out.getvalue()
    assert "导入成功" in text and "共 4 行" in text
    assert "客户：新增 3，更新 0" in text
    assert "房屋：新增 3，更新 0" in text
    # again: nothing new
    out = io.StringIO()
    call_command("import_register", project.code, str(path), stdout=out)
    assert "客户：新增 0，更新 0" in out.getvalue()
    assert counts() == (2, 3, 3, 3)


def test_command_prints_errors_and_exits_non_zero(project, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS, ["3幢", "", "", "", "", "九十"] + [""] * 9]))
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_register", project.code, str(path), stdout=io.StringIO(), stderr=err)
    assert excinfo.value.returncode != 0
    text = err.getvalue()
    assert "2 处错误" in text
    assert "6" in text and "房号" in text and "必填" in text
    assert "建筑面积应为数字" in text
    assert counts() == (0, 0, 0, 0)


def test_command_unknown_project_or_file(project, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_register", "no-such-code", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_register", project.code, str(tmp_path / "missing.csv"))


def test_command_exit_status_on_a_rejected_file(project, tmp_path):
    """`manage.py import_register` exits 1 on a rejected file (what a shell script sees).

    run_from_argv would close the test's database connection, so the exit status is read from
    the CommandError it raises (BaseCommand turns it into ``sys.exit(returncode)``).
    """

    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["1幢", "", "", "", "", ""] + [""] * 9]))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_register", project.code, str(path))
    assert excinfo.value.returncode == 1
    assert counts() == (0, 0, 0, 0)


def test_values_too_long_or_too_large_are_row_errors(project):
    """Values the database cannot hold are reported by row, not left to fail the import."""
    rows = [
        ["1幢", "", "101", "", "", "", "名" * 51, "13812345678", "", ID_1] + [""] * 5,
        ["1幢", "", "102", "", "", "1000000", "", "", "", ""] + [""] * 5,
        ["1幢", "", "103", "", "", "NaN", "", "", "", ""] + [""] * 5,
        ["1幢" * 20, "", "104", "", "", "", "", "", "", ""] + [""] * 5,
    ]
    batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    cells = _errors_by_cell(batch)
    assert "50" in cells[(2, "客户姓名")]
    assert (3, "建筑面积") in cells
    assert (4, "建筑面积") in cells
    assert (5, "楼栋") in cells
    assert counts() == (0, 0, 0, 0)


def test_full_id_type_labels_are_accepted_in_any_ui_language(project):
    from django.utils import translation

    rows = [
        [
            "1幢",
            "",
            "101",
            "",
            "",
            "",
            "陈先生",
            "85291234567",
            "港澳居民来往内地通行证",
            "H1234567",
        ]
        + [""] * 5,
        ["1幢", "", "102", "", "", "", "林女士", "13800000002", "passport", "E7654321"] + [""] * 5,
    ]
    with translation.override("en"):
        batch = import_register(project=project, uploaded=upload("a.csv", csv_bytes(rows)))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert dict(Customer.objects.values_list("name", "id_type")) == {
        "陈先生": "hk_macao",
        "林女士": "passport",
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloaded_template_imports_cleanly(member, client_for, project, fmt):
    """The template offered on the import page is itself a valid register."""
    c = client_for(member("cs_lead", project))
    url = reverse("salesite:import_template", args=[project.pk]) + f"?format={fmt}"
    response = c.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    batch = import_register(project=project, uploaded=upload(f"template.{fmt}", content))
    assert batch.errors == []
    assert counts() == (1, 1, 1, 1)


def test_template_refused_without_import_permission(member, client_for, project):
    c = client_for(member("security", project))
    assert c.get(reverse("salesite:import_template", args=[project.pk])).status_code == 403
