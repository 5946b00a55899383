"""The register's staff pages end to end (issue #16): edit, documents, trainings with the
acknowledgement attached, a lead evaluation and the status change, through the views."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from salesite.attachments import attachments_for
from salesite.models import (
    Contractor,
    ContractorDocument,
    ContractorTraining,
    LeadEvaluation,
    SkillCompetition,
)
from tests import factories as f
from tests.contractor_factories import contractor_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64


def test_engineering_keeps_the_register_through_its_pages(member, client_for, project):
    contractor = contractor_for(project, name="安居水电")
    engineer = member("engineering", project)
    client = client_for(engineer)
    # Edit: the penalty terms and the contract period.
    response = client.post(
        reverse("salesite:contractor_edit", args=[contractor.pk]),
        {
            "name": "安居水电",
            "projects": [project.pk],
            "tech_lead_name": "赵工",
            "tech_lead_phone": "13600000001",
            "contract_start": "2026-01-01",
            "contract_end": "2026-12-31",
            "penalty_terms": "超时上门每次扣款200元",
        },
    )
    assert response.status_code == 302
    contractor.refresh_from_db()
    assert contractor.penalty_terms == "超时上门每次扣款200元"
    # A document, then its scan on the document's page.
    response = client.post(
        reverse("salesite:contractor_document_create", args=[contractor.pk]),
        {
            "project": project.pk,
            "kind": "licence",
            "title": "营业执照",
            "valid_until": "2028-06-30",
        },
    )
    document = ContractorDocument.objects.get(contractor=contractor)
    assert response["Location"] == document.get_absolute_url()
    # A training, with the signed acknowledgement uploaded on its page.
    response = client.post(
        reverse("salesite:contractor_training_create", args=[contractor.pk]),
        {
            "project": project.pk,
            "held_on": "2026-01-15",
            "trainees": "赵工、班组长2名",
            "trainee_count": "3",
            "covers_service": "on",
            "covers_safety": "on",
            "acknowledgement_signed": "on",
        },
    )
    training = ContractorTraining.objects.get(contractor=contractor)
    assert response["Location"] == training.get_absolute_url()
    upload = client.post(
        reverse(
            "salesite:attachment_upload",
            args=[_ct(training), training.pk],
        ),
        {"file": SimpleUploadedFile("受训确认书.pdf", PDF), "description": "受训确认书"},
    )
    assert upload.status_code == 302
    assert [a.original_name for a in attachments_for(training)] == ["受训确认书.pdf"]
    page = client.get(training.get_absolute_url()).content.decode()
    assert "服务意识" in page and "安全" in page and "受训确认书.pdf" in page
    # A failing lead, replaced.
    response = client.post(
        reverse("salesite:contractor_evaluation_create", args=[contractor.pk]),
        {
            "project": project.pk,
            "year": "2026",
            "quarter": "2",
            "evaluated_on": "2026-06-28",
            "score": "55",
            "passed": "False",
            "replaced_by_name": "周工",
            "replaced_by_phone": "13600000009",
        },
    )
    assert response.status_code == 302
    assert LeadEvaluation.objects.get(contractor=contractor).passed is False
    contractor.refresh_from_db()
    assert contractor.tech_lead_name == "周工"
    detail = client.get(contractor.get_absolute_url()).content.decode()
    assert "营业执照" in detail and "不合格，已更换为" in detail and "周工" in detail


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_the_status_change_is_refused_to_engineering_on_another_project(
    member, client_for, project, other_project
):
    contractor = contractor_for(project)
    outsider = client_for(member("centre_head", other_project))
    url = reverse("salesite:contractor_status", args=[contractor.pk])
    assert outsider.post(url, {"to": "probation", "note": "x"}).status_code == 404
    head = client_for(member("centre_head", project))
    assert head.post(url, {"to": "probation", "note": "投诉较多"}).status_code == 302
    assert Contractor.objects.get(pk=contractor.pk).status == "probation"


def test_competition_list_is_bounded(member, client_for, project, django_assert_max_num_queries):
    for i in range(12):
        SkillCompetition.objects.create(
            company=project.property_company, title=f"比武{i}", held_on=datetime.date(2026, 5, 1)
        )
    SkillCompetition.objects.create(
        company=f.ProjectFactory().property_company,
        title="别家比武",
        held_on=datetime.date(2026, 5, 1),
    )
    client = client_for(member("engineering", project))
    with django_assert_max_num_queries(10):
        body = client.get(reverse("salesite:competition_list")).content.decode()
    assert "比武11" in body and "别家比武" not in body
