import pytest

from governance.middleware import SESSION_KEY
from governance.models import Membership
from governance.roles import Role

pytestmark = pytest.mark.django_db


def test_member_of_two_organisations_can_switch(client, owner, org, other_org):
    Membership.objects.create(user=owner, organisation=other_org, role=Role.REVIEWER)
    client.force_login(owner)
    response = client.post(
        "/organisation/switch/", {"organisation": other_org.pk, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == other_org.pk


def test_cannot_switch_into_a_foreign_organisation(client, outsider, org):
    client.force_login(outsider)
    response = client.post("/organisation/switch/", {"organisation": org.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_switch_refuses_open_redirects_and_bad_input(client, owner, org):
    client.force_login(owner)
    response = client.post(
        "/organisation/switch/", {"organisation": org.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert client.post("/organisation/switch/", {"organisation": "not-a-number"}).status_code in (
        400,
        404,
    )


def test_switch_needs_login_and_post(client, org):
    assert client.post("/organisation/switch/", {"organisation": org.pk}).status_code == 302
