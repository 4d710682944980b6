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
``execlave_bench`` (``--database``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from _common import free_port, recreate_database, wait_for
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()
PY = sys.executable


def server_env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "bench-secret-key-" + "x" * 40,
        "LEDGER_SIGNING_KEY": "bench-ledger-key",
        "THROTTLE_BURST": "1000000/second",
        "THROTTLE_SUSTAINED": "100000000/hour",
        "LOG_LEVEL": "WARNING",
    }


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


def copy_baseline(
    url: str, batch: int, *, indexed: bool = False, unique_only: bool = False, repeat: int = 3
) -> tuple[float, int]:
    """COPY the rows the ledger stored into a plain table (or, ``indexed``, into a copy of the
    ledger table with all its indexes and unique keys; ``unique_only``, with its primary and
    unique keys only), batch by batch, one transaction per batch. Best of ``repeat`` runs: a
    run takes well under a second, so one run alone swings with whatever else the machine
    does, and the fastest is the fairest figure for the baseline."""
    dsn = url.replace("postgres://", "postgresql://")
    from traces.append import INSERT_COLUMNS  # the very columns the ledger stores

    columns = INSERT_COLUMNS
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            f"SELECT {', '.join(columns)} FROM traces_ledgerentry ORDER BY seq"
        ).fetchall()
        best = float("inf")
        for _ in range(repeat):
            conn.execute("DROP TABLE IF EXISTS bench_plain")
            if indexed or unique_only:
                conn.execute(
                    "CREATE TABLE bench_plain (LIKE traces_ledgerentry INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS"
                    + (" INCLUDING INDEXES)" if indexed else ")")
                )
                if unique_only:
                    conn.execute("ALTER TABLE bench_plain ADD PRIMARY KEY (id)")
                    conn.execute("ALTER TABLE bench_plain ADD UNIQUE (organisation_id, seq)")
                    conn.execute(
                        "ALTER TABLE bench_plain ADD UNIQUE (organisation_id, trace_id, kind)"
                    )
            else:
                conn.execute(
                    "CREATE TABLE bench_plain (organisation_id bigint, seq bigint, trace_id uuid, kind varchar(20),"
                    " agent_id bigint, agent_name varchar(120), tool varchar(200), status varchar(16), decision varchar(24),"
                    " policies varchar(2000), opens_trace boolean, occurred_at timestamptz, recorded_at timestamptz,"
                    " client text, server text, payload text, payload_hash varchar(64), prev_hash varchar(64), entry_hash varchar(64))"
                )
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cur:
                for start in range(0, len(rows), batch):
                    with cur.copy(f"COPY bench_plain ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows[start : start + batch]:
                            copy.write_row(row)
                    conn.commit()
            best = min(best, time.perf_counter() - started)
        conn.execute("DROP TABLE IF EXISTS bench_plain")
        conn.commit()
    return best, len(rows)


# --- part 2: lock versus sequencer for single events -----------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def _lock_writer(task: tuple) -> list[float]:
    from django.db import connection

    from governance.models import Organisation
    from traces.services import LedgerEvent, ledger_append

    organisation_id, count = task
    organisation = Organisation.objects.get(pk=organisation_id)
    latencies = []
    for i in range(count):
        event = LedgerEvent(
            trace_id=uuid.uuid4(),
            kind="decision",
            agent=None,
            tool="database.query",
            input={"q": i},
            server={"decision": "allow", "policies": [{"id": 1, "outcome": "pass"}]},
        )
        t = time.perf_counter()
        ledger_append(organisation=organisation, events=[event])
        latencies.append(time.perf_counter() - t)
    connection.close()
    return latencies


def single_events_lock(organisation, writers: int, per_writer: int) -> dict:
    """``writers`` processes (as gunicorn workers would be) each appending one event per call."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(writers) as pool:
        results = pool.map(_lock_writer, [(organisation.pk, per_writer)] * writers)
    elapsed = time.perf_counter() - started
    latencies = [x for r in results for x in r]
    return {
        "events": len(latencies),
        "seconds": elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "lag": 0.0,
    }


_sequencer_writer = None


def _call_sequencer_writer(_):
    return _sequencer_writer()


def single_events_sequencer(organisation_id: int, url: str, threads: int, per_thread: int) -> dict:
    """Prototype: writers insert unchained rows (no lock); a sequencer seals them every second."""
    from traces import chain

    dsn = url.replace("postgres://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_unsealed; DROP TABLE IF EXISTS bench_sealed")
        conn.execute(
            "CREATE TABLE bench_unsealed (id bigserial primary key, organisation_id bigint, trace_id uuid, kind text,"
            " tool text, decision text, occurred_at timestamptz, inserted_at double precision, client text, server text, payload text)"
        )
        conn.execute(
            "CREATE TABLE bench_sealed (seq bigint primary key, trace_id uuid, kind text, tool text, decision text,"
            " occurred_at timestamptz, client text, server text, payload text, payload_hash text, prev_hash text, entry_hash text)"
        )
    latencies: list[float] = []
    lags: list[float] = []
    stop = threading.Event()

    def writer(_=None):
        mine = []
        with psycopg.connect(dsn, autocommit=True) as conn:
            for i in range(per_thread):
                server = chain.canonical(
                    {"decision": "allow", "policies": [{"id": 1, "outcome": "pass"}]}
                )
                payload = chain.payload_text({"q": i}, None)
                t = time.perf_counter()
                conn.execute(
                    "INSERT INTO bench_unsealed (organisation_id, trace_id, kind, tool, decision, occurred_at, inserted_at, client, server, payload)"
                    " VALUES (%s, %s, 'decision', 'database.query', 'allow', now(), %s, '{}', %s, %s)",
                    [organisation_id, uuid.uuid4(), time.time(), server, payload],
                )
                mine.append(time.perf_counter() - t)
        return mine

    def sequencer():
        seq, prev = 0, chain.genesis_hash(organisation_id)
        with psycopg.connect(dsn) as conn:
            while True:
                rows = conn.execute(
                    "SELECT id, trace_id::text, kind, tool, decision,"
                    " to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), inserted_at, client, server, payload"
                    " FROM bench_unsealed ORDER BY id LIMIT 20000 FOR UPDATE SKIP LOCKED"
                ).fetchall()
                now = time.time()
                sealed = []
                for r in rows:
                    seq += 1
                    payload_hash = chain.sha256_hex(r[9])
                    fields = chain.fields_text(
                        organisation=organisation_id,
                        trace_id=r[1],
                        kind=r[2],
                        agent=None,
                        tool=r[3],
                        status="",
                        decision=r[4],
                        policies="|1|",
                        opens_trace=True,
                        occurred_at=r[5],
                        recorded_at=r[5],
                        client=r[7],
                        server=r[8],
                    )
                    digest = chain.entry_hash(prev, fields, payload_hash)
                    sealed.append(
                        (
                            seq,
                            r[1],
                            r[2],
                            r[3],
                            r[4],
                            r[5],
                            r[7],
                            r[8],
                            r[9],
                            payload_hash,
                            prev,
                            digest,
                        )
                    )
                    prev = digest
                    lags.append(now - r[6])
                if sealed:
                    with conn.cursor().copy("COPY bench_sealed FROM STDIN") as copy:
                        for row in sealed:
                            copy.write_row(row)
                    conn.execute(
                        "DELETE FROM bench_unsealed WHERE id = ANY(%s)", [[r[0] for r in rows]]
                    )
                conn.commit()
                if stop.is_set() and not rows:
                    return
                time.sleep(1.0)

    import multiprocessing

    global _sequencer_writer
    _sequencer_writer = writer
    sealer = threading.Thread(target=sequencer)
    sealer.start()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(threads) as pool:
        for mine in pool.map(_call_sequencer_writer, range(threads)):
            latencies.extend(mine)
    elapsed = time.perf_counter() - started
    stop.set()
    sealer.join()
    return {
        "events": len(latencies),
        "seconds": elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "lag": statistics.fmean(lags) if lags else 0.0,
    }


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
    env = server_env(url)
    console.print(f"[bold]database[/] {args.database}: migrating…")
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(
        {
            k: v
            for k, v in env.items()
            if k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "LEDGER_SIGNING_KEY")
        }
    )
    import django

    django.setup()
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

    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, gunicorn, seconds=30)
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
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
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
