"""A real HTTP server on loopback that speaks the v1 wire protocol, for fault injection.

The live Execlave server (see ``live.py``) is what the SDK is tested against;
this stand-in exists for what a healthy server will not do on demand: answer
429 with ``Retry-After``, fail with 503, reject one trace of a batch, stall.
Decisions follow the tool name so tests read plainly:
``*.blocked`` -> block, ``*.warned`` -> warn, ``*.approval`` -> require_approval,
``*.output`` -> allow with an output check that blocks outputs containing "SECRET".
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "exk_test_standin"


@dataclass
class Fault:
    status: int
    retry_after: str | None = None
    path: str = ""  # prefix; "" = every path
    remaining: int = 1


@dataclass
class StandinState:
    traces: dict[str, dict[str, Any]] = field(default_factory=dict)
    trace_posts: list[list[str]] = field(
        default_factory=list
    )  # trace ids per POST, in arrival order
    checks: list[dict[str, Any]] = field(default_factory=list)
    approvals: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    reject_tools: set[str] = field(default_factory=set)
    request_times: list[tuple[str, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"null")

    def _preflight(self) -> bool:
        state = self.server.state
        path = urlsplit(self.path).path
        with state.lock:
            state.request_times.append((path, time.monotonic()))
            for fault in state.faults:
                if fault.remaining > 0 and path.startswith(fault.path):
                    fault.remaining -= 1
                    break
            else:
                fault = None
        if fault is not None:
            if self.command == "POST":
                self._body()
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(fault.status, {"errors": {"detail": ["injected fault"]}}, headers)
            return False
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            if self.command == "POST":
                self._body()
            self._send(401, {"errors": {"detail": ["invalid API key"]}})
            return False
        return True

    def do_POST(self) -> None:  # noqa: N802
        if not self._preflight():
            return
        path = urlsplit(self.path).path
        body = self._body()
        if path == "/api/v1/check":
            self._send(200, self._check(body))
        elif path == "/api/v1/traces":
            items = body["traces"] if isinstance(body, dict) and "traces" in body else [body]
            state = self.server.state
            bad = [t.get("trace_id") for t in items if t.get("tool") in state.reject_tools]
            if bad:
                self._send(400, {"errors": {"traces": [f"invalid trace {bad[0]}"]}})
                return
            accepted = duplicates = 0
            with state.lock:
                state.trace_posts.append([t["trace_id"] for t in items])
                for t in items:
                    if t["trace_id"] in state.traces:
                        duplicates += 1
                    else:
                        state.traces[t["trace_id"]] = t
                        accepted += 1
            self._send(200, {"accepted": accepted, "duplicates": duplicates})
        else:
            self._send(404, {"errors": {"detail": ["not found"]}})

    def do_GET(self) -> None:  # noqa: N802
        if not self._preflight():
            return
        parts = urlsplit(self.path)
        state = self.server.state
        if parts.path.startswith("/api/v1/approvals/"):
            approval_id = parts.path.rsplit("/", 1)[-1]
            wait = float(parse_qs(parts.query).get("wait", ["0"])[0])
            deadline = time.monotonic() + wait
            while True:
                with state.lock:
                    approval = state.approvals.get(approval_id)
                if approval is None:
                    self._send(404, {"errors": {"detail": ["not found"]}})
                    return
                if approval.get("expires_ts") and time.time() >= approval["expires_ts"]:
                    approval["status"] = "expired"
                if approval["status"] != "pending" or time.monotonic() >= deadline:
                    self._send(200, approval)
                    return
                time.sleep(0.02)
        elif parts.path.startswith("/api/v1/traces/"):
            trace = state.traces.get(parts.path.rsplit("/", 1)[-1])
            if trace is None:
                self._send(404, {"errors": {"detail": ["not found"]}})
            else:
                self._send(200, trace)
        else:
            self._send(404, {"errors": {"detail": ["not found"]}})

    def _check(self, body: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        with state.lock:
            state.checks.append(body)
        tool = body["tool"]
        answer: dict[str, Any] = {
            "trace_id": body["trace_id"],
            "decision": "allow",
            "violations": [],
            "output_check": False,
        }
        violation = {
            "policy": 1,
            "name": "stand-in",
            "type": "tool_restriction",
            "mode": "block",
            "reason": f"{tool} matched",
        }
        if body.get("phase") == "output":
            if "SECRET" in json.dumps(body.get("output")):
                answer.update(
                    decision="block", violations=[{**violation, "reason": "secret in output"}]
                )
            return answer
        if tool.endswith(".blocked"):
            answer.update(decision="block", violations=[violation])
        elif tool.endswith(".warned"):
            answer.update(decision="warn", violations=[{**violation, "mode": "warn"}])
        elif tool.endswith(".expiring"):  # an approval nobody decides: expires after 2 s
            expires = time.time() + 2
            approval = {
                "id": str(uuid.uuid4()),
                "status": "pending",
                "expires_at": datetime.fromtimestamp(expires, UTC).isoformat(),
                "expires_ts": expires,
            }
            with state.lock:
                state.approvals[approval["id"]] = approval
            answer.update(decision="require_approval", violations=[violation], approval=approval)
        elif tool.endswith(".approval"):
            approval = {
                "id": str(uuid.uuid4()),
                "status": "pending",
                "expires_at": None,
                "decided_by": None,
                "comment": "",
            }
            with state.lock:
                state.approvals[approval["id"]] = approval
            answer.update(decision="require_approval", violations=[violation], approval=approval)
        elif tool.endswith(".output"):
            answer["output_check"] = True
        return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: StandinState


class Standin:
    def __init__(self) -> None:
        self.state = StandinState()
        self.port = 0
        self.api_key = API_KEY
        self.start()
        self.base_url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Serve (again, on the same port after stop(): the same state, like a restarted server)."""
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.state = self.state
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.running = True

    def stored(self, trace_id: str) -> int:
        """How many completions the server holds for this trace (it keeps one per trace_id)."""
        return 1 if trace_id in self.state.traces else 0

    def pending_approval(self) -> str | None:
        with self.state.lock:
            pending = [a["id"] for a in self.state.approvals.values() if a["status"] == "pending"]
        return pending[0] if pending else None

    def trace(self, trace_id: str) -> dict[str, Any]:
        return self.state.traces[trace_id]

    def traces(self, *, tool: str, since: Any = None) -> list[dict[str, Any]]:
        with self.state.lock:
            return [t for t in self.state.traces.values() if t["tool"] == tool]

    def arrival_order(self, trace_ids: list[str]) -> list[str]:
        wanted = set(trace_ids)
        with self.state.lock:
            seen: list[str] = []
            for post in self.state.trace_posts:
                seen.extend(t for t in post if t in wanted and t not in seen)
        return seen

    def sent(self, trace_id: str) -> int:
        """How many times the SDK posted it (retries after an ambiguous failure may repeat it)."""
        return sum(p.count(trace_id) for p in self.state.trace_posts)

    def fail(
        self, status: int, *, times: int = 1, retry_after: str | None = None, path: str = ""
    ) -> None:
        with self.state.lock:
            self.state.faults.append(
                Fault(status=status, retry_after=retry_after, path=path, remaining=times)
            )

    def decide(
        self, approval_id: str, status: str, *, by: str = "reviewer@example.com", comment: str = ""
    ) -> None:
        with self.state.lock:
            self.state.approvals[approval_id].update(status=status, decided_by=by, comment=comment)

    def stop(self) -> None:
        if self.running:
            self._server.shutdown()
            self._server.server_close()
            self.running = False
