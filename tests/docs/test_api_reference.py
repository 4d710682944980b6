"""The API reference (docs/api.md) and the pages' ``http`` examples against the real server.

* The endpoint table lists exactly the operations the OpenAPI schema serves (plus the schema and
  its two viewers), and each row's scope is the one the server enforces: a key lacking it gets
  403, a key with only it does not.
* Every ``http`` block of docs/ runs against a live server (uvicorn, its own database). A block is
  ``METHOD path (scope: X)``, optional header lines, an optional JSON body, then the answer:
  ``STATUS {json}``. The answer must match: the status; every key (a dict closes unless it ends in
  ``…``; a list closes unless it ends in ``…``); ``null``, booleans and strings exactly, except a
  string holding ``…`` (any string; ``0b6c…``-style placeholders are bound to the value seen and
  must stay equal across blocks), a time (any ISO 8601 time written the same way, ``Z`` or not)
  and a few values that depend on the install (ids, who decided, the organisation's name);
  numbers by type.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.docs.markdown import ROOT, blocks, prose_lines

API = ROOT / "docs" / "api.md"
METHOD = r"(?:GET|POST|PATCH|PUT|DELETE)"
_ROW_ITEM = re.compile(rf"`({METHOD}(?:/{METHOD})*) (/api/v1/[^`?\s]*)(?:\?[^`]*)?`")
_PARAM = re.compile(r"<[^>]+>|\{[^}]+\}")
SCOPES = ["check", "ingest", "read", "policies", "privacy"]


def _normal(path: str) -> str:
    return _PARAM.sub("{}", path)


def reference_rows() -> list[tuple[str, str, str]]:
    """(method, path, scope cell) for each operation of the table."""
    rows = []
    for _, line in prose_lines(API.read_text(encoding="utf-8"), keep_code=True):
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for methods, path in _ROW_ITEM.findall(cells[0]):
            rows += [(m, path, cells[1]) for m in methods.split("/")]
    return rows


# --- the table against the served API ----------------------------------------------------------


@pytest.mark.django_db
def test_the_table_lists_every_operation_the_api_serves(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    served = {
        (method.upper(), _normal(path))
        for path, operations in schema.json()["paths"].items()
        for method in operations
        if method in {"get", "post", "patch", "put", "delete"}
    }
    served |= {("GET", "/api/v1/schema/"), ("GET", "/api/v1/docs/"), ("GET", "/api/v1/redoc/")}
    documented = {(m, _normal(p)) for m, p, _ in reference_rows()}
    assert sorted(served - documented) == [], "served, not in docs/api.md"
    assert sorted(documented - served) == [], "in docs/api.md, not served"
    # and every route under /api/v1/ (the schema leaves out its own viewers)
    from django.urls import URLResolver

    from config.api_v1 import urlpatterns

    def routes(patterns, prefix="/api/v1/"):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield _normal(prefix + str(pattern.pattern))

    assert set(routes(urlpatterns)) <= {p for _, p in documented}


def _concrete(path: str) -> str:
    value = str(uuid.uuid4()) if path.startswith(("/api/v1/approvals", "/api/v1/traces")) else "9"
    return _PARAM.sub(value, path)


def _call(client, method: str, path: str, key: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if method in {"POST", "PATCH", "PUT"}:
        return client.generic(method, path, "{}", content_type="application/json", **headers)
    return client.generic(method, path, **headers)


@pytest.mark.django_db
def test_each_rows_scope_is_the_one_the_server_enforces(client, org, make_key):
    def key(scopes):
        return make_key(org, scopes=scopes)

    checked = 0
    for method, path, cell in reference_rows():
        url = _concrete(path)
        needed = re.findall(r"`(\w+)`", cell)
        where = f"{method} {path} ({cell})"
        if cell == "none":
            assert _call(client, method, url, None).status_code not in (401, 403), where
        elif cell == "any key":
            assert _call(client, method, url, None).status_code == 401, where
            for scope in SCOPES:
                assert _call(client, method, url, key([scope])).status_code == 200, where
        else:
            assert needed and set(needed) <= set(SCOPES), where
            others = [s for s in SCOPES if s not in needed]
            assert _call(client, method, url, None).status_code == 401, where
            assert _call(client, method, url, key(others)).status_code == 403, where
            for scope in needed:
                answer = _call(client, method, url, key([scope])).status_code
                assert answer not in (401, 403), f"{where}: {answer} with only {scope}"
        checked += 1
    assert checked >= 20


# --- the pages' http examples, run -------------------------------------------------------------

DOCS = [
    p
    for p in sorted((ROOT / "docs").glob("*.md"))
    if not p.name.startswith(("detection", "performance"))
]
_REQUEST = re.compile(rf"^({METHOD}) (\S+)(?:\s+\(scope: ([\w ]+)\))?\s*$")
_STATUS = re.compile(r"^(\d{3})(?:\s+(.*))?$", re.S)
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
_TOKEN = re.compile(r"[\w.@-]*…")
# Values that depend on the install, not on the API: compared by type.
FREE = {"decided_by", "organisation", "organisation_name", "reference", "key", "id", "policy"}
OPEN = "…"


def _lenient_json(text: str) -> Any:
    text = re.sub(r",\s*…\s*}", ', "…": "…"}', text)
    text = re.sub(r",\s*…\s*]", ', "…"]', text)
    return json.loads(text)


class Example:
    def __init__(self, path: Path, block) -> None:
        self.where = f"{path.relative_to(ROOT)}:{block.line}"
        lines = block.code.strip("\n").splitlines()
        match = _REQUEST.match(lines[0])
        assert match, f"{self.where}: the first line must be 'METHOD /path (scope: X)'"
        self.method, self.path, self.scope = match.groups()
        assert self.scope, f"{self.where}: say the key's scope: '(scope: check)' or 'none'"
        rest = lines[1:]
        while rest and re.match(r"^[A-Za-z-]+: ", rest[0]):
            rest = rest[1:]  # headers: the test sends the key and the content type itself
        text = "\n".join(rest).strip()
        at = re.search(r"^\d{3}\b", text, flags=re.M)
        assert at, f"{self.where}: no answer ('200 {{…}}') in the block"
        body, answer = text[: at.start()].strip(), text[at.start() :]
        self.body = _lenient_json(body) if body else None
        status, expected = _STATUS.match(answer).groups()
        self.status = int(status)
        self.expected = _lenient_json(expected) if expected else None


def examples() -> list[Example]:
    found = []
    for path in DOCS:
        for block in blocks(path.read_text(encoding="utf-8")):
            if block.language == "http":
                found.append(Example(path, block))
    return found


def test_the_pages_have_examples_to_run():
    where = {e.where.split(":")[0] for e in examples()}
    assert {"docs/api.md", "docs/policies.md", "docs/approvals.md", "docs/privacy.md"} <= where


class Bindings(dict):
    def unbound(self, text: str) -> list[str]:
        return [t for t in _TOKEN.findall(text) if t not in self]

    def fill(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.fill(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, str) and OPEN in value:
            if value not in self and key == "trace_id":
                self[value] = str(uuid.uuid4())  # the SDK makes one per call
            return self[value]
        return value


def compare(expected: Any, actual: Any, bindings: Bindings, at: str = "$") -> list[str]:
    if isinstance(expected, str) and OPEN in expected:
        if not isinstance(actual, str):
            return [f"{at}: a string, got {actual!r}"]
        if _TOKEN.fullmatch(expected) and expected != OPEN and len(expected) > 1:
            bound = bindings.setdefault(expected, actual)
            if bound != actual:
                return [f"{at}: {expected} was {bound!r}, now {actual!r}"]
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{at}: an object, got {actual!r}"]
        problems = [f"{at}: no {k!r}" for k in expected if k != OPEN and k not in actual]
        if OPEN not in expected:
            problems += [f"{at}: {k!r} is not in the example" for k in actual if k not in expected]
        for k, v in expected.items():
            if k == OPEN or k not in actual:
                continue
            if k in FREE and not (isinstance(v, str) and OPEN in v) and v is not None:
                if type(v) is not type(actual[k]):
                    problems.append(f"{at}.{k}: a {type(v).__name__}, got {actual[k]!r}")
                continue
            problems += compare(v, actual[k], bindings, f"{at}.{k}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{at}: a list, got {actual!r}"]
        is_open = bool(expected) and expected[-1] == OPEN
        items = expected[:-1] if is_open else expected
        if len(actual) < len(items) or (not is_open and len(actual) != len(items)):
            return [f"{at}: {len(items)}{'+' if is_open else ''} items, got {len(actual)}"]
        problems = []
        for i, item in enumerate(actual):
            model = items[i] if i < len(items) else items[0]
            problems += compare(model, item, bindings, f"{at}[{i}]")
        return problems
    if isinstance(expected, str) and _TIME.match(expected):
        if not (isinstance(actual, str) and _TIME.match(actual)):
            return [f"{at}: an ISO 8601 time with a zone, got {actual!r}"]
        if expected.endswith("Z") != actual.endswith("Z"):
            return [f"{at}: written like {expected!r}, got {actual!r}"]
        return []
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return [] if expected == actual else [f"{at}: {expected!r} in the example, got {actual!r}"]
    if isinstance(expected, int | float):
        ok = isinstance(actual, int | float) and not isinstance(actual, bool)
        return [] if ok else [f"{at}: a number, got {actual!r}"]
    return [f"{at}: cannot compare {expected!r}"]


def test_compare_can_fail():
    b = Bindings()
    assert compare({"a": "x…", "b": [1, "…"]}, {"a": "q", "b": [1, 2, 3]}, b) == []
    assert b == {"x…": "q"}
    assert compare({"a": "x…"}, {"a": "other"}, b) == ["$.a: x… was 'q', now 'other'"]
    assert compare({"a": 1}, {"a": 1, "b": 2}, b) == ["$: 'b' is not in the example"]
    assert compare({"a": 1, "…": "…"}, {"a": 1, "b": 2}, b) == []
    assert compare({"t": "2025-01-01T00:00:00Z"}, {"t": "2025-01-01T00:00:00+00:00"}, b)
    assert compare({"s": "deny"}, {"s": "allow"}, b) == ["$.s: 'deny' in the example, got 'allow'"]
    assert compare([1, 2], [1], b) == ["$: 2 items, got 1"]
    assert compare({"n": None}, {"n": 0}, b)


@pytest.fixture(scope="module")
def live():
    from tests.sdk.live import live_server

    with live_server("acme-corp") as server:
        server.keys["privacy_key"] = server.control(
            "api_key",
            organisation_id=server.keys["organisation_id"],
            name="privacy platform",
            scopes=["privacy"],
        )
        yield server


def _key(live, scope: str) -> str | None:
    return {
        "none": None,
        "any": live.keys["sdk_key"],
        "check": live.keys["sdk_key"],
        "ingest": live.keys["sdk_key"],
        "read": live.keys["sdk_key"],
        "policies": live.keys["policy_key"],
        "privacy": live.keys["privacy_key"],
    }[scope.strip()]


def _send(live, method: str, path: str, key: str | None, body: Any) -> tuple[int, Any]:
    if key is not None:
        return live.api(method, path, key=key, payload=body)
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{live.base_url}{path}", method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:  # noqa: S310
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_every_http_example_runs_as_written(live):
    # What the examples assume: the policy /check's example trips, an output-phase policy (its
    # output_check is true), and one recorded call with an SSN for the dry-run's example to find
    # (docs/policies.md).
    policy_key, sdk_key = live.keys["policy_key"], live.keys["sdk_key"]
    for policy in (
        {
            "name": "Dangerous actions",
            "type": "action_approval",
            "mode": "require_approval",
            "threshold": {"restricted_actions": ["export"]},
        },
        {
            "name": "No SSNs in results",
            "type": "pii_access",
            "mode": "block",
            "phase": "output",
            "threshold": {"denied_pii_types": ["ssn"]},
        },
    ):
        status, body = live.api("POST", "/api/v1/policies", key=policy_key, payload=policy)
        assert status == 201, body
    status, body = live.api(
        "POST",
        "/api/v1/check",
        key=sdk_key,
        payload={
            "trace_id": str(uuid.uuid4()),
            "tool": "crm.search",
            "input": {"query": "SSN 123-45-6789"},
        },
    )
    assert status == 200, body

    bindings = Bindings()
    waiting = examples()
    problems: list[str] = []
    while waiting:
        ready = [e for e in waiting if not bindings.unbound(e.path) and _request_ready(e, bindings)]
        assert ready, f"placeholders no example binds: {[e.where for e in waiting]}"
        for example in ready:
            waiting.remove(example)
            path = _TOKEN.sub(lambda m: bindings[m.group(0)], example.path)
            expected_status = (example.expected or {}).get("status")
            if path.startswith("/api/v1/approvals/") and expected_status in ("approved", "denied"):
                # The example shows a decided request: a reviewer decides it first.
                live.control(
                    "decide",
                    approval_id=path.split("/")[4].split("?")[0],
                    status=expected_status,
                    comment=example.expected.get("comment") or "",
                )
            status, answer = _send(
                live, example.method, path, _key(live, example.scope), bindings.fill(example.body)
            )
            if status != example.status:
                problems.append(f"{example.where}: {status} (example: {example.status}) {answer}")
                continue
            if example.expected is not None:
                problems += [
                    f"{example.where}: {p}" for p in compare(example.expected, answer, bindings)
                ]
    assert problems == []


def _request_ready(example: Example, bindings: Bindings) -> bool:
    """Every placeholder of the body is bound, or is a trace id the test makes."""

    def walk(value, key=None):
        if isinstance(value, dict):
            return all(walk(v, k) for k, v in value.items())
        if isinstance(value, list):
            return all(walk(v) for v in value)
        return not (isinstance(value, str) and OPEN in value) or (
            value in bindings or key == "trace_id"
        )

    return walk(example.body)
