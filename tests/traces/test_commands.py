"""verify_ledger, export_traces and verify_export as an operator runs them (child processes: exit
status, stdout, stderr), each command's success and failure at least once; the further cases of a
command run in process (``call_command``: the same command code, arguments parsed the same way, a
failure raised as the ``CommandError`` manage.py turns into exit status 1), without a child
process's ~2 s start each (session 15: 21 child processes -> 9)."""

import io
import json
import random

import pytest
from django.core.management import CommandError, call_command

from tests.subprocess_env import run_manage
from traces.export import verify_export_lines
from traces.models import LedgerEntry
from traces.services import checkpoint_create

from .conftest import raw_sql

pytestmark = pytest.mark.django_db(transaction=True)


def _command(*args: str) -> str:
    """A command in process: its stdout (a failure raises ``CommandError``)."""
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def ledger(org, agent, fill_ledger):
    fill_ledger(org, 25, agent=agent)
    checkpoint_create(organisation=org)
    fill_ledger(
        org,
        5,
        agent=agent,
        kind="decision",
        server={"decision": "block", "policies": [{"id": 1, "name": "no é"}]},
    )
    return org


def test_verify_ledger_passes_then_fails_with_a_located_break(ledger):
    done = run_manage("verify_ledger", "--org", "acme")
    assert done.returncode == 0, done.stderr
    assert "acme: intact — 30 entries" in done.stdout
    target = LedgerEntry.objects.get(organisation=ledger, seq=9)
    raw_sql("UPDATE traces_ledgerentry SET tool = 'x.y' WHERE id = %s", [target.id])
    done = run_manage("verify_ledger")
    assert done.returncode != 0
    assert "BROKEN at entry #9 (altered)" in done.stdout


def test_verify_ledger_unknown_org(ledger):
    with pytest.raises(CommandError, match="nope"):
        _command("verify_ledger", "--org", "nope")


def test_export_verifies_offline_and_fails_after_any_byte_changes(ledger, tmp_path):
    out = tmp_path / "acme.jsonl"
    done = run_manage("export_traces", "--org", "acme", str(out))
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["type"] == "header"
    assert json.loads(lines[1])["type"] == "checkpoint"
    assert sum(json.loads(line)["type"] == "entry" for line in lines) == 30
    assert [json.loads(line)["type"] for line in lines[-2:]] == ["seal", "end"]

    done = run_manage("verify_export", str(out))
    assert done.returncode == 0, done.stderr
    assert "intact — 30 entries" in done.stdout

    data = out.read_bytes()
    rng = random.Random(7)
    positions = rng.sample(range(len(data)), 200) + [10, len(data) // 2, len(data) - 3]
    for position in positions:
        changed = bytearray(data)
        changed[position] = (changed[position] + 1) % 256
        # The command's own verifier, in process (the command is run on two of them below).
        lines = io.TextIOWrapper(io.BytesIO(bytes(changed)), encoding="utf-8", newline="")
        assert not verify_export_lines(lines).ok, f"a change at byte {position} went unnoticed"
    for i, position in enumerate(positions[:2]):
        changed = bytearray(data)
        changed[position] = (changed[position] + 1) % 256
        tampered = tmp_path / f"tampered-{position}.jsonl"
        tampered.write_bytes(bytes(changed))
        if i == 0:
            done = run_manage("verify_export", str(tampered))
            assert done.returncode != 0 and "NOT VERIFIED" in done.stderr
        else:
            with pytest.raises(CommandError, match="NOT VERIFIED"):
                _command("verify_export", str(tampered))


def test_removing_or_reordering_lines_fails(ledger, tmp_path):
    out = tmp_path / "acme.jsonl"
    _command("export_traces", "--org", "acme", str(out))
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    for name, variant in {
        "dropped": lines[:5] + lines[6:],
        "swapped": lines[:5] + [lines[6], lines[5]] + lines[7:],
        "truncated": lines[:-2],
    }.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(variant), encoding="utf-8")
        with pytest.raises(CommandError, match="NOT VERIFIED"):
            _command("verify_export", str(path))


def test_export_with_another_signing_key_fails(ledger, tmp_path):
    out = tmp_path / "acme.jsonl"
    _command("export_traces", "--org", "acme", str(out))
    import os
    import subprocess
    import sys

    from tests.subprocess_env import ROOT, test_database_env

    env = {
        **test_database_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "LEDGER_SIGNING_KEY": "wrong",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_export", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "not with the key configured here" in done.stderr
    assert os.path.exists(out)


def test_export_range_and_csv(ledger, tmp_path):
    out = tmp_path / "acme.csv"
    done = run_manage("export_traces", "--org", "acme", "--format", "csv", str(out))
    assert done.returncode == 0, done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 31
    out = tmp_path / "empty.jsonl"
    _command("export_traces", "--org", "acme", "--since", "2999-01-01", str(out))
    assert "0 entries" in _command("verify_export", str(out))


def test_export_refuses_a_broken_chain_and_bad_arguments(ledger, tmp_path):
    raw_sql("DELETE FROM traces_ledgerentry WHERE organisation_id = %s AND seq = 3", [ledger.pk])
    out = tmp_path / "broken.jsonl"
    done = run_manage("export_traces", "--org", "acme", str(out))
    assert done.returncode != 0 and "missing" in done.stderr
    assert not out.exists() and not (tmp_path / "broken.jsonl.partial").exists()
    with pytest.raises(CommandError, match="--since"):
        _command("export_traces", "--org", "acme", "--since", "yesterday", str(out))
    with pytest.raises(CommandError, match="nope"):
        _command("export_traces", "--org", "nope", str(out))
    with pytest.raises(CommandError, match="no such file"):
        _command("verify_export", str(tmp_path / "missing.jsonl"))


def test_ledger_checkpoint_command(ledger):
    done = run_manage("ledger_checkpoint", "--org", "acme")
    assert done.returncode == 0 and "signed #30" in done.stdout
