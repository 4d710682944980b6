"""Does a crowd of agents waiting for approval slow down everyone else?

Serves the app the way production does (uvicorn, ASGI), then measures ``POST /api/v1/check``
latency side by side: without, and with N agents (200 by default) long-polling
``GET /api/v1/approvals/<id>?wait=60`` the whole time. Goal: p99 with waiters <= 2x p99 without.
It also reports how quickly a decision reaches a waiting agent and, on PostgreSQL, how many
database connections the waiters hold.

    .venv/bin/python bench/approvals.py                     # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/execlave_bench_approvals \\
        .venv/bin/python bench/approvals.py                 # PostgreSQL (database recreated)
    .venv/bin/python bench/approvals.py --requests 4000 --concurrency 16 --waiters 200 --rounds 3

Rounds alternate (without, with, without, with, ...) so drift affects both sides alike.
The database and the server are set up by ``_approvals_server.py``; the load (the /check
clients, the waiting agents, the sampler) comes from ``_approvals_load.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _approvals_load import Sampler, Waiters, check_load, server_threads, wake_latency
from _approvals_server import Server, migrate, recreate_database, seed, setup_django
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
console = Console()


# --- report --------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="checks per round and side")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent /check clients")
    parser.add_argument("--waiters", type=int, default=200, help="agents long-polling at once")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--server",
        choices=["uvicorn", "gunicorn-gthread"],
        default="uvicorn",
        help="gunicorn-gthread (WSGI) only to show why the app is served by ASGI",
    )
    args = parser.parse_args()

    database = recreate_database()
    console.print(
        f"[bold]Approvals long-poll benchmark[/] on {database}, {args.server} x{args.workers}"
    )
    migrate()
    setup_django()
    key, approval_ids = seed(args.waiters)

    server = Server(args.workers, args.server)
    results = {
        "without": {"latencies": [], "errors": {}, "wall": 0.0},
        "with": {"latencies": [], "errors": {}, "wall": 0.0},
    }
    peaks: dict[str, dict[str, int | None]] = {"without": {}, "with": {}}
    wake: list[float] = []
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            check_load(server.port, key, 200, args.concurrency)  # warm-up
            idle_threads = server_threads(server.process.pid)
            for round_no in range(1, args.rounds + 1):
                for side in ("without", "with"):
                    progress.console.print(
                        f"round {round_no}: {side} {args.waiters} waiting agents"
                    )
                    waiters = None
                    if side == "with":
                        waiters = Waiters(server.port, key, approval_ids)
                        waiters.wait_connected()
                    sampler = Sampler(server.process.pid)
                    sampler.start()
                    outcome = check_load(
                        server.port, key, args.requests, args.concurrency, progress
                    )
                    sampler.stop()
                    peak = peaks[side]
                    peak["threads"] = max(peak.get("threads") or 0, sampler.threads)
                    if sampler.connections is not None:
                        peak["connections"] = max(peak.get("connections") or 0, sampler.connections)
                    if waiters is not None:
                        peak["polls"] = (peak.get("polls") or 0) + waiters.polls
                    results[side]["latencies"] += outcome["latencies"]
                    results[side]["wall"] += outcome["wall"]
                    for k, v in outcome["errors"].items():
                        results[side]["errors"][k] = results[side]["errors"].get(k, 0) + v
                    if waiters is not None:
                        progress.console.print(f"  waiters: {waiters.summary()}")
                        if round_no == args.rounds:
                            progress.console.print("deciding every waited-on request …")
                            wake = wake_latency(waiters, approval_ids)
                        waiters.stop()
                        # The server notices a vanished client only when the wait ends; let
                        # those waits run out so the next "without" side really has none.
                        settle_until = time.monotonic() + 40
                        while (
                            server_threads(server.process.pid)
                            > idle_threads + args.concurrency + 10
                            and time.monotonic() < settle_until
                        ):
                            time.sleep(0.5)
    finally:
        server.stop()

    table = Table(
        title=f"POST /api/v1/check — {args.requests * args.rounds} calls per side, {args.concurrency} concurrent clients"
    )
    table.add_column("")
    table.add_column("without waiters", justify="right")
    table.add_column(f"with {args.waiters} long-polls", justify="right")
    table.add_column("ratio", justify="right")
    for label, q in (("p50 ms", 50), ("p95 ms", 95), ("p99 ms", 99)):
        a, b = pct(results["without"]["latencies"], q), pct(results["with"]["latencies"], q)
        table.add_row(label, f"{a:.1f}", f"{b:.1f}", f"{b / a:.2f}x")
    a, b = max(results["without"]["latencies"]), max(results["with"]["latencies"])
    table.add_row("max ms", f"{a:.1f}", f"{b:.1f}", f"{b / a:.2f}x")
    ta = len(results["without"]["latencies"]) / results["without"]["wall"]
    tb = len(results["with"]["latencies"]) / results["with"]["wall"]
    table.add_row("throughput /s", f"{ta:.0f}", f"{tb:.0f}", f"{tb / ta:.2f}x")
    table.add_row(
        "failed checks",
        str(sum(results["without"]["errors"].values())),
        str(sum(results["with"]["errors"].values())),
        "",
    )
    table.add_row(
        "server threads (peak)", str(peaks["without"]["threads"]), str(peaks["with"]["threads"]), ""
    )
    if peaks["with"].get("connections") is not None:
        table.add_row(
            "DB connections (peak)",
            str(peaks["without"]["connections"]),
            str(peaks["with"]["connections"]),
            "",
        )
    console.print(table)
    if wake:
        console.print(
            f"Decision -> waiting agent: p50 {statistics.median(wake):.0f} ms, p99 {pct(wake, 99):.0f} ms, "
            f"max {max(wake):.0f} ms ({len(wake)}/{len(approval_ids)} agents woken; decided from another "
            "process, so each waiter learns it at its server's next watcher tick)."
        )
    for side in ("without", "with"):
        if results[side]["errors"]:
            console.print(f"[red]{side}: non-2xx or failed checks {results[side]['errors']}")
    ratio = pct(results["with"]["latencies"], 99) / pct(results["without"]["latencies"], 99)
    verdict = "[green]meets[/]" if ratio <= 2 else "[red]misses[/]"
    console.print(f"p99 ratio {ratio:.2f}x — {verdict} the goal of <= 2x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
