"""Ledger ingestion throughput. ``python bench/ingest.py [--traces N] [--batch 1000]``

Part 1 — batched ingestion through the real endpoint against raw COPY, side by side:

* **Execlave**: ``POST /api/v1/traces`` with ``{"traces": [...]}`` batches to gunicorn on
  127.0.0.1 (PostgreSQL, the production code path: auth, validation, agent resolution,
  canonical JSON, hashing, the chain-head lock, COPY into the ledger, head update);
* **baseline**: psycopg ``COPY`` of the very rows the ledger stored, in the same batch size
  and one transaction per batch, into a plain table (same columns, no index or trigger);
  best of three runs. For reference, the same into a table with the ledger's indexes and
  into one with only its primary and unique keys (what idempotency and the chain need).

Prints both throughputs and the ratio (goal: >= 40 % of raw COPY and >= 10,000 traces/s).

Part 2 — single-event appends from 8 processes (the /check pattern: one decision per call),
chain-head row lock (what ships) against a Trillian-style sequencer prototype (unchained
inserts sealed into the chain by a background loop every second). Prints throughput,
latency and, for the sequencer, how long entries stay unsealed.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres); uses and recreates database
``execlave_bench`` (``--database``). Part 1's baseline is in ``_ingest_baseline.py``, part 2 in
``_ingest_single_events.py``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from _common import django_on, gunicorn, recreate_database
from _ingest_baseline import copy_baseline
from _ingest_single_events import percentile, single_events_lock, single_events_sequencer
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()


def make_trace(i: int, agent: str, cost_every: int = 1) -> dict:
    trace = {
        "trace_id": str(uuid.uuid4()),
        "agent": agent,
        "tool": random.choice(["database.query", "email.send", "crm.lookup", "search.web"]),
        "input": {
            "query": f"select * from orders where customer_id = {i}",
            "limit": 50,
            "user": f"user{i % 97}@example.com",
        },
        "output": {"rows": i % 50, "elapsed_ms": 3.25, "preview": "order 1, order 2, order 3"},
        "status": "ok" if i % 20 else "error",
        "started_at": datetime.now(UTC).isoformat(),
        "duration_ms": round(random.uniform(1, 900), 3),
        "tokens": {"prompt": 120 + i % 30, "completion": 40 + i % 10},
        "cost": 0.0012,
        "metadata": {"session": f"s-{i % 1000}", "execlave": {"sdk": "python/0.1.0"}},
    }
    if not cost_every or i % cost_every:
        del trace["cost"]
    return trace


def post_all(port: int, key: str, bodies: list[bytes], clients: int) -> tuple[float, int, int]:
    work: queue.Queue = queue.Queue()
    for body in bodies:
        work.put(body)
    accepted = duplicates = 0
    failures: list = []
    lock = threading.Lock()

    def client():
        nonlocal accepted, duplicates
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            conn.request(
                "POST",
                "/api/v1/traces",
                body=body,
                headers={
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/json",
                    "Connection": "keep-alive",
                },
            )
            response = conn.getresponse()
            data = response.read()
            if response.status != 200:
                failures.append((response.status, data[:300]))
                continue
            answer = json.loads(data)
            with lock:
                accepted += answer["accepted"]
                duplicates += answer["duplicates"]
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"ingest failures: {failures[:3]}")
    return elapsed, accepted, duplicates


def http_rate(
    port: int, key: str, method: str, path: str, body_for, clients: int, seconds: float
) -> tuple[float, float]:
    """Requests/s and p50 latency (ms) of one endpoint with ``clients`` keep-alive clients."""
    stop = time.perf_counter() + seconds
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list = []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.perf_counter() < stop:
            body = body_for()
            t = time.perf_counter()
            conn.request(
                method,
                path,
                body=body,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            data = response.read()
            mine.append(time.perf_counter() - t)
            if response.status != 200:
                failures.append((response.status, data[:200]))
                break
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{path}: {failures[:2]}")
    return len(latencies) / (time.perf_counter() - started), percentile(latencies, 0.5) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--traces", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument(
        "--single-events", type=int, default=4000, help="part 2: events in total (0 skips it)"
    )
    parser.add_argument("--database", default="execlave_bench")
    parser.add_argument(
        "--cost-every",
        type=int,
        default=10,
        help="one trace in N reports a cost (reconciled with budgets); 0: none",
    )
    args = parser.parse_args()

    url = recreate_database(args.database)
    console.print(f"[bold]database[/] {args.database}: migrating…")
    env = django_on(url)
    from governance.models import Organisation
    from governance.services import agent_create, api_key_create
    from traces.models import LedgerEntry
    from traces.verification import ledger_verify

    organisation = Organisation.objects.create(name="Bench", slug="bench")
    agent_create(organisation=organisation, name="bench-bot", actor=None)
    _, key = api_key_create(
        organisation=organisation, name="bench", actor=None, scopes=["ingest", "read", "check"]
    )

    random.seed(1)
    warmup = [
        json.dumps({"traces": [make_trace(i, "bench-bot") for i in range(args.batch)]}).encode()
        for _ in range(2)
    ]
    traces = [make_trace(i, "bench-bot", args.cost_every) for i in range(args.traces)]
    bodies = [
        json.dumps({"traces": traces[i : i + args.batch]}).encode()
        for i in range(0, len(traces), args.batch)
    ]
    console.print(
        f"{len(traces):,} traces in {len(bodies)} batches of {args.batch}, "
        f"{sum(map(len, bodies)) / len(traces):.0f} bytes per trace on the wire"
    )

    with gunicorn(env, workers=args.workers, timeout=120, start_seconds=30) as port:
        post_all(port, key, warmup, args.clients)
        elapsed, accepted, duplicates = post_all(port, key, bodies, args.clients)
        ceilings = {}
        if args.single_events:

            def check_body():
                return json.dumps(
                    {
                        "trace_id": str(uuid.uuid4()),
                        "agent": "bench-bot",
                        "tool": "database.query",
                        "input": {"q": "select 1"},
                    }
                ).encode()

            ceilings["GET /api/v1/whoami (no ledger write)"] = http_rate(
                port, key, "GET", "/api/v1/whoami", lambda: None, 8, 8
            )
            ceilings["POST /api/v1/check (one decision entry each)"] = http_rate(
                port, key, "POST", "/api/v1/check", check_body, 8, 8
            )
    assert accepted == len(traces), (accepted, duplicates)
    verification = ledger_verify(organisation=organisation)
    assert verification.ok, verification.first_break
    stored = LedgerEntry.objects.filter(organisation=organisation).count()

    copy_elapsed, copied = copy_baseline(url, args.batch)
    indexed_elapsed, _ = copy_baseline(url, args.batch, indexed=True)
    unique_elapsed, _ = copy_baseline(url, args.batch, unique_only=True)
    api_rate, copy_rate = accepted / elapsed, copied / copy_elapsed
    ratio = api_rate / copy_rate

    table = Table(
        title=f"Batched ingestion into PostgreSQL ({args.batch} per request, {args.workers} gunicorn workers, {args.clients} clients)"
    )
    table.add_column("path")
    table.add_column("rows", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("rows/s", justify="right")
    table.add_row(
        "POST /api/v1/traces (gunicorn, hash chain)",
        f"{accepted:,}",
        f"{elapsed:.2f}",
        f"{api_rate:,.0f}",
    )
    table.add_row(
        "raw psycopg COPY, plain table (baseline, best of 3)",
        f"{copied:,}",
        f"{copy_elapsed:.2f}",
        f"{copy_rate:,.0f}",
    )
    table.add_row(
        "reference: raw COPY into a table with the ledger's indexes (best of 3)",
        f"{copied:,}",
        f"{indexed_elapsed:.2f}",
        f"{copied / indexed_elapsed:,.0f}",
    )
    table.add_row(
        "reference: raw COPY into a table with its primary and unique keys only (best of 3)",
        f"{copied:,}",
        f"{unique_elapsed:.2f}",
        f"{copied / unique_elapsed:,.0f}",
    )
    console.print(table)
    console.print(
        f"ratio: [bold]{ratio:.1%}[/] of raw COPY (goal >= 40%) · {api_rate:,.0f} traces/s (goal >= 10,000) · "
        f"ledger verified intact ({stored:,} entries incl. warm-up)"
    )
    print(
        f"RESULT ingest api_traces_per_s={api_rate:.0f} copy_rows_per_s={copy_rate:.0f} ratio={ratio:.3f} "
        f"indexed_copy_rows_per_s={copied / indexed_elapsed:.0f} unique_copy_rows_per_s={copied / unique_elapsed:.0f}"
    )

    if args.single_events:
        threads = 8
        per_thread = max(1, args.single_events // threads)
        lock_org = Organisation.objects.create(name="Lock", slug="lock")
        seq_org = Organisation.objects.create(name="Sequencer", slug="sequencer")
        locked = single_events_lock(lock_org, threads, per_thread)
        sequenced = single_events_sequencer(seq_org.pk, url, threads, per_thread)
        assert ledger_verify(organisation=lock_org).ok
        table = Table(title=f"Single-event appends from {threads} processes (the /check pattern)")
        for column in ("design", "events", "events/s", "p50 ms", "p99 ms", "mean time unsealed"):
            table.add_column(column, justify="right" if column != "design" else "left")
        for name, r in (
            ("chain-head row lock (ships)", locked),
            ("sequencer prototype (1 s)", sequenced),
        ):
            table.add_row(
                name,
                f"{r['events']:,}",
                f"{r['events'] / r['seconds']:,.0f}",
                f"{r['p50'] * 1000:.2f}",
                f"{r['p99'] * 1000:.2f}",
                f"{r['lag']:.2f} s" if r["lag"] else "0 (sealed on commit)",
            )
        console.print(table)
        table = Table(title="HTTP ceiling on the same gunicorn (8 keep-alive clients, 8 s each)")
        for column in ("endpoint", "requests/s", "p50 ms"):
            table.add_column(column, justify="right" if column != "endpoint" else "left")
        for name, (rate, p50) in ceilings.items():
            table.add_row(name, f"{rate:,.0f}", f"{p50:.1f}")
        console.print(table)
        print(
            "RESULT http "
            + " ".join(f"{name.split()[1]}={rate:.0f}/s" for name, (rate, _) in ceilings.items())
        )
        print(
            f"RESULT single lock_events_per_s={locked['events'] / locked['seconds']:.0f} "
            f"sequencer_events_per_s={sequenced['events'] / sequenced['seconds']:.0f} "
            f"lock_p99_ms={locked['p99'] * 1000:.2f} sequencer_p99_ms={sequenced['p99'] * 1000:.2f}"
        )


if __name__ == "__main__":
    main()
