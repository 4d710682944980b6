"""The API contract: schemathesis fuzzes every operation of ``/api/v1/schema/`` against the
real app (uvicorn, the test database) with every check it has, and finds nothing.

Runs in both passes of ``make test`` (SQLite and PostgreSQL). ``SCHEMATHESIS_MAX_EXAMPLES``
and ``SCHEMATHESIS_SEED`` widen or vary the run (CI keeps a fixed seed: a failure there is
reproducible with the printed ``st replay`` or the same seed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.approvals.servers import AsgiServer
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def live_server_with_key(org, make_key):
    AgentFactory(organisation=org, name="billing-bot")
    key = make_key(org, scopes=["check", "ingest", "read", "policies", "privacy"])
    server = AsgiServer(extra_env={"THROTTLE_BURST": "100000/second"})
    yield server, key
    server.stop()


def test_schemathesis_finds_no_disagreement(live_server_with_key, tmp_path):
    server, key = live_server_with_key
    command = [
        str(SCHEMATHESIS),
        f"--config-file={Path(__file__).with_name('schemathesis.toml')}",
        "run",
        f"{server.url}/api/v1/schema/?format=json",
        "--checks=all",
        f"--max-examples={os.environ.get('SCHEMATHESIS_MAX_EXAMPLES', '25')}",
        f"--seed={os.environ.get('SCHEMATHESIS_SEED', '20261203')}",
        "--workers=1",
        # The coverage phase (every boundary of every field) makes ~5,000 requests over the
        # twelve policy variants, several minutes here; SCHEMATHESIS_PHASES adds it for a
        # deep local run. Examples + fuzzing keep `make test` within its budget.
        f"--phases={os.environ.get('SCHEMATHESIS_PHASES', 'examples,fuzzing')}",
        "--generation-database=none",
        # NUL is refused with a 400 by every text field (the schema says so in prose, and
        # tests/api/test_text_fields.py holds every field to it); schema-valid data here means
        # data without it.
        "--generation-allow-x00=false",
        "--no-color",
        "--request-timeout=30",
        "-H",
        f"Authorization: Bearer {key}",
    ]
    result = subprocess.run(  # noqa: S603 - our own venv's schemathesis, fixed arguments
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:] + "\n--- server log ---\n" + server.output()
