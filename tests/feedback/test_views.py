import pytest
from django.urls import reverse

from feedback import services
from feedback.models import AmbassadorAssignment, CallbackTask, Case, CaseStatus, Question
from tests import factories as f

pytestmark = pytest.mark.django_db


def _case(project, customer=None, **kw):
    customer = customer or f.CustomerFactory(project=project)
    kw.setdefault("kind", "request")
    return services.case_create(project=project, subject="门禁卡", customer=customer, **kw)


def test_front_desk_creates_case_with_searched_customer(project, member, client_for, unit):
    desk = member("front_desk", project)
    owner = f.PurchaseFactory(unit=unit).customer
    c = client_for(desk)
    r = c.get(reverse("feedback:customer_search"), {"project": project.pk, "q": unit.number})
    assert owner.name in r.content.decode()
    r = c.post(
        reverse("feedback:case_create"),
        {
            "project": project.pk,
            "kind": "repair",
            "channel": "call",
            "customer": owner.pk,
            "building": unit.building.pk,
            "unit_number": unit.number,
            "subject": "漏水",
        },
    )
    case = Case.objects.get()
    assert r.status_code == 302 and r.url == case.get_absolute_url()
    assert case.unit == unit and case.customer == owner and case.dispatch_due
    r = c.get(case.get_absolute_url())
    assert "转派期限" in r.content.decode()


def test_customer_search_does_not_leak_other_project(project, other_project, member, client_for):
    desk = member("front_desk", project)
    stranger = f.CustomerFactory(project=other_project, name="外人")
    r = client_for(desk).get(
        reverse("feedback:customer_search"), {"project": other_project.pk, "q": "外人"}
    )
    assert stranger.name not in r.content.decode()


def test_create_form_refuses_other_projects_customer(project, other_project, member, client_for):
    desk = member("front_desk", project)
    stranger = f.CustomerFactory(project=other_project)
    r = client_for(desk).post(
        reverse("feedback:case_create"),
        {
            "project": project.pk,
            "kind": "visit",
            "channel": "visit",
            "customer": stranger.pk,
            "subject": "x",
        },
    )
    assert r.status_code == 200 and not Case.objects.exists()


def test_other_projects_case_is_404_and_not_listed(project, other_project, member, client_for):
    desk = member("front_desk", project)
    mine = _case(project)
    theirs = _case(other_project)
    c = client_for(desk)
    assert c.get(reverse("feedback:case_detail", args=[theirs.pk])).status_code == 404
    assert c.post(reverse("feedback:case_action", args=[theirs.pk, "start"])).status_code == 404
    body = c.get(reverse("feedback:case_list")).content.decode()
    assert mine.number in body and theirs.number not in body
    task = CallbackTask.objects.create(
        project=other_project,
        customer=theirs.customer,
        rule="sales",
        source_key="x",
        due_date="2026-03-01",
    )
    assert c.get(reverse("feedback:callback_detail", args=[task.pk])).status_code == 404


def test_permission_denied_for_role_without_add(project, member, client_for):
    cashier = member("cashier", project)
    c = client_for(cashier)
    assert c.get(reverse("feedback:case_create")).status_code == 403
    case = _case(project)
    assert c.post(reverse("feedback:case_action", args=[case.pk, "start"])).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_developer_role_cannot_see_case(project, member, client_for):
    dev = member("dev_marketing_manager", project)
    case = _case(project)
    assert client_for(dev).get(case.get_absolute_url()).status_code == 403


def test_close_without_reply_shows_error(project, member, client_for):
    desk = member("front_desk", project)
    case = _case(project)
    services.case_dispatch(case=case, responsible_person="x")
    c = client_for(desk)
    r = c.post(reverse("feedback:case_action", args=[case.pk, "close"]), follow=True)
    assert "不能" in r.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED


def test_state_changes_through_buttons(project, member, client_for):
    desk = member("front_desk", project)
    case = _case(project)
    c = client_for(desk)
    c.post(
        reverse("feedback:case_action", args=[case.pk, "dispatch"]), {"responsible_person": "李工"}
    )
    c.post(reverse("feedback:case_action", args=[case.pk, "reply"]), {"reply": "已解决"})
    c.post(reverse("feedback:case_action", args=[case.pk, "close"]))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.responsible_person == "李工"


def test_ambassador_sees_my_cases(project, member, client_for):
    amb = member("customer_ambassador", project)
    b1 = f.BuildingFactory(project=project)
    b2 = f.BuildingFactory(project=project)
    AmbassadorAssignment.objects.create(project=project, user=amb, building=b1)
    AmbassadorAssignment.objects.create(project=project, user=amb, area="商业街")
    in_b1 = _case(project, building=b1)
    in_area = _case(project, area="商业街")
    other = _case(project, building=b2)
    body = client_for(amb).get(reverse("feedback:my_cases")).content.decode()
    assert in_b1.number in body and in_area.number in body and other.number not in body


def test_callback_outcome_via_form(project, member, client_for):
    desk = member("front_desk", project)
    customer = f.CustomerFactory(project=project)
    task = CallbackTask.objects.create(
        project=project, customer=customer, rule="repair", source_key="x", due_date="2026-03-01"
    )
    q = Question.objects.filter(questionnaire__rule="repair").first()
    r = client_for(desk).post(task.get_absolute_url(), {"reached": "1", f"q_{q.pk}": "1"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "reached" and task.dissatisfied
    assert Case.objects.filter(source_callback=task).exists()


def test_timeline_page(project, member, client_for, unit):
    desk = member("front_desk", project)
    owner = f.PurchaseFactory(unit=unit).customer
    services.record_handover(customer=owner, unit=unit, handover_date="2026-02-01")
    r = client_for(desk).get(reverse("feedback:customer_timeline", args=[owner.pk]))
    assert r.status_code == 200 and "交房" in r.content.decode()


def test_exports(project, member, client_for):
    desk = member("front_desk", project)
    _case(project)
    c = client_for(desk)
    r = c.get(reverse("feedback:case_list") + "?format=csv")
    assert r.status_code == 200 and "门禁卡" in b"".join(r.streaming_content).decode("utf-8-sig")
    assert c.get(reverse("feedback:callback_list") + "?format=xlsx").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_case_list_queries_bounded(project, member, client_for, n, django_assert_max_num_queries):
    desk = member("front_desk", project)
    b = f.BuildingFactory(project=project)
    for _i in range(n):
        _case(project, building=b, unit=f.UnitFactory(building=b))
    c = client_for(desk)
    c.get(reverse("feedback:case_list"))
    with django_assert_max_num_queries(14):
        r = c.get(reverse("feedback:case_list"))
    assert r.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_callback_list_queries_bounded(
    project, member, client_for, n, django_assert_max_num_queries
):
    desk = member("front_desk", project)
    CallbackTask.objects.bulk_create(
        CallbackTask(
            project=project,
            customer=f.CustomerFactory(project=project),
            rule="sales",
            source_key="2026-02",
            due_date="2026-03-01",
            assigned_to=desk,
        )
        for _i in range(n)
    )
    c = client_for(desk)
    c.get(reverse("feedback:callback_list"))
    with django_assert_max_num_queries(14):
        r = c.get(reverse("feedback:callback_list"))
    assert r.status_code == 200


def test_index(project, member, client_for):
    desk = member("front_desk", project)
    _case(project)
    assert client_for(desk).get(reverse("feedback:index")).status_code == 200
