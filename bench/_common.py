"""Helpers the benchmark scripts share: a free loopback port, a fresh PostgreSQL database,
the environment a bench's server and its in-process Django run with, Django set up on a
migrated database, a gunicorn server on loopback, a bench organisation's chain length, a run
under callgrind, a seeded approval history's decisions."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # for ``tests``; nothing the bench directory already provides

from tests.databases import recreate_database_at  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(name: str) -> str:
    """Drop and create database ``name`` on the local server; returns its URL."""
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    recreate_database_at(url)
    return url


def chain_length(database: str, slug: str) -> int | None:
    """Entries in organisation ``slug``'s chain in ``database``; None when it is not there."""
    try:
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:5432/{database}", connect_timeout=3
        ) as conn:
            row = conn.execute(
                "SELECT c.length FROM traces_ledgerchain c JOIN governance_organisation o"
                " ON o.id = c.organisation_id WHERE o.slug = %s",
                (slug,),
            ).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def bench_env(
    *, database_url: str | None = None, sqlite_path: str | None = None, **settings: str
) -> dict[str, str]:
    """This process's environment as a bench's server and in-process Django need it: base
    settings, fixed keys, throttles out of the way, warnings only, no LLM endpoint (custom
    policies get the offline judge), and the database: PostgreSQL at ``database_url``, else
    a SQLite file at ``sqlite_path``. ``settings`` are further variables (e.g. ``Q_WORKERS``)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "bench-secret-key-" + "x" * 40,
        "LEDGER_SIGNING_KEY": "bench-ledger-key",
        "THROTTLE_BURST": "1000000/second",
        "THROTTLE_SUSTAINED": "100000000/hour",
        "EXECLAVE_LLM_BASE_URL": "",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        **settings,
    }
    env.pop("DATABASE_URL", None)
    env.pop("SQLITE_PATH", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    elif sqlite_path:
        env["SQLITE_PATH"] = sqlite_path
    return env


def django_on(
    url: str | None, *, sqlite_path: str | None = None, migrate: bool = True, **settings: str
) -> dict[str, str]:
    """Migrate the database (PostgreSQL at ``url``, else SQLite at ``sqlite_path``; a reused
    one too: it gets the newer migrations of the code being measured), then set Django up in
    this process against it with ``bench_env``. Returns that environment, for a server
    started on the same database (``gunicorn``)."""
    env = bench_env(database_url=url, sqlite_path=sqlite_path, **settings)
    if migrate:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    os.environ.update(env)
    for name in ("DATABASE_URL", "SQLITE_PATH"):
        if name not in env:
            os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return env


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int,
    threads: int = 1,
    timeout: int | None = None,
    keep_alive: int | None = None,
    start_seconds: float = 60,
):
    """gunicorn serving the app on a free loopback port with ``env`` (``bench_env``); yields
    the port once the server answers, stops the server on the way out. ``threads`` > 1 is
    the gthread worker."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    if threads > 1:
        command += ["-k", "gthread", "--threads", str(threads)]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    if keep_alive is not None:
        command += ["--keep-alive", str(keep_alive)]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for(port, server, start_seconds)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Return once the server on ``port`` answers /api/v1/health; exit if it dies or stalls."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited: " + proc.stderr.read().decode()[-3000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def callgrind_totals(argv: list[str], env: dict[str, str]) -> dict[str, int]:
    """Run ``python argv`` under callgrind with instrumentation off at the start (the run
    switches it on around what it measures and dumps each part with ``callgrind_control -d
    <label>``); returns the instructions of each labelled dump."""
    out = Path(tempfile.mkdtemp(prefix="execlave-callgrind-"))
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}/cg.%p",
         sys.executable, *argv],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    totals: dict[str, int] = {}
    for path in out.glob("cg.*"):
        text = path.read_text(errors="replace")
        label = re.search(r"^desc: Trigger: dump (.+)$", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if label and total:
            totals[label.group(1).strip()] = int(total.group(1))
    return totals


def decided_status(rng) -> str:
    """A seeded approval history's status: 8 approved to 1 denied and 1 expired."""
    from approvals.models import ApprovalStatus  # Django is set up by the bench first

    return rng.choice(
        [ApprovalStatus.APPROVED] * 8 + [ApprovalStatus.DENIED, ApprovalStatus.EXPIRED]
    )


def decided_fields(rng, *, requested: datetime, status: str, reviewer) -> dict:
    """An ``Approval``'s times and decider for ``status``, requested at ``requested``: decided by
    ``reviewer`` 30 s to 15 min later, or, expired, by nobody (the hour's window ran out)."""
    from approvals.models import ApprovalStatus

    expired = status == ApprovalStatus.EXPIRED
    return {
        "requested_at": requested,
        "expires_at": requested + timedelta(hours=1),
        "decided_at": None if expired else requested + timedelta(seconds=rng.randrange(30, 900)),
        "decided_by": None if expired else reviewer,
        "decided_by_label": "" if expired else reviewer.email,
    }
