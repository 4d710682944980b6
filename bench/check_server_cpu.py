"""CPU per request of the real server: ``POST /api/v1/check`` against ``GET /api/v1/whoami``.

``python bench/check_server_cpu.py [--requests 400] [--rounds 6] [--clients 4] [--threads 4]``

``bench/check.py``'s p99 ratio needs a quiet machine; the CPU each request costs does not (much).
This starts gunicorn with ONE worker (gthread, ``--threads``) on a fresh PostgreSQL database with
``bench/check.py``'s organisation (25 policies, the 2 KB input), drives it from ``--clients``
keep-alive clients in alternating rounds of whoami and check, and reads, around each round, the
CPU time the server spent:

* **worker**: the gunicorn worker's threads, ``/proc/<pid>/task/*/schedstat`` (nanoseconds on a
  CPU), and its context switches;
* **backend**: every PostgreSQL backend serving the bench database (the worker's pool), same
  counter. This is the ledger append's server side, which in-process timing misses.

It prints per request, for each endpoint, the median over rounds (and the lowest) of worker,
backend and total CPU, and the ratio check/whoami: the figure to cut. Hardware instruction
counters are not available on this VM (``perf stat -e instructions`` says "not supported").

``--compare DIR`` serves a second checkout (e.g. ``git worktree add /tmp/base main``) from a second
one-worker server on the same database, and alternates the four rounds (whoami and check on each
code) so both see the same minutes of machine noise. The database is migrated by this checkout:
the other one must work with its schema.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from _common import django_on, free_port, recreate_database, wait_for
from check import POLICIES, request_body, run_block, seed

ROOT = Path(__file__).resolve().parents[1]


def cpu_ns(pid: int) -> tuple[int, int]:
    """(nanoseconds on a CPU, context switches) of every thread of ``pid`` so far."""
    total = switches = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if "ctxt_switches:" in line:  # voluntary and involuntary
                        switches += int(line.split()[-1])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that just ended
    return total, switches


class Server:
    """A one-worker gunicorn serving the checkout at ``root``."""

    def __init__(self, env: dict[str, str], root: Path, threads: int) -> None:
        self.port = free_port()
        python = Path(sys.executable)
        command = [str(python.parent / "gunicorn"), "config.wsgi", "-w", "1", "-b",
                   f"127.0.0.1:{self.port}", "--log-level", "warning", "--keep-alive", "60"]  # fmt: skip
        if threads > 1:
            command += ["-k", "gthread", "--threads", str(threads)]
        env = {**env, "PYTHONPATH": str(root)}
        self.process = subprocess.Popen(
            command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_for(self.port, self.process)
        self.worker = self._worker_pid()

    def _worker_pid(self) -> int:
        for _ in range(100):
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as f:
                children = f.read().split()
            if children:
                return int(children[0])
            time.sleep(0.1)
        raise SystemExit("no gunicorn worker")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Backends:
    """CPU of the PostgreSQL backends connected to one database (the servers' pools)."""

    def __init__(self, database: str | None) -> None:
        self.database = database
        self.conn = (
            psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
            if database
            else None
        )

    def pids(self) -> list[int]:
        if self.conn is None:
            return []
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
            (self.database,),
        ).fetchall()
        return [r[0] for r in rows]

    def snapshot(self) -> dict[int, int]:
        out = {}
        for pid in self.pids():
            with contextlib.suppress(FileNotFoundError):  # a backend that just ended
                out[pid] = cpu_ns(pid)[0]
        return out

    @staticmethod
    def spent(before: dict[int, int], after: dict[int, int]) -> int:
        return sum(ns - before.get(pid, 0) for pid, ns in after.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint per round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads (gthread when > 1)"
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite file instead of PostgreSQL")
    parser.add_argument("--database", default="execlave_bench_server_cpu")
    parser.add_argument("--compare", type=Path, help="another checkout to serve side by side")
    parser.add_argument(
        "--hold",
        action="store_true",
        help="keep serving after the rounds (for py-spy); Ctrl-C ends",
    )
    parser.add_argument("--json", type=Path, help="also write the per-round figures here")
    args = parser.parse_args()

    url = None if args.sqlite else recreate_database(args.database)
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"execlave-server-cpu-{os.getpid()}.sqlite3"
    env = django_on(url, sqlite_path=str(tmp))
    key = seed()
    env.pop("PYTHONPATH", None)
    codes = {"this": ROOT}
    if args.compare:
        codes = {"base": args.compare.resolve(), "this": ROOT}
    servers = {name: Server(env, root, args.threads) for name, root in codes.items()}
    backends = Backends(None if args.sqlite else args.database)
    per_client = max(1, args.requests // args.clients)
    n = per_client * args.clients
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    try:
        for server in servers.values():  # warm-up: imports, the pool, prepared statements, caches
            for kind in ("whoami", "check"):
                run_block(server.port, key, kind, args.clients, 60)
        for round_ in range(args.rounds):
            # Alternate the order too, so neither endpoint always follows the other.
            order = [(s, k) for s in servers for k in ("whoami", "check")]
            for name, kind in order if round_ % 2 == 0 else order[::-1]:
                server = servers[name]
                before_w, before_b = cpu_ns(server.worker), backends.snapshot()
                wall = run_block(server.port, key, kind, args.clients, per_client)
                after_w, after_b = cpu_ns(server.worker), backends.snapshot()
                row = results.setdefault(
                    (name, kind), {"worker": [], "backend": [], "switches": [], "p50": []}
                )
                row["worker"].append((after_w[0] - before_w[0]) / n / 1000)
                row["backend"].append(Backends.spent(before_b, after_b) / n / 1000)
                row["switches"].append((after_w[1] - before_w[1]) / n)
                row["p50"].append(statistics.median(wall))
        if args.hold:
            print(
                f"serving on ports {[s.port for s in servers.values()]}, workers {[s.worker for s in servers.values()]}; Ctrl-C ends"
            )
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    finally:
        for server in servers.values():
            server.stop()

    print(f"{len(POLICIES)} policies, {len(request_body('crm-bot'))}-byte body, "
          f"{'SQLite' if args.sqlite else 'PostgreSQL'}; 1 worker x {args.threads} threads, "
          f"{args.clients} clients, {n} requests x {args.rounds} rounds per endpoint; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'code':5} {'endpoint':7} {'worker us':>10} {'backend us':>11} {'total us':>9} "
          f"{'(min total)':>11} {'ctx sw':>7} {'p50 ms':>7}")  # fmt: skip
    totals = {}
    for (name, kind), row in results.items():
        total = [w + b for w, b in zip(row["worker"], row["backend"], strict=True)]
        totals[name, kind] = (
            statistics.median(row["worker"]),
            statistics.median(row["backend"]),
            statistics.median(total),
            min(total),
        )
        print(f"{name:5} {kind:7} {statistics.median(row['worker']):10.0f} {statistics.median(row['backend']):11.0f} "
              f"{statistics.median(total):9.0f} {min(total):11.0f} {statistics.median(row['switches']):7.1f} "
              f"{statistics.median(row['p50']):7.2f}")  # fmt: skip
    for name in servers:
        w_c, b_c, t_c, m_c = totals[name, "check"]
        w_w, b_w, t_w, m_w = totals[name, "whoami"]
        print(f"{name}: CPU ratio check/whoami {t_c / t_w:.2f} (worker only {w_c / w_w:.2f}; "
              f"lowest rounds {m_c / m_w:.2f}); check spends {t_c - t_w:.0f} us more than whoami")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({f"{n}:{k}": v for (n, k), v in results.items()}, indent=1))


if __name__ == "__main__":
    main()
