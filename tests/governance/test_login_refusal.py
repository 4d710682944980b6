"""The admin's sign-in refuses members whose role does not open the console, and says where to go."""

import pytest

pytestmark = pytest.mark.django_db


def _sign_in(client, username):
    return client.post("/admin/login/", {"username": username, "password": "pw-for-tests-1"})


def test_a_reviewer_is_refused_with_a_link_to_the_queue(client, reviewer):
    response = _sign_in(client, reviewer.username)

    assert response.status_code == 200  # the form again, not a redirect into the console
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "Your role does not open the console." in html
    assert '<a href="/approvals/">approval queue</a>' in html


def test_a_compliance_officer_signs_in(client, compliance_officer):
    response = _sign_in(client, compliance_officer.username)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(compliance_officer.pk)
