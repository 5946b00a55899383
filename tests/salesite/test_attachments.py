"""Attachments (R-X-4): type, content and size checks with a clear Chinese message; files kept
under the private media root and served only through the view that checks the owner."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from salesite.models import Attachment, Customer
from tests import factories as f

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def customer(project):
    return f.CustomerFactory(project=project)


@pytest.fixture
def desk(member, project):
    return member("front_desk", project)


def upload_url(owner):
    ct = ContentType.objects.get_for_model(owner)
    return reverse("salesite:attachment_upload", args=[ct.pk, owner.pk])


def post_file(client, owner, name, content, **extra):
    detail = reverse("salesite:customer_detail", args=[owner.pk])
    return client.post(
        upload_url(owner),
        {"file": SimpleUploadedFile(name, content), "next": detail, **extra},
        follow=True,
    )


def stored_files(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def download(client, attachment):
    response = client.get(reverse("salesite:attachment_download", args=[attachment.pk]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("平面图.png", PNG, "image/png"), ("合同扫描.pdf", PDF, "application/pdf")],
)
def test_upload_and_download(client_for, desk, customer, media_root, name, content, mime):
    c = client_for(desk)
    response = post_file(c, customer, name, content, description="签约资料")
    assert response.redirect_chain[-1][0] == reverse("salesite:customer_detail", args=[customer.pk])
    assert "附件已上传。" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.owner == customer
    assert attachment.project == customer.project
    assert (attachment.original_name, attachment.mime_type, attachment.size) == (
        name,
        mime,
        len(content),
    )
    assert attachment.uploaded_by == desk
    assert attachment.description == "签约资料"
    # The page lists it, with a link to the checking view.
    html = response.content.decode()
    assert name in html
    assert reverse("salesite:attachment_download", args=[attachment.pk]) in html

    # Another member of the project downloads the same bytes.
    colleague = f.UserFactory()
    f.MembershipFactory(user=colleague, project=customer.project)
    r, body = download(client_for(colleague), attachment)
    assert r.status_code == 200
    assert body == content
    assert r["Content-Type"] == mime
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "private" in r["Cache-Control"]


def test_office_file_is_offered_as_download(client_for, desk, customer, media_root):
    c = client_for(desk)
    post_file(c, customer, "清单.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    r, body = download(c, Attachment.objects.get())
    assert r.status_code == 200
    assert body.startswith(b"PK")
    assert r["Content-Disposition"].startswith("attachment")


def test_file_is_stored_privately_under_media_root(client_for, desk, customer, media_root):
    post_file(client_for(desk), customer, "receipt-scan.png", PNG)
    attachment = Attachment.objects.get()
    path = Path(attachment.file.path).resolve()
    assert path.is_file()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    for static_dir in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not path.is_relative_to(Path(static_dir).resolve())
    # Stored under a random name, not the uploaded one.
    assert "receipt-scan" not in path.name
    assert path.read_bytes() == PNG


def test_only_the_checking_view_serves_the_file(client_for, desk, customer, project, media_root):
    post_file(client_for(desk), customer, "a.png", PNG)
    attachment = Attachment.objects.get()
    # No URL serves the media root directly.
    direct = client_for(desk).get(settings.MEDIA_URL + attachment.file.name)
    assert direct.status_code == 404
    assert client_for(desk).get("/media/" + attachment.file.name).status_code == 404
    # Anonymous: sent to login.
    anonymous = Client().get(reverse("salesite:attachment_download", args=[attachment.pk]))
    assert anonymous.status_code == 302
    assert reverse("login") in anonymous.url
    # A user of another project: 404.
    outsider = f.UserFactory()
    f.MembershipFactory(user=outsider)
    r, _body = download(client_for(outsider), attachment)
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "不支持的文件类型“exe”"),
        ("notes.txt", b"hello", "不支持的文件类型“txt”"),
        ("noextension", PNG, "不支持的文件类型“无扩展名”"),
        ("photo.png", b"this is text, not a picture", "文件内容与扩展名“png”不符"),
        ("scan.pdf", PNG, "文件内容与扩展名“pdf”不符"),
    ],
)
def test_refused_uploads(client_for, desk, customer, media_root, name, content, message):
    response = post_file(client_for(desk), customer, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_too_large_upload_is_refused(client_for, desk, customer, media_root, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = post_file(client_for(desk), customer, "big.png", PNG)  # 216 bytes
    html = response.content.decode()
    assert "文件过大" in html
    assert "不能超过 100" in html
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_upload_needs_change_permission(member, client_for, customer, project, media_root):
    guard = member("security", project)
    response = client_for(guard).post(
        upload_url(customer), {"file": SimpleUploadedFile("a.png", PNG)}
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()
    # and the upload form is not offered to them
    html = client_for(guard).get(reverse("salesite:customer_detail", args=[customer.pk]))
    assert upload_url(customer) not in html.content.decode()


def test_upload_onto_a_model_without_project_scope_is_404(client_for, desk, media_root):
    ct = ContentType.objects.get_for_model(ContentType)
    response = client_for(desk).post(
        reverse("salesite:attachment_upload", args=[ct.pk, ct.pk]),
        {"file": SimpleUploadedFile("a.png", PNG)},
    )
    assert response.status_code == 404


def test_next_parameter_cannot_redirect_off_site(client_for, desk, customer, media_root):
    response = client_for(desk).post(
        upload_url(customer),
        {"file": SimpleUploadedFile("a.png", PNG), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_attachment_belongs_to_its_owner_only(client_for, desk, project, media_root):
    first = f.CustomerFactory(project=project)
    second = f.CustomerFactory(project=project)
    c = client_for(desk)
    post_file(c, first, "a.png", PNG)
    html = c.get(reverse("salesite:customer_detail", args=[second.pk])).content.decode()
    assert "a.png" not in html
    assert Attachment.objects.get().object_id == first.pk
    assert Attachment.objects.get().content_type.model_class() is Customer


def test_a_role_that_may_not_view_the_record_may_not_download_its_files(
    member, client_for, desk, customer, project, media_root
):
    """A developer-side role sees the project but not its customers (403 on the customer's
    page): their files answer the same 403, and no upload is taken from them."""
    post_file(client_for(desk), customer, "身份证.png", PNG)
    attachment = Attachment.objects.get()
    dev = client_for(member("dev_sales_director", project))
    assert dev.get(reverse("salesite:customer_detail", args=[customer.pk])).status_code == 403
    response, body = download(dev, attachment)
    assert response.status_code == 403 and body == b""
    assert (
        dev.post(upload_url(customer), {"file": SimpleUploadedFile("b.png", PNG)}).status_code
        == 403
    )
    assert Attachment.objects.count() == 1


def test_upload_onto_an_undeclared_kind_of_record_is_404(client_for, desk, project, media_root):
    """Files belong only to kinds of record that declared their view rule; a project-scoped
    row without a page (a building) takes none."""
    building = f.BuildingFactory(project=project)
    ct = ContentType.objects.get_for_model(building)
    response = client_for(desk).post(
        reverse("salesite:attachment_upload", args=[ct.pk, building.pk]),
        {"file": SimpleUploadedFile("a.png", PNG)},
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_an_id_scan_is_served_only_to_roles_with_personal_data_access(
    member, client_for, desk, customer, project, media_root
):
    """R-X-5: a file marked as holding personal data (an ID card scan) is downloaded only by
    roles with personal-data access; a role that sees the record sees that the file exists,
    without a link, and gets 403 for the file."""
    desk_client = client_for(desk)
    post_file(desk_client, customer, "身份证扫描.pdf", PDF, personal="on")
    scan = Attachment.objects.get()
    assert scan.personal is True
    response, body = download(desk_client, scan)
    assert (response.status_code, body) == (200, PDF)

    engineer = client_for(member("engineering", project))  # sees customers, not their data
    page = engineer.get(reverse("salesite:customer_detail", args=[customer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "身份证扫描.pdf" in html and "含个人信息，无权查看" in html
    assert reverse("salesite:attachment_download", args=[scan.pk]) not in html
    assert download(engineer, scan)[0].status_code == 403

    # An ordinary file of the same record stays open to the same role.
    post_file(desk_client, customer, "平面图.png", PNG)
    plan = Attachment.objects.get(personal=False)
    assert download(engineer, plan)[0].status_code == 200
