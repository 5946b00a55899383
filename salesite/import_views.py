"""Owner-register import pages (R-X-6): the upload, the batch's progress and the template."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesite import imports
from salesite.exports import export_response
from salesite.forms import (
    ImportForm,
)
from salesite.models import (
    ImportBatch,
    Project,
)
from salesite.views_access import get_record, staff_view

IMPORT = "salesite.import_register"


@staff_view(IMPORT, per_record=True)
def import_register(request, project_pk):
    """Upload an owner register: the file is stored and a batch queued at once; the batch
    page follows the background job (salesite.imports)."""
    project = get_record(request, Project.objects.all(), pk=project_pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = imports.import_batch_create(
            project=project, uploaded=form.cleaned_data["file"], user=request.user
        )
        messages.success(
            request,
            _("文件“%(name)s”已上传，正在后台校验和导入；本页会自动显示进度和结果。")
            % {"name": batch.file_name},
        )
        return redirect("salesite:import_batch", pk=batch.pk)
    return render(
        request,
        "salesite/import.html",
        {
            "form": form,
            "project": project,
            "columns": imports.COLUMNS,
            "batches": project.import_batches.select_related("imported_by")[:10],
            "max_bytes": settings.IMPORT_MAX_BYTES,
            "max_rows": settings.IMPORT_MAX_ROWS,
        },
    )


@staff_view(IMPORT, per_record=True)
def import_batch(request, pk):
    """One import job: its progress while it runs (polled by htmx), then the row errors or
    what was created and updated."""
    batch = get_record(request, ImportBatch.objects.select_related("project", "imported_by"), pk=pk)
    context = {"batch": batch, "project": batch.project}
    if request.htmx:
        return render(request, "salesite/import_batch_status.html", context)
    return render(request, "salesite/import_batch.html", context)


@staff_view(IMPORT, per_record=True)
def import_template(request, project_pk):
    """An empty owner register with the expected header and one example row."""
    project = get_record(request, Project.objects.all(), pk=project_pk)
    example = {
        "楼栋": "1幢",
        "分期": "一期",
        "房号": "101",
        "楼层": 1,
        "户型": "三室两厅两卫",
        "建筑面积": "128.50",
        "客户姓名": "张三",
        "手机": "13800000000",
        "证件类型": "居民身份证",
        "证件号码": "11010519491231002X",
        "认购日期": "2026-01-05",
        "签约日期": "2026-01-15",
    }
    headers = imports.template_rows()
    return export_response(
        request, headers, [[example.get(h, "") for h in headers]], f"业主清册模板-{project.code}"
    )
