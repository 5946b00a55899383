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

The package, by step: ``columns`` (the file's columns, limits, row record), ``reading`` (.xlsx
and .csv, encodings), ``validation`` (every row checked), ``apply`` (bulk writes in one
transaction) and ``jobs`` (the batch, its processing, the entry points). The names below are
re-exported so that ``from salesite import imports; imports.process_batch(...)`` keeps working.
"""

from salesite.imports.apply import apply_rows
from salesite.imports.columns import (
    COLUMNS,
    HEADER_OF,
    MAX_STORED_ERRORS,
    TEXT_COLUMNS,
    ImportFileError,
    Row,
    id_type_lookup,
    template_rows,
)
from salesite.imports.jobs import (
    STALE_QUEUED,
    STALE_RUNNING,
    import_batch_create,
    import_register,
    process_batch,
    stale_batch_ids,
)
from salesite.imports.reading import check_xlsx_archive, detect_csv_encoding, read_rows
from salesite.imports.validation import Errors, validate_file

__all__ = [
    "COLUMNS",
    "HEADER_OF",
    "MAX_STORED_ERRORS",
    "STALE_QUEUED",
    "STALE_RUNNING",
    "TEXT_COLUMNS",
    "Errors",
    "ImportFileError",
    "Row",
    "apply_rows",
    "check_xlsx_archive",
    "detect_csv_encoding",
    "id_type_lookup",
    "import_batch_create",
    "import_register",
    "process_batch",
    "read_rows",
    "stale_batch_ids",
    "template_rows",
    "validate_file",
]
