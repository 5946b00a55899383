"""Reading an uploaded .xlsx or .csv (R-X-6): bounded, streaming, CSV encoding detection."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from salesite.imports.columns import (
    CSV_FIELD_LIMIT,
    EXCEL_MAX_ROWS,
    GB_ENCODINGS,
    MAX_CHAOS,
    ImportFileError,
    _text,
)

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
