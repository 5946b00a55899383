"""Excel/CSV export of the core lists (R-DASH-3): filters and scoping kept, personal data
masked for roles that may not see it (R-X-5), formulas neutralised."""

import csv
import io

import openpyxl
import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_customer_csv_keeps_scope_and_filters(member, client_for, project, other_project):
    mine = f.CustomerFactory(project=project, name="王小明")
    f.CustomerFactory(project=project, name="李四")
    f.CustomerFactory(project=other_project, name="外项目客户")
    c = client_for(member("front_desk", project))
    rows = csv_rows(c.get("/core/customers/?format=csv&q=王小明"))
    assert rows[0][:3] == ["项目", "姓名", "手机"]
    assert [r[1] for r in rows[1:]] == ["王小明"]
    assert rows[1][2] == mine.phone  # front desk may see full phone numbers
    assert rows[1][4] == mine.id_number
    everything = csv_rows(c.get("/core/customers/?format=csv"))
    assert "外项目客户" not in {r[1] for r in everything}


def test_customer_export_masks_personal_data_for_roles_without_it(member, client_for, project):
    """A role with view_customer but without can_view_personal_data gets masked values."""
    from salesite.models import Role

    security = Role.objects.get(code="security")
    assert not security.can_view_personal_data
    customer = f.CustomerFactory(project=project)
    c = client_for(member("security", project))
    rows = csv_rows(c.get("/core/customers/?format=csv"))
    assert rows[1][2] != customer.phone and rows[1][2].endswith(customer.phone[-4:])
    assert "*" in rows[1][4] and customer.id_number not in rows[1][4]


def test_unit_xlsx_export_and_formula_escaping(member, client_for, project):
    building = f.BuildingFactory(project=project, name="=1+1")
    f.UnitFactory(building=building, number="101")
    c = client_for(member("front_desk", project))
    response = c.get("/core/units/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert values[0][:3] == ["项目", "楼栋", "房号"]
    assert values[1][1] == "'=1+1"  # neutralised: a spreadsheet shows text, runs nothing


@pytest.mark.parametrize("n", [3, 30])
def test_customer_export_queries_do_not_grow(
    member, client_for, project, n, django_assert_max_num_queries
):
    f.CustomerFactory.create_batch(n, project=project)
    c = client_for(member("front_desk", project))
    with django_assert_max_num_queries(8):
        rows = csv_rows(c.get("/core/customers/?format=csv"))
    assert len(rows) == n + 1


def test_project_export_keeps_scope_and_search(member, client_for, project, other_project):
    second = f.ProjectFactory(name="滨江二期", code="binjiang2")
    user = member("front_desk", project)
    f.MembershipFactory(user=user, project=second)
    f.UnitFactory.create_batch(2, building=f.BuildingFactory(project=project))
    c = client_for(user)
    rows = csv_rows(c.get("/core/projects/?format=csv"))
    assert rows[0][:2] == ["项目名称", "项目编码"]
    assert {r[0] for r in rows[1:]} == {project.name, second.name}  # not other_project
    assert rows[[r[0] for r in rows].index(project.name)][rows[0].index("房屋数")] == "2"
    assert [r[0] for r in csv_rows(c.get("/core/projects/?format=csv&q=binjiang2"))[1:]] == [
        "滨江二期"
    ]
    response = c.get("/core/projects/?format=xlsx&q=滨江")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0].value for row in ws.iter_rows()] == ["项目名称", "滨江二期"]
    assert "format=xlsx" in c.get("/core/projects/").content.decode()
