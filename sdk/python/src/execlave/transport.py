"""A small JSON-over-HTTP transport on the standard library.

One keep-alive connection per thread (``http.client`` connections are not
thread-safe), reopened transparently when the server closed an idle one.
No third-party HTTP client: the SDK installs into any agent's environment
without pinning ``httpx``/``requests`` versions against the agent's own.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import json
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ._version import __version__
from .encoding import dumps


class TransportError(Exception):
    """The server could not be reached or did not answer in time (an outage)."""


@dataclass
class Response:
    status: int
    body: Any
    retry_after: float | None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Transport:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "localhost"
        self._port = parts.port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._local = threading.local()
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": f"execlave-python/{__version__}",
        }

    def reset(self) -> None:
        """Forget every connection (after a fork the parent's sockets are not ours)."""
        self._local = threading.local()

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._https:
                conn = http.client.HTTPSConnection(
                    self._host, self._port, timeout=timeout, context=self._ssl_context
                )
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
            self._local.conn = conn
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()
        self._local.conn = None

    def request(
        self,
        method: str,
        path: str,
        *,
        payload: Any = None,
        body: bytes | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send one request; raise :class:`TransportError` when the server is unreachable.

        ``payload`` is encoded to JSON; ``body`` is already-encoded JSON.
        """
        if payload is not None:
            body = dumps(payload).encode("utf-8")
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        url = self._prefix + path
        effective_timeout = self._timeout if timeout is None else timeout
        for attempt in (1, 2):
            conn = self._connection(effective_timeout)
            reused = conn.sock is not None
            try:
                conn.request(method, url, body=body, headers=headers)
                raw = conn.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._drop_connection()
                # A keep-alive connection the server closed while idle: retry once on a new one.
                if reused and attempt == 1:
                    continue
                raise TransportError(f"{method} {path}: {exc!r}") from exc
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                self._drop_connection()
                raise TransportError(f"{method} {path}: {exc!r}") from exc
            if raw.getheader("Connection", "").lower() == "close":
                self._drop_connection()
            return Response(
                status=raw.status,
                body=_decode(data),
                retry_after=parse_retry_after(raw.getheader("Retry-After")),
            )
        raise TransportError(f"{method} {path}: connection lost")  # pragma: no cover


def _decode(data: bytes) -> Any:
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return {"detail": data[:500].decode("utf-8", "replace")}
