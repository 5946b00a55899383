"""Signatures on the tablet (issue #15 item 6): the hash of the signed content, the drawn PNG's
checks, owner-then-staff order, the signed record refusing an edit until the signatures are
voided, the pages (signing, voiding, case status, print) and their scoping."""

import base64
import datetime
import hashlib
import json
import struct
import zlib
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from handover import services
from handover.models import HandoverCase, HandoverSignature, RectificationItem
from handover.models.signatures import SignedDocumentLocked
from handover.services import signatures
from salesite.demo import demo_png
from salesite.exceptions import DomainError
from tests import demo_snapshot
from tests.handover.factories import run_steps

pytestmark = pytest.mark.django_db

CONFIRMATION, SAFETY = "confirmation", "safety"


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def rgba_png(width: int, height: int, *, ink: bool) -> bytes:
    """A transparent RGBA canvas as signature_pad exports it, with a black stroke if ``ink``."""
    rows = []
    for y in range(height):
        row = bytearray(width * 4)
        if ink and y == height // 2:
            for x in range(10, width - 10):
                row[x * 4 + 3] = 255  # opaque black
        rows.append(b"\x00" + bytes(row))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


STROKE = data_url(rgba_png(400, 150, ink=True))


def _accept(case, user, water="3.20"):
    return services.acceptance_record(
        case=case,
        user=user,
        room_items={"living": "ok", "kitchen": "defect"},
        water_reading=Decimal(water),
        electricity_reading=Decimal("12.50"),
        gas_reading=None,
        inspected_on=datetime.date(2027, 6, 30),
    )


@pytest.fixture
def ready(case, front_desk):
    """A case at step 7 with its acceptance form and one leftover item: ready to sign."""
    _accept(case, front_desk)
    services.rectification_add(
        case=case,
        user=front_desk,
        location="厨房",
        description="橱柜门铰链松动",
        responsible_unit="精装修单位",
        deadline=datetime.date(2027, 7, 7),
        today=datetime.date(2027, 6, 30),
    )
    run_steps(case, front_desk, 6)
    services.step_keys_ready(
        case=case,
        user=front_desk,
        keys_count=3,
        handbooks_ready=True,
        owner_consulted=True,
        key_kept=True,
    )
    case.refresh_from_db()
    return case


def _sign(case, user, document=CONFIRMATION, role="owner", name="张三", image=STROKE):
    return signatures.signature_add(
        case=case, document=document, role=role, signer_name=name, image_data_url=image, user=user
    )


# --- the hash ---------------------------------------------------------------------------------


def test_safety_hash_is_the_sha256_of_the_canonical_json(case):
    case.unit.building.name = "1栋"
    case.unit.building.save()
    content = signatures.document_content(case, SAFETY)
    clauses = ",".join(f'"{c}"' for c in signatures.SAFETY_CLAUSES)
    # Keys sorted, no spaces, UTF-8 (written out by hand).
    expected = (
        f'{{"area":"100.00","case":{case.pk},"clauses":[{clauses}],"document":"safety",'
        f'"owner":"{case.customer.name}","project":"{case.project.name}",'
        f'"unit":"1栋-{case.unit.number}","version":1}}'
    )
    assert signatures.canonical_bytes(content).decode() == expected
    assert (
        signatures.content_sha256(case, SAFETY)
        == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    )


def test_confirmation_hash_is_deterministic_and_follows_the_content(ready, front_desk):
    first = signatures.content_sha256(ready, CONFIRMATION)
    assert signatures.content_sha256(ready, CONFIRMATION) == first
    content = signatures.document_content(ready, CONFIRMATION)
    assert content["acceptance"]["water"] == "3.20"
    assert content["fees"]["lines"][0][0] == "物业管理费"
    assert content["fees"]["total"] == "1500.00"  # 2.50 × 100 m² × 6 months
    assert content["defects"] == [
        ["厨房", "橱柜门铰链松动", "精装修单位", "2027-07-07", "2027-06-30"]
    ]
    _accept(ready, front_desk, water="3.30")  # not signed yet: the form may change
    assert signatures.content_sha256(ready, CONFIRMATION) != first
    # A rectification item's progress is not what was signed.
    second = signatures.content_sha256(ready, CONFIRMATION)
    item = RectificationItem.objects.get(case=ready)
    services.rectification_set_status(item=item, to_status="fixed", user=front_desk)
    assert signatures.content_sha256(ready, CONFIRMATION) == second


# --- the image --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, message",
    [
        ("", "请在签名框内签字"),
        ("data:image/jpeg;base64,/9j/4AAQ", "请在签名框内签字"),
        ("data:image/png;base64,!!!notbase64", "无法识别"),
        (data_url(b"GIF89a" + b"\x00" * 40), "不是 PNG"),
        (data_url(rgba_png(400, 150, ink=False)), "空白"),
        (data_url(rgba_png(60, 20, ink=True)), "尺寸不正确"),
        (data_url(rgba_png(400, 150, ink=True)[:-30]), "已损坏"),
    ],
)
def test_a_bad_image_is_refused(image, message):
    with pytest.raises(ValidationError) as exc:
        signatures.decode_signature_png(image)
    assert message in exc.value.messages[0]


def test_a_drawn_png_is_accepted():
    assert signatures.decode_signature_png(STROKE).startswith(b"\x89PNG")
    assert signatures.decode_signature_png(data_url(demo_png((0, 0, 0))))  # an opaque RGB one


# --- signing ----------------------------------------------------------------------------------


def test_owner_then_staff_sign_the_confirmation(ready, front_desk):
    digest = signatures.content_sha256(ready, CONFIRMATION)
    with pytest.raises(DomainError, match="请先由业主签字"):
        _sign(ready, front_desk, role="staff", name="李四")
    owner = _sign(ready, front_desk)
    staff = _sign(ready, front_desk, role="staff", name="李四")
    assert (owner.content_sha256, staff.content_sha256) == (digest, digest)
    assert owner.image.mime_type == "image/png" and owner.image.owner == owner
    assert owner.image.file.read().startswith(b"\x89PNG")
    with pytest.raises(DomainError, match="已有此签字人的签字"):
        _sign(ready, front_desk)
    (state,) = [s for s in signatures.document_states(ready) if s.document == CONFIRMATION]
    assert state.complete


def test_confirmation_needs_the_first_seven_steps_and_the_form(case, front_desk):
    run_steps(case, front_desk, 6)
    with pytest.raises(DomainError, match="前七个交接步骤"):
        _sign(case, front_desk)
    assert not HandoverSignature.objects.exists()


def test_safety_agreement_needs_the_owner_file(case, front_desk):
    run_steps(case, front_desk, 2)
    with pytest.raises(DomainError, match="完善业主档案"):
        _sign(case, front_desk, document=SAFETY)
    services.step_owner_file(
        case=case,
        user=front_desk,
        emergency_phone="13900001111",
        birthday=datetime.date(1980, 2, 3),
    )
    assert _sign(case, front_desk, document=SAFETY).document == SAFETY


def test_content_changed_while_the_page_was_open_is_refused(ready, front_desk):
    with pytest.raises(DomainError, match="签字期间已被修改"):
        signatures.signature_add(
            case=ready,
            document=CONFIRMATION,
            role="owner",
            signer_name="张三",
            image_data_url=STROKE,
            shown_sha256="0" * 64,
            user=front_desk,
        )


# --- the signed record ------------------------------------------------------------------------


def test_a_signed_record_refuses_an_edit_until_voided(ready, front_desk):
    _sign(ready, front_desk)
    with pytest.raises(SignedDocumentLocked, match="已签字，不能修改"):
        _accept(ready, front_desk, water="9.99")
    with pytest.raises(SignedDocumentLocked):
        services.rectification_add(
            case=ready,
            user=front_desk,
            location="客厅",
            description="墙面开裂",
            responsible_unit="总包",
            deadline=datetime.date(2099, 1, 1),
        )
    ready.refresh_from_db()
    assert ready.acceptance.water_reading == Decimal("3.20")
    assert RectificationItem.objects.filter(case=ready).count() == 1
    # Progress that is not signed content goes on: the item's status, the next steps.
    item = RectificationItem.objects.get(case=ready)
    services.rectification_set_status(item=item, to_status="fixed", user=front_desk)
    services.step_handed_over(case=ready, user=front_desk, owner_signed=True)
    services.step_summary(case=ready, user=front_desk)

    with pytest.raises(DomainError, match="请填写作废原因"):
        signatures.signatures_void(case=ready, document=CONFIRMATION, reason=" ", user=front_desk)
    assert (
        signatures.signatures_void(
            case=ready, document=CONFIRMATION, reason="水表读数抄错", user=front_desk
        )
        == 1
    )
    _accept(ready, front_desk, water="9.99")
    voided = HandoverSignature.objects.get()
    assert voided.void_reason == "水表读数抄错" and voided.voided_by == front_desk
    entry = LogEntry.objects.get_for_object(voided).filter(action=LogEntry.Action.UPDATE)
    entry = entry.order_by("-pk").first()  # after the image was set on creation
    assert entry.changes_dict["void_reason"] == ["", "水表读数抄错"]
    again = _sign(ready, front_desk)  # re-signed on the new content
    assert again.content_sha256 == signatures.content_sha256(ready, CONFIRMATION)
    assert again.content_sha256 != voided.content_sha256


def test_a_signature_whose_content_changed_elsewhere_shows_invalid(ready, front_desk):
    _sign(ready, front_desk)
    customer = ready.customer
    customer.name = "张三丰"  # the owner register corrected in the core app
    customer.save()
    (state,) = [s for s in signatures.document_states(ready) if s.document == CONFIRMATION]
    assert state.owner is not None and not state.owner_valid
    with pytest.raises(DomainError, match="业主签字无效"):
        _sign(ready, front_desk, role="staff", name="李四")


# --- the pages --------------------------------------------------------------------------------


def test_signing_page_form_error_then_success(ready, front_desk, client_for):
    client = client_for(front_desk)
    url = reverse("handover:signature_sign", args=[ready.pk, CONFIRMATION, "owner"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "data-signature-pad" in body and "signature_pad.umd.min.js" in body
    digest = signatures.content_sha256(ready, CONFIRMATION)
    assert digest in body
    blank = data_url(rgba_png(400, 150, ink=False))
    post = {"signer_name": "张三", "image": blank, "content_sha256": digest}
    response = client.post(url, post)
    assert response.status_code == 200 and "签名框是空白的" in response.content.decode()
    assert not HandoverSignature.objects.exists()
    response = client.post(url, {**post, "image": STROKE}, follow=True)
    assert "业主已签署“交房确认单（含房屋交接验收表）”。" in response.content.decode()
    # Staff countersign: the logged-in user's name, whatever is posted.
    staff_url = reverse("handover:signature_sign", args=[ready.pk, CONFIRMATION, "staff"])
    client.post(staff_url, {**post, "image": STROKE, "signer_name": "冒名"})
    staff = HandoverSignature.objects.get(role="staff")
    assert staff.signer_name == (front_desk.get_full_name() or front_desk.username)
    detail = client.get(ready.get_absolute_url()).content.decode()
    assert "已签字" in detail


def test_signing_page_of_a_case_not_ready_redirects_with_the_reason(case, front_desk, client_for):
    client = client_for(front_desk)
    url = reverse("handover:signature_sign", args=[case.pk, CONFIRMATION, "owner"])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "前七个交接步骤" in response.content.decode()


def test_unknown_document_or_role_is_404(ready, front_desk, client_for):
    client = client_for(front_desk)
    assert client.get(f"/handover/cases/{ready.pk}/sign/contract/owner/").status_code == 404
    assert client.get(f"/handover/cases/{ready.pk}/sign/safety/guest/").status_code == 404


def test_print_shows_both_signatures_in_place_of_the_blank_lines(
    ready, front_desk, client_for, django_assert_max_num_queries
):
    owner = _sign(ready, front_desk)
    staff = _sign(ready, front_desk, role="staff", name="李四")
    client = client_for(front_desk)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("handover:case_print", args=[ready.pk])).content.decode()
    for signature in (owner, staff):
        src = reverse("salesite:attachment_download", args=[signature.image_id])
        assert page.count(f'src="{src}"') == 2  # the owner's copy and the archive's
        assert page.count(signature.hash_prefix) >= 2
    image = client.get(reverse("salesite:attachment_download", args=[owner.image_id]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    # Voided: the blank line again.
    signatures.signatures_void(case=ready, document=CONFIRMATION, reason="重签", user=front_desk)
    page = client.get(reverse("handover:case_print", args=[ready.pk])).content.decode()
    assert "signature-image" not in page


def test_safety_print_shows_the_clauses_and_signature(case, front_desk, client_for):
    run_steps(case, front_desk, 3)
    owner = _sign(case, front_desk, document=SAFETY)
    page = client_for(front_desk).get(reverse("handover:safety_print", args=[case.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert signatures.SAFETY_CLAUSES[0] in body
    assert reverse("salesite:attachment_download", args=[owner.image_id]) in body


def test_void_page_requires_a_reason(ready, front_desk, client_for):
    _sign(ready, front_desk)
    client = client_for(front_desk)
    url = reverse("handover:signature_void", args=[ready.pk, CONFIRMATION])
    assert client.post(url, {"reason": ""}).status_code == 200  # the form again, with its error
    assert HandoverSignature.objects.get().voided_at is None
    response = client.post(url, {"reason": "验收表有误"}, follow=True)
    assert "签字已作废" in response.content.decode()
    assert HandoverSignature.objects.get().void_reason == "验收表有误"


def test_another_projects_case_and_its_signature_image_are_hidden(
    ready, front_desk, member, other_project, client_for
):
    owner = _sign(ready, front_desk)
    outsider = client_for(member("front_desk", other_project))
    for url in (
        reverse("handover:signature_sign", args=[ready.pk, CONFIRMATION, "staff"]),
        reverse("handover:signature_void", args=[ready.pk, CONFIRMATION]),
        reverse("handover:safety_print", args=[ready.pk]),
        reverse("salesite:attachment_download", args=[owner.image_id]),
    ):
        assert outsider.get(url).status_code == 404, url
    response = outsider.post(
        reverse("handover:signature_sign", args=[ready.pk, CONFIRMATION, "staff"]),
        {"signer_name": "x", "image": STROKE, "content_sha256": owner.content_sha256},
    )
    assert response.status_code == 404
    assert HandoverSignature.objects.count() == 1


def test_a_role_without_the_handover_permission_cannot_sign(ready, member, client_for):
    security = client_for(member("security", ready.project))
    url = reverse("handover:signature_sign", args=[ready.pk, CONFIRMATION, "owner"])
    assert security.get(url).status_code == 403


def test_demo_signs_documents_and_is_idempotent():
    from handover.demo import seed_demo

    demo_snapshot.seed_demo()  # a fresh seed of the whole demo
    complete = HandoverSignature.objects.filter(
        project__code="binjiang", case__status="completed"
    ).values_list("document", "role")
    assert sorted(complete) == [
        ("confirmation", "owner"),
        ("confirmation", "staff"),
        ("safety", "owner"),
        ("safety", "staff"),
    ]
    case = HandoverCase.objects.get(project__code="binjiang", status="completed")
    assert all(s.complete for s in signatures.document_states(case))
    waiting = HandoverSignature.objects.filter(project__code="binjiang", case__last_step=3).get()
    assert (waiting.document, waiting.role) == ("safety", "owner")
    count = HandoverSignature.objects.count()
    assert (
        HandoverSignature.objects.filter(project__code="haitang", document="confirmation").count()
        == 2
    )
    seed_demo()
    assert HandoverSignature.objects.count() == count


def test_the_acceptance_form_page_refuses_an_edit_of_a_signed_record(ready, front_desk, client_for):
    _sign(ready, front_desk)
    response = client_for(front_desk).post(
        reverse("handover:acceptance_edit", args=[ready.pk]),
        {
            "water_reading": "9.99",
            "electricity_reading": "12.50",
            "inspected_on": "2027-06-30",
            **{f"room_{k}": "ok" for k in ("living", "bedrooms", "kitchen", "bathrooms")},
            **{f"room_{k}": "na" for k in ("balcony", "doors_windows", "plumbing_electric")},
        },
    )
    assert response.status_code == 200
    assert "“交房确认单（含房屋交接验收表）”已签字，不能修改。" in response.content.decode()
    ready.acceptance.refresh_from_db()
    assert ready.acceptance.water_reading == Decimal("3.20")


def test_admin_edit_of_a_signed_record_is_refused_with_a_message(ready, front_desk, client_for):
    from tests import factories as f

    _sign(ready, front_desk)
    admin = client_for(f.UserFactory(is_staff=True, is_superuser=True))
    record = ready.acceptance
    url = reverse("admin:handover_acceptancerecord_change", args=[record.pk])
    form = admin.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(case=ready.pk, project=ready.project_id, water_reading="9.99")
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["room_items"] = json.dumps(record.room_items, ensure_ascii=False)
    response = admin.post(url, data, follow=True)
    assert response.status_code == 200
    assert "已签字，不能修改" in response.content.decode()
    record.refresh_from_db()
    assert record.water_reading == Decimal("3.20")
