"""Sign-up (off by default), the operator's invite, the guided steps of onboarding, and the
public pages' machine-readable parts (security.txt)."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from console.views.onboarding import snippets
from governance.models import AuditLog, Membership, Organisation
from governance.roles import Role
from traces.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_signup_is_closed_by_default(client):
    response = client.get("/signup/")
    assert response.status_code == 404 and b"Sign-up is closed" in response.content
    response = client.post(
        "/signup/",
        {"email": "x@example.com", "password": "a-long-pass-1", "organisation_name": "X"},
    )
    assert response.status_code == 404
    assert not Organisation.objects.filter(name="X").exists()


@override_settings(EXECLAVE_SIGNUP_OPEN=True)
def test_signup_creates_an_owner_and_leads_to_onboarding(client):
    response = client.post(
        "/signup/",
        {"email": "Ana@Example.com", "password": "a-long-pass-1", "organisation_name": "Ana's Lab"},
    )
    assert response.status_code == 302 and response["Location"] == "/onboarding/"
    org = Organisation.objects.get(name="Ana's Lab")
    membership = Membership.objects.get(organisation=org)
    assert membership.role == Role.OWNER and membership.user.username == "ana@example.com"
    assert AuditLog.objects.filter(organisation=org, action="organisation.created").exists()
    page = client.get("/onboarding/")
    assert page.status_code == 200 and b"Register an agent" in page.content


@override_settings(EXECLAVE_SIGNUP_OPEN=True)
def test_signup_errors_are_form_errors(client, owner):
    for data, field in [
        ({"email": "nope", "password": "a-long-pass-1", "organisation_name": "Y"}, "e-mail"),
        (
            {"email": owner.username, "password": "a-long-pass-1", "organisation_name": "Y"},
            "sign in",
        ),
        ({"email": "y@example.com", "password": "123", "organisation_name": "Y"}, "too short"),
        ({"email": "y@example.com", "password": "a-long-pass-1", "organisation_name": " "}, "Name"),
    ]:
        response = client.post("/signup/", data)
        assert response.status_code == 400, data
        assert field in response.content.decode(), data
    assert not Organisation.objects.filter(name="Y").exists()


def test_operator_invites_an_owner(django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite_owner", organisation="Initech", email="Peter@initech.example", stdout=out
        )
    org = Organisation.objects.get(name="Initech")
    assert Membership.objects.get(organisation=org).role == Role.OWNER
    assert "invited peter@initech.example" in out.getvalue()
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    with pytest.raises(CommandError, match="already a member"):
        call_command("invite_owner", organisation=org.slug, email="peter@initech.example")
    # A second owner invited by the organisation's name joins it: no second "Initech".
    out = StringIO()
    call_command("invite_owner", organisation="initech", email="joanna@initech.example", stdout=out)
    assert Organisation.objects.filter(name__iexact="initech").count() == 1
    assert Membership.objects.filter(organisation=org, role=Role.OWNER).count() == 2
    assert out.getvalue().startswith("Using organisation Initech")
    # Two organisations of one name: the slug decides, the name alone is refused.
    twin = Organisation.objects.create(name="Initech", slug="initech-2")
    with pytest.raises(CommandError, match="initech-2"):
        call_command("invite_owner", organisation="Initech", email="bill@initech.example")
    call_command("invite_owner", organisation=twin.slug, email="bill@initech.example")
    assert Membership.objects.get(user__username="bill@initech.example").organisation == twin


def test_onboarding_steps_key_shown_once_and_first_call(client, org, developer):
    client.force_login(developer)
    assert client.post("/onboarding/agent/", {"name": ""}).status_code == 400
    response = client.post("/onboarding/agent/", {"name": "helpdesk-bot"})
    assert response.status_code == 302
    agent = org.agents.get(name="helpdesk-bot")
    assert response["Location"] == f"/onboarding/?agent={agent.pk}"
    response = client.post("/onboarding/key/", {"agent": agent.pk})
    page = html.unescape(client.get(response["Location"]).content.decode())
    key = re.search(r'<code id="api-key">([^<]+)</code>', page).group(1)
    assert key.startswith("exk_") and f'api_key="{key}"' in page
    assert 'agent="helpdesk-bot"' in page and 'base_url="http://testserver"' in page
    assert agent.api_keys.get().agent_id == agent.pk
    # Shown once: the next view of the page no longer has it.
    again = client.get(f"/onboarding/?agent={agent.pk}").content.decode()
    assert key not in again and "shown once" in again
    # Waiting, then the first call arrives through the real API with that key.
    fragment = client.get(f"/onboarding/first-call/?agent={agent.pk}").content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = api.post(
        "/api/v1/check",
        {
            "trace_id": "7b0c6a9e-2f7e-4a8e-9d59-2a8f5b3f1e01",
            "agent": "helpdesk-bot",
            "tool": "demo.greet",
            "input": {"name": "world"},
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    fragment = client.get(f"/onboarding/first-call/?agent={agent.pk}").content.decode()
    assert "First call arrived" in fragment and "demo.greet" in fragment
    assert "hx-trigger" not in fragment  # polling stops
    assert LedgerEntry.objects.filter(agent_id=agent.pk).count() == 1


def test_reviewers_and_compliance_officers_have_no_onboarding(client, reviewer, compliance_officer):
    for user in (reviewer, compliance_officer):
        client.force_login(user)
        assert client.get("/onboarding/").status_code == 404
        assert client.post("/onboarding/agent/", {"name": "x"}).status_code == 404


def test_security_txt_parses_and_is_current(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields: dict[str, list[str]] = {}
    for line in response.content.decode().splitlines():
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition(": ")
        assert sep and re.fullmatch(r"[A-Za-z-]+", name), line
        fields.setdefault(name, []).append(value)
    for required in ("Contact", "Expires", "Policy", "Preferred-Languages", "Canonical"):
        assert required in fields, required
    assert len(fields["Expires"]) == 1  # RFC 9116: exactly once
    expires = datetime.strptime(fields["Expires"][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=90) < expires < now + timedelta(days=366)
    assert all(c.startswith(("mailto:", "https://")) for c in fields["Contact"])
    assert fields["Canonical"] == ["http://testserver/.well-known/security.txt"]
    policy = fields["Policy"][0]
    assert client.get(policy.removeprefix("http://testserver")).status_code == 200
    body = client.get(policy.removeprefix("http://testserver")).content.decode()
    for promise in ("48 hours", "5 business days", "14 days"):
        assert promise in body


def test_favicon_and_license(client):
    from django.conf import settings

    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    license_text = (settings.BASE_DIR / "LICENSE").read_text()
    assert "Apache License" in license_text and "Version 2.0" in license_text
    assert 'license = "Apache-2.0"' in (settings.BASE_DIR / "pyproject.toml").read_text()


def test_verify_now_records_the_result_on_the_dashboard(
    client, org, owner, reviewer, django_capture_on_commit_callbacks
):
    from console.models import IntegrityCheck, IntegrityStatus
    from tests.factories import AgentFactory

    from .ledgers import generate

    generate(
        organisation=org,
        agents=[AgentFactory(organisation=org, name="v-bot")],
        calls=40,
        start=datetime.now(UTC) - timedelta(hours=2),
        span=timedelta(hours=1),
        policies=[(1, "p")],
    )
    client.force_login(reviewer)  # no dashboard for reviewers: nothing to verify from there
    assert client.post("/dashboard/verify/").status_code == 404
    client.force_login(owner)
    assert b"Not verified" in client.get("/dashboard/").content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/verify/", {"next": "/dashboard/?from=2020-01-01"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/?from=2020-01-01"
    check = IntegrityCheck.objects.get(organisation=org)
    assert check.status == IntegrityStatus.INTACT and check.entries == 40 * 2 - 1
    row = AuditLog.objects.get(organisation=org, action="ledger.verification_requested")
    assert row.actor_user == owner and row.after["cause"] == "verify now on the dashboard"
    html = client.get("/dashboard/").content.decode()
    assert "Intact" in html and f"{check.entries} entries" in html
    # An open redirect is refused.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/verify/", {"next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/"


def test_a_verification_whose_worker_died_does_not_block_the_next(client, org, owner):
    from console.models import IntegrityCheck, IntegrityStatus

    stale = IntegrityCheck.objects.create(
        organisation=org, requested_at=datetime.now(UTC) - timedelta(hours=2)
    )
    client.force_login(owner)
    client.post("/dashboard/verify/")
    stale.refresh_from_db()
    assert stale.status == IntegrityStatus.FAILED and "did not finish" in stale.detail["error"]
    assert IntegrityCheck.objects.filter(organisation=org).count() == 2


def test_the_typescript_install_line_names_the_file_npm_pack_makes(client, owner):
    """@execlave/sdk is not on the npm registry: `npm install @execlave/sdk` fails with E404, so
    the onboarding snippet and the docs page point at the package built from the repository."""
    version = json.loads((settings.BASE_DIR / "sdk/typescript/package.json").read_text())["version"]
    typescript = snippets(base_url="http://testserver", agent="a", key="k")["typescript"]
    first = typescript.splitlines()[0]
    assert first == f"// npm install /path/to/execlave/sdk/typescript/execlave-sdk-{version}.tgz"
    client.force_login(owner)
    docs = client.get("/docs/").content.decode()
    assert "npm install @execlave/sdk" not in docs and 'href="/docs/typescript/"' in docs
