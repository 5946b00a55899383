"""The owner-register import in headless Chromium: upload, the batch page polling with htmx
while the job is queued, then the result swapped in without a reload."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REGISTER = (
    "楼栋,房号,建筑面积,客户姓名,手机,证件类型,证件号码\n"
    "99幢,101,90,测试甲,13900000001,护照,E90000001\n"
    "99幢,102,95,测试乙,13900000002,护照,E90000002\n"
)


def test_cs_lead_uploads_a_register_and_the_page_follows_the_job(
    page, signed_in, demo_site, tmp_path, monkeypatch
):
    from salesite import imports
    from salesite.models import ImportBatch, Project
    from salesite.tasks import import_batch_process

    # No worker: the batch stays queued until the test runs the job itself below.
    monkeypatch.setattr(import_batch_process, "apply_async", lambda *a, **k: None)
    project = Project.objects.get(code="binjiang")
    signed_in(page, "binjiang_cs_lead", at=f"{demo_site.url}/core/projects/{project.pk}/import/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("导入业主清册")
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="导入").click()

    expect(page).to_have_url(re.compile(r"/core/imports/\d+/$"))
    expect(page.locator(".alert").first).to_contain_text("已上传，正在后台校验和导入")
    expect(page.locator("#import-status")).to_contain_text("排队中")
    batch = ImportBatch.objects.filter(project=project).order_by("-pk").first()
    assert batch.status == ImportBatch.Status.QUEUED

    imports.process_batch(batch.pk)  # what the worker does; the page polls every 2 s
    expect(page.locator("#import-result")).to_contain_text(
        "导入成功：共 2 行，新增 7，更新 0。", timeout=10_000
    )
    expect(page.locator("#import-status")).not_to_have_attribute("hx-trigger", "every 2s")
    shot = tmp_path / "import-batch.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000
