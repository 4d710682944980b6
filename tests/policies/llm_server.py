"""A chat-completions server on 127.0.0.1 for judging tests (http.server in a thread)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeLLM:
    """Answers ``POST /v1/chat/completions`` like an OpenAI-compatible server.

    ``behaviour``: ``judge`` (a violation when the call mentions a ``@gmail.com``
    address), ``slow`` (sleeps ``delay`` seconds first), ``error`` (HTTP 500),
    ``garbage`` (an answer that is not a verdict), ``fenced`` (the JSON in a code fence).
    """

    def __init__(self) -> None:
        self.behaviour = "judge"
        self.delay = 2.0
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                if fake.behaviour == "slow":
                    time.sleep(fake.delay)
                if fake.behaviour == "error":
                    self._send(500, {"error": {"message": "boom", "type": "server_error"}})
                    return
                question = body["messages"][-1]["content"]
                violation = "@gmail.com" in question
                verdict = {
                    "violation": violation,
                    "reason": "recipient is outside example.com"
                    if violation
                    else "all recipients are internal",
                }
                content = json.dumps(verdict)
                if fake.behaviour == "garbage":
                    content = "I am not sure what you mean."
                elif fake.behaviour == "fenced":
                    content = f"Here you go:\n```json\n{content}\n```"
                self._send(
                    200,
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "test-model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": content},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                    },
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (time-out test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeLLM:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
