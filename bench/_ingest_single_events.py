"""``bench/ingest.py`` part 2: single-event appends from several processes (the /check pattern,
one decision per call), through the chain-head row lock that ships and through a
Trillian-style sequencer prototype (unchained inserts sealed into the chain every second)."""

from __future__ import annotations

import statistics
import threading
import time
import uuid

import psycopg


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
