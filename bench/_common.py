"""Helpers the benchmark scripts share: a free loopback port, a fresh PostgreSQL database,
an in-process Django on it, a bench organisation's chain length, waiting for a server
subprocess to answer."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(name: str) -> str:
    """Drop and create database ``name`` on the local server; returns its URL."""
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


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


def django_on(url: str, **settings: str) -> None:
    """Migrate the database at ``url`` (a reused one too: it gets the newer migrations of the
    code being measured), then set Django up in this process against it. ``settings`` are
    further environment variables (e.g. ``Q_WORKERS``) for both."""
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "LEDGER_SIGNING_KEY": "bench-ledger-key",
        **settings,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING", **env},
        check=True,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


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
