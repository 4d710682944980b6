"""``bench/ingest.py``'s baseline: the rows the ledger stored, COPYed by psycopg into a plain
table (and, for reference, into copies of the ledger table with its indexes or its keys only)."""

from __future__ import annotations

import time

import psycopg


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
