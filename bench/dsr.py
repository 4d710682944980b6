"""Finding a data subject in the ledger. ``python bench/dsr.py [--entries 1000000]``

Fills one organisation's ledger with N entries (PostgreSQL, through the real append service)
whose payloads carry other people's e-mails and phone numbers, plants one subject in 60 of them
(e-mail as a whole value, inside a sentence, in upper case, nested in lists; a phone number
written four ways; in metadata) next to 60 near-misses (``joann@x.com``, ``ann@x.com.au``,
the same number with another country code), indexes the identifiers (timed: the catch-up a first deployment does), then times, side by side
on the same rows:

* **find**: ``privacy.selectors.ledger_matches`` — the identifier index's look-up plus the exact
  rules; it must find exactly the 60 planted entries and none of the near-misses;
* **scan**: the same for an identifier the index cannot cover (no digit, no "@"): one pass over
  the organisation's entries with a SQL pre-filter, then the exact rules;
* **baseline**: the former ``payload__icontains`` search for the e-mail alone (one
  ``UPPER(payload) LIKE UPPER('%ann@x.com%')`` scan) — what any substring search costs.

Goal: < 5 s for 1,000,000 entries. Needs PostgreSQL at 127.0.0.1:5432 (user postgres);
recreates ``--database`` (default ``execlave_bench_dsr``).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from _common import django_on, recreate_database
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()

SUBJECT_FORMS = [
    ("input", {"to": "ann@x.com"}),
    ("input", {"body": "Dear Ann (ann@x.com), your order shipped."}),
    ("output", {"rows": [{"name": "Ann", "contact": ["ANN@X.COM"]}]}),
    ("input", {"query": {"phone": "+1 (909) 451-3674"}}),
    ("input", {"sms": {"to": "9094513674", "text": "code 4411"}}),
    ("output", {"caller": "909.451.3674"}),
    ("metadata", {"user": "ann@x.com"}),
]
NEAR_MISSES = [
    {"to": "joann@x.com"},
    {"to": "ann@x.com.au"},
    {"phone": "+44 909 451 3674"},
    {"note": "ticket 90945136741 closed"},
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", default="execlave_bench_dsr")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    url = recreate_database(args.database)
    django_on(url)
    from django.db import connection

    from governance.models import Organisation
    from governance.services import agent_create
    from privacy import identifier_index, matching, selectors
    from traces.services import LedgerEvent, ledger_append

    organisation = Organisation.objects.create(name="DSR bench", slug="dsr-bench")
    agent = agent_create(organisation=organisation, name="bench-bot", actor=None)
    started_at = datetime.now(UTC) - timedelta(hours=1)
    every = max(args.entries // 120, 1)  # 60 subject entries and 60 near-misses
    planted: set[str] = set()
    batch = 10_000
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"appending {args.entries:,} entries", total=args.entries)
        for start in range(0, args.entries, batch):
            events = []
            for i in range(start, min(start + batch, args.entries)):
                trace_id = uuid.uuid4()
                value = {
                    "sql": f"select * from orders where id = {i}",
                    "user": f"u{i % 5000}@example.com",
                    "phone": f"+1 212 555 {i % 10000:04d}",
                }
                output, client = {"rows": i % 40}, {"status": "ok"}
                slot = i // every if i % every == 0 else None
                if slot is not None and slot < 120:
                    if slot % 2 == 0:
                        where, form = SUBJECT_FORMS[(slot // 2) % len(SUBJECT_FORMS)]
                        planted.add(str(trace_id))
                        if where == "input":
                            value = {**value, **form}
                        elif where == "output":
                            output = form
                        else:
                            client = {**client, "metadata": form}
                    else:
                        value = {**value, **NEAR_MISSES[(slot // 2) % len(NEAR_MISSES)]}
                events.append(
                    LedgerEvent(
                        trace_id=trace_id,
                        kind="completion",
                        agent=agent,
                        tool=("database.query", "email.send", "crm.lookup")[i % 3],
                        input=value,
                        output=output,
                        client=client,
                        occurred_at=started_at + timedelta(microseconds=i),
                    )
                )
            ledger_append(organisation=organisation, events=events)
            progress.advance(task, len(events))
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE traces_ledgerentry")
        size = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('traces_ledgerentry'))"
        ).fetchone()[0]

    # The identifier index is filled off the append path (a schedule every minute); time the
    # catch-up over the whole ledger once, as after a first deployment.
    t = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("indexing identifiers", total=args.entries)
        identifier_index.index_pending(
            organisation=organisation, progress=lambda n: progress.advance(task, n)
        )
    index_s = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('privacy_identifiertoken'))"
            " FROM privacy_identifiertoken"
        )
        tokens, index_size = cursor.fetchone()

    needles = [
        matching.needle_for({"type": "email", "value": "ann@x.com", "normalised": "ann@x.com"}),
        matching.needle_for(
            {"type": "phone", "value": "+1 (909) 451-3674", "normalised": "+19094513674"}
        ),
    ]

    def find():
        return selectors.ledger_matches(organisation=organisation, needles=needles)

    other = [
        matching.needle_for({"type": "other", "value": "gold-member", "normalised": "gold-member"})
    ]

    def scan():  # an identifier without a digit or "@": the fallback pass over the entries
        return selectors.ledger_matches(organisation=organisation, needles=other)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM traces_ledgerentry WHERE organisation_id = %s"
                " AND UPPER(payload::text) LIKE UPPER(%s)",
                [organisation.pk, "%ann@x.com%"],
            )
            return cursor.fetchall()

    find()  # warm the cache once; both then read from memory
    find_times, base_times, scan_times = [], [], []
    for _ in range(args.rounds):
        t = time.perf_counter()
        matches = find()
        find_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        scanned = scan()
        scan_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        substring = baseline()
        base_times.append(time.perf_counter() - t)

    found = {m.trace_id for m in matches}
    recall = len(found & planted) / len(planted)
    precision = len(found & planted) / len(found) if found else 0.0
    find_s, base_s = min(find_times), min(base_times)

    table = Table(title=f"Finding a subject in {args.entries:,} ledger entries ({size})")
    table.add_column("")
    table.add_column("best of runs", justify="right")
    table.add_column("all runs (s)")
    table.add_column("found")
    table.add_row(
        "find (identifier index + exact rules, e-mail + phone)",
        f"{find_s:.2f} s",
        ", ".join(f"{t:.2f}" for t in find_times),
        f"{len(found)} entries (planted {len(planted)}); recall {recall:.0%}, "
        f"precision {precision:.0%}",
    )
    table.add_row(
        "find, an id without digit or @ (scan fallback)",
        f"{min(scan_times):.2f} s",
        ", ".join(f"{t:.2f}" for t in scan_times),
        f"{len(scanned)} entries (none planted)",
    )
    table.add_row(
        "baseline: payload icontains 'ann@x.com'",
        f"{base_s:.2f} s",
        ", ".join(f"{t:.2f}" for t in base_times),
        f"{len(substring)} entries (substring: over-matches joann@, misses phones)",
    )
    console.print(table)
    console.print(
        f"identifier index: {tokens:,} keys ({index_size}) built in {index_s:.1f} s "
        f"({args.entries / index_s:,.0f} entries/s), off the append path"
    )
    console.print(
        f"find / baseline: {find_s / base_s:.2f}×; goal < 5 s: "
        f"{'met' if find_s < 5 else 'NOT met'}; exact: {recall == 1 and precision == 1}"
    )


if __name__ == "__main__":
    main()
