"""A complaint attributed to a registered contractor (被投诉维修单位, issue #16 item 4): set on
the case page by a client POST, refused for another company's contractor (form, service and
model), recorded as a case event and in the audit trail, and counted by the ranking."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback import services
from feedback.forms_repair import ComplaintContractorForm
from feedback.models import Case, CaseKind
from feedback.selectors.ranking import contractor_forced_ranking
from salesite.exceptions import DomainError
from tests.contractor_factories import ContractorFactory, contractor_for

from .conftest import sh

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(project, customer):
    return services.case_create(
        project=project,
        kind=CaseKind.COMPLAINT,
        complaint_category="service",
        subject="维修工人态度差",
        customer=customer,
        now=sh(2026, 5, 12, 9, 0),
    )


def test_the_front_desk_sets_the_contractor_on_the_case_page(
    client_for, member, project, complaint
):
    ours = contractor_for(project, name="安居水电")
    probation = contractor_for(project, name="考察期单位", status="probation")
    contractor_for(project, name="已淘汰单位", status="eliminated")
    client = client_for(member("front_desk", project))
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "被投诉维修单位" in page and "与维修单位无关的投诉请留空" in page
    assert "安居水电" in page and "考察期单位" in page and "已淘汰单位" not in page
    url = reverse("feedback:case_action", args=[complaint.pk, "complaint_contractor"])
    response = client.post(url, {"contractor": ours.pk, "note": "回访核实"}, follow=True)
    body = response.content.decode()
    assert "被投诉维修单位已更新" in body
    complaint.refresh_from_db()
    assert complaint.contractor == ours
    event = complaint.events.last()
    assert "被投诉维修单位：无 → 安居水电" in event.note and "回访核实" in event.note
    assert any(
        "contractor" in (entry.changes_dict or {})
        for entry in LogEntry.objects.get_for_object(complaint)
    )
    # Changed to the probation contractor, then cleared: each change is an event.
    client.post(url, {"contractor": probation.pk})
    client.post(url, {"contractor": ""})
    complaint.refresh_from_db()
    assert complaint.contractor is None
    assert "考察期单位 → 无" in complaint.events.last().note
    # Saving the same value again writes nothing.
    n = complaint.events.count()
    client.post(url, {"contractor": ""})
    assert complaint.events.count() == n


def test_another_companys_contractor_is_refused(
    client_for, member, project, other_project, complaint
):
    theirs = contractor_for(other_project, name="外公司单位")
    # Even linked to this project, a contractor registered by another company is refused.
    linked = ContractorFactory(project=other_project, projects=[project], name="挂靠单位")
    assert theirs.company_id != project.property_company_id
    client = client_for(member("cs_lead", project))
    url = reverse("feedback:case_action", args=[complaint.pk, "complaint_contractor"])
    for wrong in (theirs, linked):
        body = client.post(url, {"contractor": wrong.pk}, follow=True).content.decode()
        assert "不能作为被投诉单位" in body
        form = ComplaintContractorForm({"contractor": wrong.pk}, case=complaint)
        assert not form.is_valid() and "不能作为被投诉单位" in str(form.errors["contractor"])
        with pytest.raises(DomainError, match="不属于本项目的物业公司"):
            services.case_complaint_contractor_set(case=complaint, contractor=wrong)
        complaint.refresh_from_db()
        assert complaint.contractor is None
        # The model refuses it too (admin, any model form).
        complaint.contractor = wrong
        with pytest.raises(ValidationError) as exc:
            complaint.full_clean()
        assert "不是本项目物业公司登记的单位" in str(exc.value.message_dict["contractor"])
        complaint.contractor = None
    assert complaint.events.count() == 1  # the registration only


def test_only_a_complaint_takes_it_and_another_project_gets_404(
    client_for, member, project, other_project, complaint, unit
):
    ours = contractor_for(project)
    repair = services.case_create(
        project=project, kind=CaseKind.REPAIR, subject="漏水", unit=unit, walk_in_name="王先生"
    )
    with pytest.raises(DomainError):
        services.case_complaint_contractor_set(case=repair, contractor=ours)
    stranger = client_for(member("front_desk", other_project))
    url = reverse("feedback:case_action", args=[complaint.pk, "complaint_contractor"])
    assert stranger.post(url, {"contractor": ours.pk}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.contractor is None


def test_the_ranking_counts_the_attributed_complaint(project, complaint):
    ours = contractor_for(project, name="安居水电")
    services.case_complaint_contractor_set(case=complaint, contractor=ours)
    result = contractor_forced_ranking(project.property_company, year=2026, quarter=2)
    (row,) = result["rows"]
    # One complaint, no repairs: 100 − 10 × 1 = 90, the only part, so the total is 90.
    assert row["complaint_count"] == 1
    assert str(row["parts"]["complaints"]) == "90.0" and str(row["total"]) == "90.0"
    # Another quarter does not count it.
    other = contractor_forced_ranking(project.property_company, year=2026, quarter=3)
    assert other["rows"][0]["complaint_count"] == 0
    assert Case.objects.filter(kind=CaseKind.COMPLAINT, contractor=ours).count() == 1


def test_the_complaint_names_its_contractor_at_registration(
    client_for, member, project, other_project, customer
):
    ours = contractor_for(project, name="安居水电")
    linked = ContractorFactory(project=other_project, projects=[project], name="挂靠单位")
    client = client_for(member("front_desk", project))
    form = {
        "project": project.pk,
        "kind": "complaint",
        "channel": "call",
        "complaint_category": "service",
        "customer": customer.pk,
        "subject": "维修工人态度差",
    }
    page = client.get(reverse("feedback:case_create")).content.decode()
    assert "被投诉维修单位" in page and "安居水电" in page
    # Another company's contractor, even linked to the project: refused, nothing written.
    response = client.post(
        reverse("feedback:case_create"), form | {"complaint_contractor": linked.pk}
    )
    assert response.status_code == 200 and "不能作为被投诉单位" in response.content.decode()
    assert not Case.objects.exists()
    with pytest.raises(DomainError):
        services.case_create(
            project=project,
            kind=CaseKind.COMPLAINT,
            complaint_category="service",
            subject="x",
            customer=customer,
            contractor=linked,
        )
    response = client.post(
        reverse("feedback:case_create"), form | {"complaint_contractor": ours.pk}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.contractor == ours
    assert "安居水电" in client.get(case.get_absolute_url()).content.decode()
    # A repair registered with a contractor picked by mistake does not keep it.
    client.post(
        reverse("feedback:case_create"),
        form | {"kind": "repair", "complaint_contractor": ours.pk, "subject": "漏水"},
    )
    assert Case.objects.get(kind="repair").contractor is None
