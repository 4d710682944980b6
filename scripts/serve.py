"""Serve the app (uvicorn) and the task worker (django-q2) together for `make run`.

Each child runs in its own session, so the terminal's Ctrl-C reaches this supervisor alone:
it stops the children (SIGTERM to each, SIGKILL to what is left after 10 s), says so in one
line and exits 0. A closed terminal (SIGHUP) or a stopped pipe reader (SIGTERM from `timeout`)
stops them the same way, even though nothing can be printed any more.
Once the app answers, the address and the demo logins are printed last, where they are seen;
a port already taken is said at once, before anything starts.

    python scripts/serve.py HOST PORT [--logins FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BOLD, GREEN, DIM, RESET = (
    ("\033[1m", "\033[32m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("",) * 4
)


def say(text: str) -> None:
    """Print, unless the terminal or the pipe is gone: after a hang-up a print raises (EIO,
    EPIPE), and an exception in the signal handler would leave the children running."""
    with contextlib.suppress(OSError):
        print(text, flush=True)


class Supervisor:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.stopping = False

    def start(self, name: str, command: list[str]) -> None:
        process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)  # noqa: S603
        self.children.append((name, process))

    def stop(self, *_args) -> None:
        if self.stopping:
            return
        self.stopping = True
        say(f"\n{DIM}Stopping the server and the task worker…{RESET}")
        for _, process in self.children:
            if process.poll() is None:
                # The leader alone: django-q2's cluster stops its own processes in ~2 s, but with
                # SIGTERM sent to its whole group it hung until the SIGKILL below (12 s).
                process.terminate()
        deadline = time.monotonic() + 10
        for _, process in self.children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError):  # what the child left in its session
                os.killpg(process.pid, signal.SIGKILL)

    def wait_ready(self, timeout: float = 90) -> bool:
        url = f"http://{self.host}:{self.port}/help/"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stopping:
            if any(p.poll() is not None for _, p in self.children):
                return False
            try:
                urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 — our own server
                return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        return False


def port_taken(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be served, or None. Checked before anything starts: with the
    port taken (another `make run`, another server), the readiness probe below got its answer
    from that other server, printed "Execlave is running" over it, and only then did uvicorn
    fail to bind."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def banner(base: str, logins: Path | None) -> str:
    lines = ["", f"{BOLD}{GREEN}Execlave is running at {base}/{RESET}", ""]
    lines += [
        f"  dashboard      {base}/",
        f"  approvals      {base}/approvals/",
        f"  admin console  {base}/admin/",
        f"  get started    {base}/onboarding/",
        f"  docs           {base}/docs/   (API: {base}/api/v1/docs/)",
        "",
    ]
    if logins is not None and logins.is_file():
        lines.append(
            f"{BOLD}Demo logins{RESET} (sign in at {base}/approvals/login/ or {base}/admin/):"
        )
        lines += ["  " + line for line in logins.read_text().splitlines() if line.strip()]
        lines.append("")
    mail = os.environ.get("EMAIL_FILE_PATH")
    if mail and "filebased" in os.environ.get("EMAIL_BACKEND", ""):
        lines.append(f"E-mails the demo sends are written to {mail}/ (one file per message).")
    lines.append(f"{DIM}Press Ctrl-C to stop.{RESET}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--logins", type=Path, default=None)
    args = parser.parse_args()
    host_in_url = f"[{args.host}]" if ":" in args.host else args.host
    base = os.environ.get("EXECLAVE_PUBLIC_URL") or f"http://{host_in_url}:{args.port}"

    taken = port_taken(args.host, args.port)
    if taken:
        say(
            f"Cannot serve on {host_in_url}:{args.port}: {taken.lower()} (another `make run`, or "
            f"another server?). Stop it, or choose another port: make run PORT={args.port + 1}"
        )
        return 1
    supervisor = Supervisor(args.host, args.port)
    signal.signal(signal.SIGINT, supervisor.stop)
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGHUP, supervisor.stop)
    supervisor.start("worker", [PY, "manage.py", "qcluster"])
    # Approval expiry and escalation on time, whatever the task queue holds (approvals/timekeeper.py).
    supervisor.start("timekeeper", [PY, "manage.py", "timekeeper", "--verbosity", "0"])
    supervisor.start(
        "server",
        [
            PY,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--log-level",
            "info",  # uvicorn's access log: one line per request
            "--lifespan",
            "off",  # Django has no lifespan events; saves uvicorn's "unsupported" notice
        ],
    )
    if supervisor.wait_ready():
        say(banner(base, args.logins))
    elif not supervisor.stopping:
        failed = [name for name, p in supervisor.children if p.poll() is not None]
        say(f"Execlave did not start ({', '.join(failed) or 'timed out'}); see above.")
        supervisor.stop()
        return 1
    while not supervisor.stopping:
        exited = [(name, p.returncode) for name, p in supervisor.children if p.poll() is not None]
        if exited:
            name, code = exited[0]
            say(f"The {name} exited (status {code}); stopping.")
            supervisor.stop()
            return 1
        time.sleep(0.5)
    say("Execlave stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
