"""`make run`'s supervisor (scripts/serve.py): Ctrl-C stops the app, the task worker and the
timekeeper cleanly and at once, as the README says."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sdk.live import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.sqlite_pass_only  # its own SQLite file whichever pass runs it


def _lines_until(proc: subprocess.Popen, marker: str, timeout: float) -> str:
    # Raw reads from the pipe: a text readline() buffers the lines after the one it returns,
    # which select() then no longer sees, so each of them waited out its 0.5 s (30 s a start).
    seen, deadline, fd = "", time.monotonic() + timeout, proc.stdout.fileno()
    while marker not in seen and time.monotonic() < deadline and proc.poll() is None:
        if select.select([fd], [], [], 0.5)[0]:
            seen += os.read(fd, 65536).decode(errors="replace")
    return seen


def _env(sqlite_path: Path) -> dict[str, str]:
    """`make run`'s environment on ``sqlite_path``, none of the test run's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EXECLAVE_", "PYTEST_", "Q_"))
        and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",  # as make run serves it
        SQLITE_PATH=str(sqlite_path),
        Q_CLUSTER_NAME=f"serve-test-{os.getpid()}",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One migrated SQLite file for the module (a migrate is ~4.5 s of CPU); each test serves a
    copy of its own."""
    path = tmp_path_factory.mktemp("serve") / "migrated.sqlite3"
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=_env(path), check=True, timeout=600)
    return path


def _serve(tmp_path, migrated: Path) -> subprocess.Popen:
    """`make run`'s supervisor on a migrated SQLite file, its output piped to the test."""
    env = _env(tmp_path / "run.sqlite3")
    for suffix in ("", "-wal"):  # WAL mode: a log the migrate left goes with the file
        if Path(f"{migrated}{suffix}").exists():
            shutil.copyfile(f"{migrated}{suffix}", env["SQLITE_PATH"] + suffix)
    serve = [sys.executable, "scripts/serve.py", "127.0.0.1", str(free_port())]
    return subprocess.Popen(
        serve, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from /proc: Linux, like the CI)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_the_server_the_worker_and_the_timekeeper_at_once(tmp_path, migrated):
    proc = _serve(tmp_path, migrated)
    try:
        started = _lines_until(proc, "Press Ctrl-C to stop.", timeout=180)
        assert "Press Ctrl-C to stop." in started, started
        time.sleep(2)  # the worker's processes are up
        # The terminal's Ctrl-C reaches the supervisor alone (its children run in their own sessions).
        stopping_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        took = time.monotonic() - stopping_at
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "Execlave stopped." in out
    # django-q2's cluster ends itself (with SIGTERM sent to its whole group it hung until
    # the supervisor's SIGKILL at 10 s: 12 s in all).
    assert re.search(r"Q Cluster \S+ has stopped", out), out
    assert took < 8, f"stopping took {took:.1f} s"


def test_a_closed_terminal_still_stops_the_children(tmp_path, migrated):
    # The terminal window closed: SIGHUP, and nothing can be printed any more. The supervisor's
    # "Stopping…" line raised, and the server and the worker were left running on the port.
    proc = _serve(tmp_path, migrated)
    children: set[int] = set()
    try:
        started = _lines_until(proc, "Press Ctrl-C to stop.", timeout=180)
        assert "Press Ctrl-C to stop." in started, started
        children = _children(proc.pid)
        assert len(children) == 3, children  # the server, the worker and the timekeeper
        proc.stdout.close()  # the reader is gone: every print now fails
        proc.send_signal(signal.SIGHUP)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = {pid for pid in children if _alive(pid)}
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in children:
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
    assert proc.returncode == 0
    assert not left, f"still running after the supervisor ended: {left}"


def test_a_port_already_taken_is_said_at_once_and_nothing_starts(tmp_path):
    # Another server answers on the port: before session 25 the supervisor's readiness probe got
    # its answer from it, printed "Execlave is running" with the demo logins, and only then did
    # uvicorn fail to bind ("address already in use").
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        serve = [sys.executable, "scripts/serve.py", "127.0.0.1", str(port)]
        done = subprocess.run(
            serve, cwd=ROOT, env=_env(tmp_path / "unused.sqlite3"), capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.strip() == (
        f"Cannot serve on 127.0.0.1:{port}: address already in use (another `make run`, or "
        f"another server?). Stop it, or choose another port: make run PORT={port + 1}"
    )
    assert "Execlave is running" not in done.stdout and done.stderr == ""
    assert not (tmp_path / "unused.sqlite3").exists()  # no worker started on the database
