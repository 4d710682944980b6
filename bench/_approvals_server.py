"""``bench/approvals.py``'s database and server: the environment, a fresh PostgreSQL database or
SQLite file, migrations, the seeded organisation (policies, an agent key, pending approval
requests) and the app served by uvicorn (or gunicorn, for comparison)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from _common import free_port, recreate_database_at
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
console = Console()
SQLITE_PATH = ROOT / "var" / "bench-approvals.sqlite3"
SETTINGS = os.environ.get("BENCH_SETTINGS", "config.settings.base")


def server_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "false",
        "THROTTLE_BURST": "1000000/second",
        "THROTTLE_SUSTAINED": "1000000000/hour",
        "LOG_LEVEL": "WARNING",
        # Under ASGI every request runs in its own thread; a persistent connection per thread
        # outlives the thread and exhausts PostgreSQL's max_connections (measured: "too many
        # clients" 500s at 8 concurrent clients). Connections are opened per request instead.
        "DATABASE_CONN_MAX_AGE": "0",
    }
    if not os.environ.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(SQLITE_PATH)
    return env


def recreate_database() -> str:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        recreate_database_at(url)
        return f"PostgreSQL ({urlparse(url).path.lstrip('/')})"
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"SQLite ({SQLITE_PATH.relative_to(ROOT)})"


def migrate() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=server_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup_django() -> None:
    for key, value in server_env().items():
        os.environ[key] = value
    import django

    django.setup()


def seed(waiters: int) -> tuple[str, list[str]]:
    """An organisation with realistic policies, an agent key, and ``waiters`` pending requests."""
    from approvals.services import approval_request_create
    from governance import services
    from governance.models import Agent
    from tests.factories import UserFactory

    owner = UserFactory(username="bench-owner@example.com")
    org = services.organisation_create(name="Bench", slug="bench", owner=owner)
    agent = services.agent_create(organisation=org, name="bench-bot", actor=owner)
    _, key = services.api_key_create(organisation=org, name="bench", actor=owner, scopes=["check"])
    created = []
    try:
        from policies.services import policy_create

        specs = [
            (
                "Destructive SQL",
                "action_approval",
                "require_approval",
                {"restricted_actions": ["database.delete"]},
            ),
            (
                "No card numbers",
                "pii_access",
                "block",
                {"denied_pii_types": ["credit_card", "ssn"]},
            ),
            ("Expensive calls", "cost_limit", "warn", {"max_cost_per_call": "5.00"}),
            ("Injection", "prompt_injection", "monitor", {}),
        ]
        for name, kind, mode, threshold in specs:
            try:
                policy_create(
                    organisation=org,
                    actor=owner,
                    name=name,
                    type=kind,
                    mode=mode,
                    threshold=threshold,
                )
                created.append(name)
            except Exception as exc:  # noqa: BLE001 - the bench runs with whatever policies exist
                console.print(f"[yellow]policy {name!r} not created: {exc}")
    except ImportError:
        console.print("[yellow]policies.services not available: /check runs with no policies")
    approval_ids = [
        str(
            approval_request_create(
                organisation=org,
                trace_id=uuid.uuid4(),
                agent=Agent.objects.get(pk=agent.pk),
                tool="database.delete",
                input={"table": "orders", "id": i},
                policy=None,
                reason="bench",
                timeout_seconds=3600,
                required_role="reviewer",
            ).pk
        )
        for i in range(waiters)
    ]
    console.print(f"Seeded: policies {created or 'none'}, {waiters} pending approval requests.")
    return key, approval_ids


class Server:
    """``uvicorn`` (ASGI, the way Execlave is served) or, for comparison only,
    ``gunicorn-gthread`` (WSGI: every waiting agent then holds a worker thread)."""

    def __init__(self, workers: int, kind: str = "uvicorn", threads: int = 4):
        self.port = free_port()
        if kind == "uvicorn":
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ]
        else:
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=server_env())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{kind} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
