import io

import pytest
from django.core.management import CommandError, call_command

from governance import keys
from governance.models import Agent, ApiKey, Membership, Organisation
from tests.subprocess_env import run_manage

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_seed_demo_is_idempotent_and_prints_logins():
    out, _ = _run("seed_demo")
    assert "reviewer@demo.execlave.dev" in out and "exk_live_" not in out
    _run("seed_demo")
    org = Organisation.objects.get(slug="demo")
    assert Membership.objects.filter(organisation=org).count() == 5
    assert Agent.objects.filter(organisation=org).count() == 3
    assert not ApiKey.objects.exists()
    out, _ = _run("seed_demo", "--with-key")
    assert "exk_live_" in out


def test_demo_logins_work(client):
    _run("seed_demo", "--password", "pw-demo-123")
    assert client.login(username="compliance@demo.execlave.dev", password="pw-demo-123")
    assert client.get("/admin/").status_code == 200


def test_apikey_create_prints_only_the_key(org, agent):
    out, _ = _run(
        "apikey",
        "create",
        "--org",
        "acme",
        "--name",
        "cli",
        "--agent",
        "billing-bot",
        "--scopes",
        "check,read",
    )
    plaintext = out.strip()
    assert out.count("\n") == 1 and plaintext.startswith("exk_live_")
    api_key = ApiKey.objects.get(prefix=keys.parse(plaintext).prefix)
    assert api_key.agent == agent and api_key.scopes == ["check", "read"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--org", "nope", "--name", "k"], "No organisation"),
        (["--org", "acme", "--name", "k", "--agent", "ghost"], "No agent"),
        (["--org", "acme", "--name", "k", "--scopes", "read,root"], "Unknown scope"),
        (["--org", "acme", "--name", "k", "--expires-in-days", "0"], "between 1 and 3650"),
        (["--org", "acme", "--name", "k", "--expires-in-days", "99999999"], "between 1 and 3650"),
        (["--org", "acme", "--name", "bad\x00name"], "control characters"),
        (["--org", "ac\x00me", "--name", "k"], "control characters"),
    ],
)
def test_apikey_create_bad_arguments(org, args, message):
    with pytest.raises(CommandError, match=message):
        _run("apikey", "create", *args)
    assert not ApiKey.objects.exists()


def test_apikey_command_exits_non_zero_from_the_shell(org):
    result = run_manage("apikey", "create", "--org", "does-not-exist", "--name", "k")
    assert result.returncode != 0
    assert "No organisation" in result.stderr and result.stdout == ""


def test_apikey_revoke_and_list(org):
    out, _ = _run("apikey", "create", "--org", "acme", "--name", "cli")
    prefix = keys.parse(out.strip()).prefix
    _run("apikey", "revoke", prefix)
    assert ApiKey.objects.get(prefix=prefix).revoked_at is not None
    listing, _ = _run("apikey", "list", "--org", "acme")
    assert "revoked" in listing and out.strip() not in listing


def test_demo_logins_work_through_the_login_form(client):
    """The real login form (not force_login): members log in without Django's is_staff flag."""
    _run("seed_demo", "--password", "pw-demo-123")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "compliance@demo.execlave.dev", "password": "pw-demo-123", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert b"Governance console" in client.get("/admin/").content
    client.logout()
    refused = client.post(
        "/admin/login/", {"username": "reviewer@demo.execlave.dev", "password": "pw-demo-123"}
    )
    assert refused.status_code == 200 and b"/approvals/" in refused.content


def test_admin_static_files_are_served(client):
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200


def test_demo_activity_fills_every_screen_once():
    from approvals.models import Approval
    from compliance.models import Report
    from policies.models import Policy
    from traces.verification import ledger_verify

    _run("seed_demo")
    out, _ = _run("demo_activity", "--calls", "30")
    org = Organisation.objects.get(slug="demo")
    assert Policy.objects.filter(organisation=org).count() == 7
    assert Approval.objects.filter(organisation=org, status="pending").exists()
    assert Approval.objects.filter(organisation=org).exclude(status="pending").exists()
    assert Report.objects.filter(organisation=org).count() == 5
    assert ledger_verify(organisation=org).ok
    again, _ = _run("demo_activity")
    assert "already present" in again and Report.objects.filter(organisation=org).count() == 5


def test_demo_activity_needs_the_demo_organisation():
    with pytest.raises(CommandError, match="seed_demo"):
        _run("demo_activity")
