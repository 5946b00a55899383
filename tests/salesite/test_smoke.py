import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_front_desk_sees_own_customer_and_not_another_projects(
    member, client_for, project, other_project
):
    mine = f.CustomerFactory(project=project)
    theirs = f.CustomerFactory(project=other_project)
    c = client_for(member("front_desk", project))
    assert c.get(f"/core/customers/{mine.pk}/").status_code == 200
    assert c.get(f"/core/customers/{theirs.pk}/").status_code == 404
    listing = c.get("/core/customers/").content.decode()
    assert mine.name in listing and theirs.name not in listing
