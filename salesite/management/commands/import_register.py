"""Import an owner register from the command line (R-X-6):
``python manage.py import_register <project code> <file.xlsx|csv>``.

The same all-or-nothing import as the upload page: a rejected file prints every row error and
the command exits non-zero; an imported file prints what was created and updated.
"""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from salesite.imports import import_register
from salesite.models import ImportBatch, Project


class Command(BaseCommand):
    help = "从 Excel (.xlsx) 或 CSV 文件导入业主清册和房号；文件有错误时不导入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("project_code", help="项目编码 (project code)")
        parser.add_argument("path", help=".xlsx 或 .csv 文件 (file to import)")

    def handle(self, *args, project_code, path, **options):
        try:
            project = Project.objects.get(code=project_code)
        except Project.DoesNotExist as exc:
            raise CommandError(_("项目编码“%(code)s”不存在。") % {"code": project_code}) from exc
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        if file_path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(_("只能导入 .xlsx 或 .csv 文件。"))
        with file_path.open("rb") as fh:
            batch = import_register(project=project, uploaded=File(fh, name=file_path.name))

        if batch.status != ImportBatch.Status.IMPORTED:
            self.stderr.write(_("文件有 %(n)s 处错误，未导入任何数据：") % {"n": len(batch.errors)})
            self.stderr.write(f"{_('行号'):>6}  {_('列'):<10}  {_('问题')}")
            for error in batch.errors:
                column = error["column"] or "—"
                self.stderr.write(f"{error['row']:>6}  {column:<10}  {error['message']}")
            raise CommandError(_("导入失败：请修改文件后重新导入。"), returncode=1)

        self.stdout.write(
            self.style.SUCCESS(
                _("导入成功：%(project)s，共 %(rows)s 行。")
                % {"project": project, "rows": batch.row_count}
            )
        )
        labels = {
            "buildings": _("楼栋"),
            "units": _("房屋"),
            "customers": _("客户"),
            "purchases": _("购房记录"),
        }
        for key, label in labels.items():
            self.stdout.write(
                _("  %(label)s：新增 %(created)s，更新 %(updated)s")
                % {
                    "label": label,
                    "created": batch.created_counts.get(key, 0),
                    "updated": batch.updated_counts.get(key, 0),
                }
            )
