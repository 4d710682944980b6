"""Waiting for a server in a child process to serve: on conditions (it listens, it answers),
with a generous cap. Imports nothing of Django: tests/sdk/live.py uses it from the SDK's venv."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

# How long a server may take to start on a loaded machine (the suite shares two cores with
# other work): a cap on waiting for a condition, not a time anything waits for.
START_PATIENCE = 180.0


def wait_until_serving(
    process: subprocess.Popen, url: str, timeout: float = START_PATIENCE
) -> None:
    """Wait until ``process`` accepts connections on ``url``'s port, then until ``url`` answers.

    The first answer may be slow on a loaded machine (templates compiled, connections opened):
    it is waited for as long as the deadline allows, not given up after a second and asked
    again (each retry queued behind the last, so a loaded start never answered in time).
    Raises RuntimeError when the process exits or the deadline passes."""
    deadline = time.monotonic() + timeout
    parsed = urllib.parse.urlsplit(url)
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not listen on {parsed.netloc} in {timeout:.0f} s")
        try:
            socket.create_connection((parsed.hostname, parsed.port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    while True:
        try:
            urllib.request.urlopen(url, timeout=max(1.0, deadline - time.monotonic())).close()  # noqa: S310
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer {url}: {exc}") from exc
            time.sleep(0.05)
