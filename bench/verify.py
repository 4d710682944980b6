"""Verification speed. ``python bench/verify.py [--entries 1000000]``

Fills one organisation's ledger with N entries (PostgreSQL, through the real append service),
then, side by side on the same rows:

* **verify**: ``traces.verification.ledger_verify`` — reads the chain in keyset chunks
  (one joined text value per row, split in Python into plain tuples),
  recomputes every ``payload_hash`` and ``entry_hash``, checks every link and checkpoint; once
  in one process and once split over ``--workers`` processes (what ``verify_ledger`` does);
* **baseline**: the same keyset reads with one plain ``sha256`` over the payload and one over
  the rest of the row's bytes — the least any verifier must do (read every byte, hash it once).

Also prints pure in-memory hashing of the same bytes (no database) for reference.
Goal: verify >= 50 % of the baseline's speed and 1,000,000 entries in < 10 s.
Needs PostgreSQL at 127.0.0.1:5432 (user postgres); recreates ``execlave_bench_verify``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from _common import chain_length, django_on, recreate_database
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()


def _fill(organisation, entries: int) -> None:
    """Append ``entries`` events through the real append service, a checkpoint every 200,000."""
    from governance.services import agent_create
    from traces.services import LedgerEvent, checkpoint_create, ledger_append

    agent = agent_create(organisation=organisation, name="bench-bot", actor=None)
    started_at = datetime.now(UTC) - timedelta(hours=1)
    batch = 10_000
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"appending {entries:,} entries", total=entries)
        for start in range(0, entries, batch):
            n = min(batch, entries - start)
            events = []
            for i in range(start, start + n):
                kind = ("decision", "completion", "completion", "decision")[i % 4]
                events.append(
                    LedgerEvent(
                        trace_id=uuid.uuid4(),
                        kind=kind,
                        agent=agent,
                        tool="database.query",
                        input={
                            "sql": f"select * from orders where id = {i}",
                            "user": f"u{i % 500}@example.com",
                        },
                        output={"rows": i % 40, "preview": "order 1, order 2"}
                        if kind == "completion"
                        else None,
                        client={
                            "status": "ok",
                            "duration_ms": 12.5,
                            "tokens": {"prompt": 100, "completion": 20},
                        }
                        if kind == "completion"
                        else {},
                        server={
                            "decision": "allow",
                            "policies": [{"id": 1, "name": "pii", "outcome": "pass"}],
                        }
                        if kind == "decision"
                        else {},
                        occurred_at=started_at + timedelta(microseconds=i),
                    )
                )
            ledger_append(organisation=organisation, events=events)
            if start % 200_000 == 0:
                checkpoint_create(organisation=organisation)
            progress.advance(task, n)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", default="execlave_bench_verify")
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="processes for the parallel run"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database when it already holds the chain (compare code side by side on "
        "the same rows, e.g. a checkout of main against a branch)",
    )
    args = parser.parse_args()

    reused = args.reuse and chain_length(args.database, "verify-bench") == args.entries
    url = (
        f"postgres://postgres@127.0.0.1:5432/{args.database}"
        if reused
        else recreate_database(args.database)
    )
    django_on(url)
    from governance.models import Organisation
    from traces.verification import iter_rows, ledger_verify

    if reused:
        organisation = Organisation.objects.get(slug="verify-bench")
        console.print(f"reusing the {args.entries:,} entries in {args.database}")
    else:
        organisation = Organisation.objects.create(name="Verify bench", slug="verify-bench")
        _fill(organisation, args.entries)
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE traces_ledgerentry")
        size = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('traces_ledgerentry'))"
        ).fetchone()[0]

    # Warm the cache once (both runs then read from memory), then time each.
    for _ in iter_rows(organisation.pk, chunk=args.chunk, plain=True):
        pass

    t = time.perf_counter()
    result = ledger_verify(organisation=organisation, chunk=args.chunk)
    sequential_s = time.perf_counter() - t
    assert result.ok and result.entries == args.entries, result
    t = time.perf_counter()
    result = ledger_verify(organisation=organisation, chunk=args.chunk, workers=args.workers)
    verify_s = time.perf_counter() - t
    assert result.ok and result.entries == args.entries, result

    sha = hashlib.sha256
    t = time.perf_counter()
    hashed_bytes = rows_seen = 0
    # The same reader ledger_verify uses (plain tuples in Row's layout: 12 client, 13 server,
    # 14 payload, 15 payload_hash, 16 prev_hash, 5 tool).
    for rows in iter_rows(organisation.pk, chunk=args.chunk, plain=True):
        for r in rows:
            a = r[14].encode()
            b = (r[16] + r[12] + r[13] + r[5] + r[15]).encode()
            sha(a).digest()
            sha(b).digest()
            hashed_bytes += len(a) + len(b)
        rows_seen += len(rows)
    baseline_s = time.perf_counter() - t

    blobs = []
    for rows in iter_rows(organisation.pk, chunk=args.chunk):
        blobs.extend(
            (
                r.payload.encode(),
                (r.prev_hash + r.client + r.server + r.tool + r.payload_hash).encode(),
            )
            for r in rows
        )
    t = time.perf_counter()
    for a, b in blobs:
        sha(a).digest()
        sha(b).digest()
    memory_s = time.perf_counter() - t

    table = Table(
        title=f"Verifying {args.entries:,} ledger entries on PostgreSQL ({size} table, chunks of {args.chunk:,})"
    )
    table.add_column("what")
    table.add_column("seconds", justify="right")
    table.add_column("entries/s", justify="right")
    table.add_row(
        f"ledger_verify, {args.workers} processes (verify_ledger's default)",
        f"{verify_s:.2f}",
        f"{args.entries / verify_s:,.0f}",
    )
    table.add_row(
        "ledger_verify, one process", f"{sequential_s:.2f}", f"{args.entries / sequential_s:,.0f}"
    )
    table.add_row(
        "baseline: same reads + plain sha256 of the same bytes",
        f"{baseline_s:.2f}",
        f"{rows_seen / baseline_s:,.0f}",
    )
    table.add_row(
        "reference: sha256 only, bytes already in memory",
        f"{memory_s:.2f}",
        f"{len(blobs) / memory_s:,.0f}",
    )
    console.print(table)
    ratio = baseline_s / verify_s
    console.print(
        f"ratio: [bold]{ratio:.1%}[/] of the baseline's speed ({baseline_s / sequential_s:.1%} in one process; goal >= 50%) · {verify_s:.2f} s for "
        f"{args.entries:,} entries (goal < 10 s) · {hashed_bytes / rows_seen:.0f} bytes hashed per entry · "
        f"{result.checkpoints_checked} signed checkpoints matched"
    )
    print(
        f"RESULT verify entries={args.entries} verify_s={verify_s:.2f} sequential_s={sequential_s:.2f} "
        f"baseline_s={baseline_s:.2f} ratio={ratio:.3f} ratio_one_process={baseline_s / sequential_s:.3f}"
    )


if __name__ == "__main__":
    main()
