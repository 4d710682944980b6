"""A real Execlave server for the SDK tests, run as a subprocess.

uvicorn serves ``config.asgi`` — as ``make run`` does, so the approvals long-poll is a
parked coroutine as in production — on a free loopback port, against its own database: a
SQLite file in a temporary directory, or — when the test run has a PostgreSQL
``DATABASE_URL`` — the database ``execlave_sdk_live`` on that server. The
subprocess uses the project's interpreter (``.venv``), so the SDK tests can
also run from another virtualenv (the framework adapters' ``.venv-sdk``).

``stop()`` kills the server (the SDK then sees a closed port), ``start()``
brings it back on the same port and database. One server per test process, each
caller in an organisation of its own (``live_server``).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse, urlunparse

from tests.serving import wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
LIVE_DB_NAME = "execlave_sdk_live"  # + the pid of the test process


def server_python() -> str:
    explicit = os.environ.get("EXECLAVE_SERVER_PYTHON")
    if explicit:
        return explicit
    try:
        import django  # noqa: F401

        return sys.executable
    except ImportError:
        return str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self) -> None:
        self.python = server_python()
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="execlave-sdk-live-"))
        self.env = self._environment()
        self._proc: subprocess.Popen[bytes] | None = None
        self._control: subprocess.Popen[str] | None = None
        self.keys: dict[str, Any] = {}

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EXECLAVE_", "PYTEST_"))}
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        env["PYTHONPATH"] = str(ROOT)
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            # One database per test process, so parallel runs (xdist) never share one.
            name = f"{LIVE_DB_NAME}_{os.getpid()}"
            env["DATABASE_URL"] = urlunparse(urlparse(url)._replace(path="/" + name))
        else:
            env.pop("DATABASE_URL", None)
            env["SQLITE_PATH"] = str(self.workdir / "live.sqlite3")
        return env

    # -- lifecycle ---------------------------------------------------------------
    def prepare(self) -> None:
        self._run([self.python, str(ROOT / "tests" / "sdk" / "live_control.py"), "prepare-db"])
        self._run([self.python, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"])

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(
            argv, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        assert self._proc is None, "already running"
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self._proc = subprocess.Popen(
            [
                self.python,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "2",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(self._proc, f"{self.base_url}/api/v1/health")
        except RuntimeError as exc:
            raise RuntimeError(f"live server: {exc}:\n{self.log()}") from exc

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.kill()
        self._proc.wait(timeout=10)
        self._proc = None

    @property
    def running(self) -> bool:
        return self._proc is not None

    def close(self) -> None:
        self.stop()
        if self._control is not None:
            self._control.stdin.close()  # type: ignore[union-attr]
            try:
                self._control.wait(timeout=10)
            except subprocess.TimeoutExpired:
                # Every answer has been read; on a loaded machine its interpreter can take longer
                # than that to tear down, which must not fail the test that used it.
                self._control.kill()
                self._control.wait()
            self._control = None
        if self.env.get("DATABASE_URL"):
            subprocess.run(
                [self.python, str(ROOT / "tests" / "sdk" / "live_control.py"), "drop-db"],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log(self) -> str:
        try:
            return (self.workdir / "server.log").read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    # -- the test's hands in the database ------------------------------------------
    def control(self, command: str, **args: Any) -> Any:
        if self._control is None:
            self._control = subprocess.Popen(
                [self.python, str(ROOT / "tests" / "sdk" / "live_control.py")],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        assert self._control.stdin and self._control.stdout
        self._control.stdin.write(json.dumps({"command": command, "args": args}) + "\n")
        self._control.stdin.flush()
        answer = json.loads(self._control.stdout.readline())
        if not answer["ok"]:
            raise RuntimeError(f"{command} failed: {answer['error']}\n{answer['traceback']}")
        return answer["result"]

    # -- the public API, as any client sees it ----------------------------------------
    def require(self, method: str, path: str, key: str | None = None) -> None:
        """Skip (naming the endpoint) while a part of the server a test needs has not landed."""
        import pytest

        status, _ = self.api(
            method, path, key=key or self.keys["sdk_key"], payload={} if method == "POST" else None
        )
        if status == 404:
            pytest.skip(f"{method} {path} is not served yet")

    def api(self, method: str, path: str, *, key: str, payload: Any = None) -> tuple[int, Any]:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:  # noqa: S310
                body = resp.read()
                return resp.status, json.loads(body) if body else None
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                return exc.code, json.loads(body)
            except ValueError:
                return exc.code, body.decode(errors="replace")


def _flatten(body: dict[str, Any]) -> dict[str, Any]:
    """One trace of the API as the SDK sent its completion (plus the events)."""
    completion = next((e for e in body["events"] if e["kind"] == "completion"), None) or {}
    client = completion.get("client") or {}
    return {
        "trace_id": body["trace_id"],
        "tool": body["tool"],
        "agent": body["agent"],
        "status": completion.get("status"),
        "input": completion.get("input"),
        "output": completion.get("output"),
        "metadata": client.get("metadata") or {},
        "events": body["events"],
    }


class LiveBackend:
    """The live server seen through the interface the behaviour tests use (same as ``Standin``)."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.base_url = server.base_url
        self.api_key = server.keys["sdk_key"]
        self.organisation_id = server.keys["organisation_id"]
        self.created = datetime.now(UTC)

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.start()

    def stored(self, trace_id: str) -> int:
        """Completion entries in the ledger for this trace (counted in the database)."""
        return self.server.control(
            "ledger_count",
            organisation_id=self.organisation_id,
            trace_id=trace_id,
            kind="completion",
        )

    def arrival_order(self, trace_ids: list[str]) -> list[str]:
        """The traces' completions in the order the ledger chained them."""
        return self.server.control(
            "completion_order", organisation_id=self.organisation_id, trace_ids=trace_ids
        )

    def trace(self, trace_id: str) -> dict[str, Any]:
        """The trace as the API returns it, flattened to the completion the SDK sent."""
        status, body = self.server.api("GET", f"/api/v1/traces/{trace_id}", key=self.api_key)
        assert status == 200, body
        return _flatten(body)

    def traces(self, *, tool: str, since: datetime) -> list[dict[str, Any]]:
        """This organisation's traces of ``tool`` that started after ``since``, oldest first."""
        query = urlencode({"tool": tool, "since": since.isoformat(), "limit": 200})
        status, body = self.server.api("GET", f"/api/v1/traces?{query}", key=self.api_key)
        assert status == 200, body
        return [_flatten(t) for t in reversed(body["traces"])]

    def pending_approval(self) -> str | None:
        return self.server.control(
            "pending_approval", organisation_id=self.organisation_id, since=self.created.isoformat()
        )

    def decide(self, approval_id: str, status: str, *, comment: str = "") -> None:
        self.server.control("decide", approval_id=approval_id, status=status, comment=comment)


class _Tenant:
    """One caller's organisation on the test process's shared :class:`LiveServer`: its own
    ``keys`` (and whatever else the caller sets on it), everything else the server's."""

    def __init__(self, server: LiveServer, keys: dict[str, Any]) -> None:
        self._server = server
        self.keys = keys

    def __getattr__(self, name: str) -> Any:
        return getattr(self._server, name)

    def require(self, method: str, path: str) -> None:
        self._server.require(method, path, key=self.keys["sdk_key"])


_shared: list[LiveServer] = []  # the test process's one server, once a test has asked


def _shared_server() -> LiveServer:
    if not _shared:
        server = LiveServer()
        try:
            server.prepare()
            server.start()
        except BaseException:
            server.close()
            raise
        atexit.register(server.close)
        _shared.append(server)
    server = _shared[0]
    if not server.running:  # a test stopped it and failed before starting it again
        server.start()
    return server


@contextmanager
def live_server(slug: str, agent: str = "billing-bot") -> Iterator[LiveServer]:
    """The started live server with organisation ``slug`` and its agent ``agent`` (keys in
    ``server.keys``). One server and database per test process, shared by the modules that ask
    (the SDK's tests, the README's and the API reference's examples, the onboarding snippets),
    each in an organisation of its own: the API answers a key for its organisation only, and
    the tests read the ledger by organisation. Each asked for a server of its own before
    session 21: a database, a migrate and three interpreters each (~9 s of CPU). Closed when
    the process ends."""
    server = _shared_server()
    yield _Tenant(server, server.control("setup", slug=slug, agent=agent))  # type: ignore[misc]
