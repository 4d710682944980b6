"""What does governing a tool cost the agent? ``python bench/sdk.py [--calls N]``

Compares a wrapped no-op tool with the bare function:

1. server up   — a live Execlave server (uvicorn, SQLite, started here as the SDK
                 tests start it) and one allow policy; the added latency per call
                 is set against the check endpoint's own latency measured with the
                 same keep-alive HTTP client, so what the SDK adds on top of the
                 round trip is visible.
2. server down — fail-open with the circuit breaker open (the server's port is
                 closed): the goal is well under 1 ms per call.

Prints medians and p95 in microseconds and the ratios against the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "sdk" / "python" / "src"))

from execlave import Execlave  # noqa: E402
from execlave.transport import Transport  # noqa: E402

console = Console()


def noop(x: int) -> int:
    return x


def timed(fn, calls: int, label: str) -> list[float]:
    samples = []
    for i in track(range(calls), description=label, console=console, transient=True):
        t = time.perf_counter_ns()
        fn(i)
        samples.append((time.perf_counter_ns() - t) / 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (
        statistics.median(ordered),
        ordered[int(len(ordered) * 0.95) - 1],
        statistics.fmean(ordered),
    )


def bench_down(calls: int, spool: Path | bool) -> dict[str, list[float]]:
    client = Execlave(
        api_key="exk_bench",
        agent="bench-bot",
        base_url="http://127.0.0.1:9",
        timeout=0.5,
        spool_path=spool,
        breaker_cooldown=3600,
        max_queue_size=200_000,
        environ={},
    )
    governed = client.tool("bench.noop")(noop)
    for _ in range(client.settings.breaker_threshold):
        governed(0)  # the refused connections that open the breaker
    assert client.stats()["breaker"] == "open"
    samples = timed(governed, calls, "fail-open, breaker open")

    async def run_async() -> list[float]:
        agoverned = client.tool("bench.anoop")(_anoop)
        out = []
        for i in range(calls // 4):
            t = time.perf_counter_ns()
            await agoverned(i)
            out.append((time.perf_counter_ns() - t) / 1000)
        return out

    async_samples = asyncio.run(run_async())
    client.close(timeout=5)
    return {"sync": samples, "async": async_samples}


async def _anoop(x: int) -> int:
    return x


def bench_up(calls: int) -> dict[str, list[float]] | str:
    from tests.sdk.live import LiveServer

    server = LiveServer()
    try:
        with console.status("starting a live Execlave server (migrate + uvicorn)…"):
            server.prepare()
            server.start()
            keys = server.control("setup", slug="bench", agent="bench-bot")
        status, _ = server.api("POST", "/api/v1/check", key=keys["sdk_key"], payload={})
        if status == 404:
            return "POST /api/v1/check is not served by this checkout"
        transport = Transport(server.base_url, keys["sdk_key"], timeout=5)

        def raw_check(i: int) -> None:
            resp = transport.request(
                "POST",
                "/api/v1/check",
                payload={
                    "trace_id": str(uuid.uuid4()),
                    "agent": "bench-bot",
                    "tool": "bench.noop",
                    "input": {"x": i},
                },
            )
            assert resp.status == 200, resp.body

        for i in range(20):
            raw_check(i)  # warm up: policy cache, connection
        check = timed(raw_check, calls, "check endpoint alone")

        client = Execlave(
            api_key=keys["sdk_key"],
            agent="bench-bot",
            base_url=server.base_url,
            spool_path=Path(tempfile.mkdtemp()) / "spool.sqlite3",
            environ={},
        )
        governed = client.tool("bench.noop")(noop)
        for i in range(20):
            governed(i)
        wrapped = timed(governed, calls, "wrapped no-op, server up")
        flushed = client.flush(timeout=30)
        client.close()
        return {"check": check, "wrapped": wrapped, "flushed": [float(flushed)]}
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=20_000, help="calls per fail-open series")
    parser.add_argument(
        "--server-calls", type=int, default=1_000, help="calls per server-up series"
    )
    parser.add_argument("--skip-server", action="store_true", help="only the server-down series")
    parser.add_argument(
        "--json", action="store_true", help="also print the medians and p95 as one JSON line"
    )
    args = parser.parse_args()

    bare = timed(noop, args.calls, "bare function")
    b_med, b_p95, b_mean = summary(bare)

    table = Table(title="execlave SDK overhead (µs per call)")
    for column in ("series", "median", "p95", "mean", "vs bare (median)"):
        table.add_column(column, justify="right" if column != "series" else "left")
    table.add_row("bare no-op function", f"{b_med:.2f}", f"{b_p95:.2f}", f"{b_mean:.2f}", "1×")
    figures: dict[str, dict[str, float]] = {"bare": {"median": b_med, "p95": b_p95}}

    for label, spool in (
        ("fail-open, breaker open, SQLite spool", None),
        ("fail-open, breaker open, no spool", False),
    ):
        down = bench_down(
            args.calls, spool if spool is not None else Path(tempfile.mkdtemp()) / "spool.sqlite3"
        )
        for kind, samples in down.items():
            med, p95, mean = summary(samples)
            figures[f"{label} ({kind})"] = {"median": med, "p95": p95}
            table.add_row(
                f"{label} ({kind})",
                f"{med:.2f}",
                f"{p95:.2f}",
                f"{mean:.2f}",
                f"{med / b_med:.0f}×",
            )

    notes = []
    if not args.skip_server:
        up = bench_up(args.server_calls)
        if isinstance(up, str):
            notes.append(f"server up: skipped — {up}")
        else:
            c_med, c_p95, c_mean = summary(up["check"])
            w_med, w_p95, w_mean = summary(up["wrapped"])
            figures["check"] = {"median": c_med, "p95": c_p95}
            figures["wrapped, server up"] = {"median": w_med, "p95": w_p95}
            table.add_row(
                "check endpoint alone (HTTP round trip)",
                f"{c_med:.0f}",
                f"{c_p95:.0f}",
                f"{c_mean:.0f}",
                "",
            )
            table.add_row(
                "wrapped no-op, server up",
                f"{w_med:.0f}",
                f"{w_p95:.0f}",
                f"{w_mean:.0f}",
                f"{w_med / b_med:.0f}×",
            )
            notes.append(
                f"server up: the wrapper adds {w_med - b_med:.0f} µs per call (median); the check round trip "
                f"alone is {c_med:.0f} µs, so the SDK's own work is {w_med - c_med:+.0f} µs "
                f"({(w_med / c_med - 1) * 100:+.1f}% over the check). Traces delivered: {bool(up['flushed'][0])}."
            )
    console.print(table)
    for note in notes:
        console.print(note)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
