"""CPU per ``POST /api/v1/check`` and per ``GET /api/v1/whoami``, in-process, and where a check's goes.

``python bench/check_cpu.py [--calls 2000] [--rounds 5] [--database execlave_bench_check_cpu]``

``bench/check.py`` measures latency from 16 clients on two cores, where the p99 ratio is
essentially CPU per check over CPU per ``whoami``. This measures those CPU times directly:
the same organisation (``bench/check.py``'s 25 policies and 2 KB input, ``seed()``) on a fresh
PostgreSQL database (recreated; ``--sqlite`` for a SQLite file), both endpoints called through
Django's test client in alternating rounds, ``time.process_time`` per call. The test client
adds its own work to both (building the request, its signals), so these are not the server's
absolute times; the parts below are.

With PostgreSQL on this machine, also the CPU its backend spends on each endpoint's
statements (``/proc/<pid>/stat``; mostly the ledger append for a check), which
``bench/check.py``'s two cores spend too.

Then one more pass of checks with the decision path's parts wrapped and timed (process time,
inclusive; the wrappers add ~1 us each): each evaluator type, the ledger entry's preparation
(canonical JSON, hashes) and its one statement, the request parsing; and the garbage
collector's time per call by generation (``gc.callbacks``).
"""

from __future__ import annotations

import argparse
import collections
import functools
import gc
import importlib
import os
import statistics
import tempfile
import time
from pathlib import Path

from _common import django_on, recreate_database
from check import POLICIES, request_body, seed

PARTS = (
    "checks.services.decide",
    "checks.services.evaluate",
    "checks.services._record",
    "traces.append._prepare",
    "traces.append._append_in_database",
    "checks.apis.parse_check_request",
    "checks.services._agent",
    "checks.services.active_policies",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per endpoint")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true", help="SQLite file instead of PostgreSQL")
    parser.add_argument("--database", default="execlave_bench_check_cpu")
    args = parser.parse_args()

    url = None if args.sqlite else recreate_database(args.database)
    tmp = tempfile.mkdtemp(prefix="execlave-bench-check-cpu-")
    django_on(url, sqlite_path=str(Path(tmp) / "bench.sqlite3"))
    key = seed()

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")

    def check() -> None:
        response = client.post(
            "/api/v1/check", data=request_body("crm-bot"), content_type="application/json"
        )
        assert response.status_code == 200, response.content[:300]

    def whoami() -> None:
        assert client.get("/api/v1/whoami").status_code == 200

    for _ in range(200):  # warm-up: imports, the injection model, caches, prepared statements
        check()
        whoami()

    backend = None if args.sqlite else _backend_cpu()
    per_round = max(1, args.calls // args.rounds)
    cpu: dict[str, list[float]] = {"check": [], "whoami": []}
    server: dict[str, list[float]] = {"check": [], "whoami": []}
    for _ in range(args.rounds):
        for name, call in (("check", check), ("whoami", whoami)):
            t0, s0 = time.process_time(), backend() if backend else 0.0
            for _ in range(per_round):
                call()
            cpu[name].append((time.process_time() - t0) / per_round * 1e6)
            if backend:
                server[name].append((backend() - s0) / per_round * 1e6)
    print(f"{len(POLICIES)} policies, {len(request_body('crm-bot'))}-byte body, "
          f"{'SQLite' if args.sqlite else 'PostgreSQL'}, {per_round} calls x {args.rounds} rounds")  # fmt: skip
    for name, values in cpu.items():
        print(f"{name:7} CPU per call: median {statistics.median(values):6.0f} us, "
              f"min {min(values):6.0f} us  (rounds: {', '.join(f'{v:.0f}' for v in values)})")  # fmt: skip
    print(f"ratio check/whoami: median {statistics.median(cpu['check']) / statistics.median(cpu['whoami']):.2f}, "
          f"min {min(cpu['check']) / min(cpu['whoami']):.2f}")  # fmt: skip
    if backend:
        # The statements' own CPU in the PostgreSQL backend (same machine), which the
        # process time above does not see: for a check mostly the ledger append.
        for name, values in server.items():
            print(f"{name:7} PostgreSQL backend CPU per call: median {statistics.median(values):6.0f} us  "
                  f"(rounds: {', '.join(f'{v:.0f}' for v in values)}; 10 ms clock ticks)")  # fmt: skip
        both = {n: statistics.median(cpu[n]) + statistics.median(server[n]) for n in cpu}
        print(f"ratio check/whoami, process + backend: {both['check'] / both['whoami']:.2f}")

    spent: collections.Counter[str] = collections.Counter()

    def timed(label: str, function):
        @functools.wraps(function)
        def wrapper(*a, **k):
            t0 = time.process_time()
            try:
                return function(*a, **k)
            finally:
                spent[label] += time.process_time() - t0

        return wrapper

    for spec in PARTS:
        module_name, attr = spec.rsplit(".", 1)
        module = importlib.import_module(module_name)
        setattr(module, attr, timed(spec, getattr(module, attr)))
    from policies.evaluation import EVALUATORS

    for type_, function in list(EVALUATORS.items()):
        EVALUATORS[type_] = timed(f"evaluator {type_}", function)

    collected: collections.Counter[int] = collections.Counter()
    collections_run: collections.Counter[int] = collections.Counter()
    started = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            collected[info["generation"]] += time.process_time() - started[0]
            collections_run[info["generation"]] += 1

    gc.callbacks.append(on_gc)
    t0 = time.process_time()
    for _ in range(args.calls):
        check()
    total = (time.process_time() - t0) / args.calls * 1e6
    gc.callbacks.remove(on_gc)
    print(
        f"\nparts of a check (one pass of {args.calls}, {total:.0f} us per call with the wrappers):"
    )
    for label, seconds in spent.most_common():
        print(f"  {seconds / args.calls * 1e6:7.1f} us  {label}")
    gc_total = sum(collected.values()) / args.calls * 1e6
    by_generation = ", ".join(
        f"gen {g}: {collected[g] / args.calls * 1e6:.1f} us ({collections_run[g]} runs)"
        for g in sorted(collected)
    )
    print(f"  {gc_total:7.1f} us  garbage collector ({by_generation}; "
          f"{len(gc.get_objects())} tracked objects)")  # fmt: skip


def _backend_cpu():
    """A function returning the CPU seconds (user + system) the PostgreSQL backend serving this
    process's connection has used, or None when that backend's /proc entry cannot be read
    (another machine, another user)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    try:
        read()
    except OSError:
        return None
    return read


if __name__ == "__main__":
    main()
