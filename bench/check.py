"""Latency of ``POST /api/v1/check`` against a trivial authenticated endpoint.

``python bench/check.py [--requests 8000] [--clients 16] [--workers 3] [--threads 4]``

Starts gunicorn on 127.0.0.1 with a fresh PostgreSQL database (``execlave_bench_check``,
recreated; ``--sqlite`` for a SQLite file instead), an organisation with 25 active
policies of every type (PII and prompt-injection scanning among them; some scoped to other
agents or tools, as in real use), then drives the server from 16 keep-alive clients:

* **trivial**: ``GET /api/v1/whoami`` - authentication (key lookup, hash compare) and a
  JSON answer, nothing else;
* **check**: ``POST /api/v1/check`` with a 2 KB input - authentication, validation, agent
  resolution, policy selection, every detector, 20 evaluators, and the decision appended
  to the hash-chained ledger. Every call sends the same input (a new ``trace_id`` each), so
  what is cached by text - the offline judge's embeddings of the custom policy - is always
  cached here: an uncached judgement costs tens of milliseconds (docs/detection.md).

Both run in alternating rounds on the same server in the same run, so machine noise falls on
both: first from 16 clients (the p99 goal: check p99 <= 2x trivial p99), then from one client
(the p50 goal: check p50 <= 4 ms; with 16 clients on 2 cores a request's p50 is mostly time
spent queueing behind the others, whoami's included).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from _common import django_on, gunicorn, recreate_database
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()

POLICIES = [
    # (name, type, mode, phase, threshold, extra)
    ("no card or SSN", "pii_access", "block", "both", {"denied_pii_types": ["ssn", "credit_card", "iban"]}, {}),
    ("emails monitored", "pii_access", "monitor", "input", {"denied_pii_types": ["email", "phone"]}, {}),
    ("no passports", "pii_access", "block", "input", {"denied_pii_types": ["us_passport", "date_of_birth"]}, {}),
    ("injection", "prompt_injection", "block", "both", {"sensitivity": "medium"}, {}),
    ("indirect injection", "prompt_injection", "warn", "output", {"sensitivity": "high"}, {"tools": ["web.*"]}),
    ("code names", "data_restriction", "block", "both", {"restricted_words": ["project falcon", "merger", "layoffs"]}, {}),
    ("account numbers", "data_restriction", "warn", "input", {"restricted_patterns": [r"\bACCT-\d{8}\b", r"\bIBAN\s*:"]}, {}),
    ("cost per call", "cost_limit", "block", "input", {"max_cost_per_call": "1.00"}, {}),
    ("row limit", "record_count_limit", "block", "both", {"max_records": 1000}, {}),
    ("egress", "external_api", "block", "input", {"allowed_domains": ["*.example.com", "api.partner.io"]}, {}),
    ("who may call", "access_control", "block", "input",
     {"rules": [{"agents": ["support-*", "crm-bot"], "tools": ["crm.*", "email.*"]}], "default": "deny"}, {}),
    ("dangerous actions", "action_approval", "require_approval", "input", {"restricted_actions": ["delete", "drop", "transfer"]}, {}),
    ("classified output", "output_classification", "block", "output", {"max_level": "internal"}, {}),
    ("answer quality", "quality_threshold", "warn", "output", {"min_score": 0.7}, {}),
    ("no competitors", "custom", "warn", "input", {"rule": "Never share customer data with competitors such as Globex"}, {}),
    # scoped elsewhere: selected out by agent or tool before any evaluation
    ("db rows", "record_count_limit", "block", "input", {"max_records": 100}, {"tools": ["database.*"]}),
    ("db patterns", "data_restriction", "block", "input", {"restricted_patterns": [r"(?i)\bdrop\s+table\b"]}, {"tools": ["database.*"]}),
    ("payments approval", "action_approval", "require_approval", "input", {"restricted_actions": ["payments.*"]}, {}),
    ("finance bot pii", "pii_access", "block", "both", {"denied_pii_types": ["iban"]}, {"agents": ["finance-bot"]}),
    ("finance egress", "external_api", "block", "input", {"denied_domains": ["*.ru"]}, {"agents": ["finance-bot"]}),
    ("search injection", "prompt_injection", "block", "output", {"sensitivity": "high"}, {"tools": ["search.*"]}),
    ("email domain", "custom", "block", "input", {"rule": "Never send emails to addresses outside example.com"}, {"tools": ["email.send"]}),
    ("llm cost", "cost_limit", "warn", "input", {"max_cost_per_call": "0.20"}, {"tools": ["llm.*"]}),
    ("report output", "output_classification", "warn", "output", {"max_level": "confidential"}, {"tools": ["reports.*"]}),
    ("export approval", "action_approval", "require_approval", "input", {"restricted_actions": ["export"]}, {}),
]  # fmt: skip

PROSE = (
    "Hi team, following up on the renewal call with the customer this morning. They asked for "
    "a summary of open tickets, the usage trend over the last two quarters and a proposal for the "
    "premium tier. Please pull the account history, draft the reply and attach the latest invoice. "
    "Their procurement contact prefers email; the technical lead can be reached by phone after 3pm. "
    "Remember the new discount rules: anything above 15% needs sign-off from regional sales. "
)


def request_body(agent: str) -> bytes:
    body = {
        "trace_id": str(uuid.uuid4()),
        "agent": agent,
        "tool": "crm.update",
        "input": {
            "customer_id": 48213,
            "contact": {"name": "Dana Whitfield", "email": "dana.whitfield@customer.example.com", "phone": "+1 415 555 2671"},
            "fields": {"tier": "premium", "renewal_date": "2025-09-30", "discount_pct": 12, "limit": 50},
            "callback_url": "https://hooks.example.com/crm/updated",
            "notes": PROSE * 3,
            "tags": ["renewal", "q3", "priority", "emea"],
        },
        "context": {"estimated_cost": "0.004", "session_id": "s-1234", "environment": "production"},
    }  # fmt: skip
    data = json.dumps(body).encode()
    return data


def seed() -> str:
    """The bench organisation: three agents, ``POLICIES``, and a /check key (returned)."""
    from governance.services import agent_create, api_key_create, organisation_create
    from policies.services import policy_create

    organisation = organisation_create(name="Bench Corp", slug=f"bench-{uuid.uuid4().hex[:6]}")
    for name in ("crm-bot", "finance-bot", "support-1"):
        agent_create(organisation=organisation, name=name, actor=None)
    for name, type_, mode, phase, threshold, extra in POLICIES:
        policy_create(
            organisation=organisation, actor=None, name=name, type=type_, mode=mode, phase=phase,
            threshold=threshold, tool_patterns=extra.get("tools"), agents=extra.get("agents", []),
        )  # fmt: skip
    _, key = api_key_create(organisation=organisation, name="bench", actor=None, scopes=["check"])
    from django.db import connections

    connections.close_all()
    return key


def run_block(
    port: int, key: str, kind: str, clients: int, per_client: int, progress=None, task=None
) -> list[float]:
    """``clients`` threads, each sending ``per_client`` requests on one keep-alive connection;
    wall milliseconds per request (``bench/check_server_cpu.py`` drives its rounds with it too)."""
    samples: list[float] = []
    failures: list = []
    lock = threading.Lock()
    start_line = threading.Barrier(clients)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        # Bodies are built before the start line: the clients share the server's two cores,
        # and an agent fleet builds its requests on machines of its own.
        bodies = [request_body("crm-bot") if kind == "check" else None for _ in range(per_client)]
        start_line.wait()
        for body in bodies:
            t0 = time.perf_counter()
            if kind == "check":
                conn.request("POST", "/api/v1/check", body=body, headers=headers)
            else:
                conn.request("GET", "/api/v1/whoami", headers=headers)
            response = conn.getresponse()
            data = response.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                failures.append((response.status, data[:300]))
            elif kind == "check" and json.loads(data)["decision"] not in ("allow", "warn"):
                failures.append(("unexpected decision", data[:300]))
            if progress is not None:
                progress.advance(task)
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{kind}: {len(failures)} failures, e.g. {failures[:2]}")
    return samples


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=8000, help="requests per endpoint (after warm-up)"
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--latency-requests",
        type=int,
        default=1000,
        help="requests per endpoint from a single client, for the p50 latency",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=10,
        help="alternating rounds per endpoint (one round's 16-client p99 swings with how its 16 "
        "connections happen to spread over the workers)",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads per worker (gthread when > 1)"
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite file instead of PostgreSQL")
    parser.add_argument("--database", default="execlave_bench_check")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="ALTER DATABASE ... SET synchronous_commit = off: shows how much of a check is the WAL flush",
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="execlave-bench-check-")
    url = None if args.sqlite else recreate_database(args.database)
    if url and args.async_commit:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute(f'ALTER DATABASE "{args.database}" SET synchronous_commit = off')
    with console.status("migrating and creating 25 policies"):
        env = django_on(url, sqlite_path=str(Path(tmp) / "bench.sqlite3"))
        key = seed()
    database = (
        "SQLite"
        if args.sqlite
        else "PostgreSQL" + (" (synchronous_commit=off)" if args.async_commit else "")
    )
    console.print(f"body: {len(request_body('crm-bot'))} bytes; policies: {len(POLICIES)}; database: {database}; "
                  f"load average before: {os.getloadavg()[0]:.1f}")  # fmt: skip

    with gunicorn(env, workers=args.workers, threads=args.threads, keep_alive=30) as port:
        per_block = max(1, args.requests // args.rounds // args.clients)
        latency_block = max(1, args.latency_requests // args.rounds)
        total = 2 * args.rounds * (per_block * args.clients + latency_block) + 2 * args.clients * 20
        results: dict[str, list[float]] = {"trivial": [], "check": []}
        alone: dict[str, list[float]] = {"trivial": [], "check": []}
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("requests", total=total)
            for kind in ("trivial", "check"):  # warm-up: imports, connections, policy cache
                run_block(port, key, kind, args.clients, 20, progress, task)
            for _ in range(args.rounds):
                for kind in ("trivial", "check"):
                    results[kind] += run_block(
                        port, key, kind, args.clients, per_block, progress, task
                    )
            # Latency without queueing: one client, so p50 is the time a request takes, not
            # the time it waits behind 15 others for one of two cores.
            for _ in range(args.rounds):
                for kind in ("trivial", "check"):
                    alone[kind] += run_block(port, key, kind, 1, latency_block, progress, task)

    title = f"gunicorn {args.workers} workers x {args.threads} threads, {database}"
    for label, data, clients in (
        (f"{args.clients} clients", results, args.clients),
        ("1 client", alone, 1),
    ):
        table = Table(title=f"{label}, {title}, {len(data['check'])} requests per endpoint")
        for column in ("endpoint", "p50 ms", "p90 ms", "p99 ms", "mean ms", "req/s"):
            table.add_column(column, justify="right" if column != "endpoint" else "left")
        for kind, name in (
            ("trivial", "GET /api/v1/whoami"),
            ("check", "POST /api/v1/check (25 policies, 2 KB)"),
        ):
            s = data[kind]
            table.add_row(name, f"{pct(s, .5):.2f}", f"{pct(s, .9):.2f}", f"{pct(s, .99):.2f}",
                          f"{statistics.fmean(s):.2f}", f"{clients * 1000 / statistics.fmean(s):.0f}")  # fmt: skip
        console.print(table)
    console.print(
        f"load average after: {os.getloadavg()[0]:.1f} (other processes on this machine share its 2 cores)"
    )
    p99, t99 = pct(results["check"], 0.99), pct(results["trivial"], 0.99)
    p50, t50 = pct(alone["check"], 0.5), pct(alone["trivial"], 0.5)
    console.print(f"{args.clients} clients: p99 ratio check/trivial {p99 / t99:.2f}x "
                  f"(p50 ratio {pct(results['check'], .5) / pct(results['trivial'], .5):.2f}x); "
                  f"1 client: p50 check {p50:.2f} ms, whoami {t50:.2f} ms")  # fmt: skip
    console.print(f"goal p99 <= 2x trivial: {'met' if p99 <= 2 * t99 else 'NOT met'} ({p99:.2f} vs {2 * t99:.2f} ms); "
                  f"goal p50 <= 4 ms: {'met' if p50 <= 4 else 'NOT met'} ({p50:.2f} ms, 1 client)")  # fmt: skip


if __name__ == "__main__":
    main()
