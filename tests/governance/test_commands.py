import io

import pytest
from django.core.management import CommandError, call_command

from governance import keys
from governance.models import ApiKey
from tests.subprocess_env import run_manage

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


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
        (["--org", "acme", "--name", "k", "--agent", "g" * 121], "Agent names are at most 120"),
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


@pytest.mark.sqlite_pass_only  # argparse's help: no database asked (a child process, ~2 s)
def test_apikey_create_help_names_every_scope():
    # The help listed four of the five scopes: a privacy platform's key was undiscoverable.
    from governance.models import Scope

    result = run_manage("apikey", "create", "--help")
    assert result.returncode == 0, result.stderr
    listed = " ".join(result.stdout.split())
    assert f"Comma-separated, of: {','.join(Scope.values)}" in listed
    assert set(Scope.values) == {"check", "ingest", "read", "policies", "privacy"}


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


def test_admin_static_files_are_served(client):
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200


def test_apikey_create_registers_the_agent_the_docs_name(org):
    """The READMEs' first step on a new organisation (`apikey create … --agent billing-bot`)
    stopped at "No agent named 'billing-bot'", and no command registers an agent."""
    from governance.models import Agent, AuditLog

    assert not Agent.objects.filter(organisation=org, name="support-bot").exists()
    out, err = _run(
        "apikey", "create", "--org", "acme", "--name", "k", "--agent", "support-bot",
        "--scopes", "check,ingest",
    )  # fmt: skip
    agent = Agent.objects.get(organisation=org, name="support-bot")
    assert ApiKey.objects.get(prefix=keys.parse(out.strip()).prefix).agent == agent
    assert "Registered agent 'support-bot' in acme." in err
    assert AuditLog.objects.filter(action="agent.created", object_id=str(agent.pk)).exists()
    # A key refused (an unknown scope) registers nothing.
    with pytest.raises(CommandError, match="Unknown scope"):
        _run(
            "apikey",
            "create",
            "--org",
            "acme",
            "--name",
            "k",
            "--agent",
            "x-bot",
            "--scopes",
            "chek",
        )
    assert not Agent.objects.filter(organisation=org, name="x-bot").exists()


def test_apikey_revoke_says_when_the_key_was_already_revoked(org):
    out, _ = _run("apikey", "create", "--org", "acme", "--name", "cli")
    prefix = keys.parse(out.strip()).prefix
    _, first = _run("apikey", "revoke", prefix)
    revoked_at = ApiKey.objects.get(prefix=prefix).revoked_at
    _, second = _run("apikey", "revoke", prefix)
    assert first.startswith("Revoked") and "was already revoked on" in second
    assert ApiKey.objects.get(prefix=prefix).revoked_at == revoked_at
