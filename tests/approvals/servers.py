"""Run the real ASGI app (uvicorn, as in production) in a subprocess against the test database."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.serving import wait_until_serving
from tests.subprocess_env import test_database_env

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AsgiServer:
    def __init__(self, extra_env: dict[str, str] | None = None, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**test_database_env(), **(extra_env or {})}
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ]
        self.log = open(ROOT / "var" / f"uvicorn-test-{self.port}.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        try:
            wait_until_serving(self.process, self.url + "/approvals/login/")
        except RuntimeError as exc:
            output = self.output()  # read before stop() closes the log
            self.stop()
            raise RuntimeError(f"uvicorn: {exc}: {output}") from exc

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)
