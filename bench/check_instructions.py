"""Instructions per ``POST /api/v1/check`` and per ``GET /api/v1/whoami``, in-process, under callgrind.

``python bench/check_instructions.py [--calls 100] [--database execlave_bench_instructions]``

CPU time moves with the machine's load; instruction counts do not, so a cut of a few percent
shows here when ``bench/check_server_cpu.py`` cannot resolve it. This re-runs itself under
``valgrind --tool=callgrind`` with instrumentation off (Django's start, seeding
``bench/check.py``'s organisation on a fresh PostgreSQL database and a warm-up run at ~5x
slower, not ~50x), freezes the start-up heap as the app servers do, switches instrumentation on (``callgrind_control -i on``) around
``--calls`` requests of each endpoint through Django's test client, and reads the counts
callgrind dumps after each. The test client's own work is in both figures; the PostgreSQL
backend's is in neither (``bench/check_server_cpu.py`` reads its CPU).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess

from _common import callgrind_totals

INNER = "EXECLAVE_INSTRUCTIONS_INNER"


def _dump(label: str) -> None:
    subprocess.run(["callgrind_control", "-d", label, str(os.getpid())], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def inner(calls: int, database: str) -> None:
    from _common import django_on, recreate_database
    from check import request_body, seed

    django_on(recreate_database(database))
    key = seed()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")
    bodies = [request_body("crm-bot") for _ in range(calls + 50)]

    def check(body: bytes) -> None:
        response = client.post("/api/v1/check", data=body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]

    def whoami() -> None:
        assert client.get("/api/v1/whoami").status_code == 200

    for body in bodies[:50]:  # warm-up: imports, the model, caches, prepared statements
        check(body)
        whoami()
    # As the app servers do after start-up (config.startup): without it a full collection of
    # the ~200,000 start-up objects lands in one loop or the other.
    gc.collect()
    gc.freeze()
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    _dump("start")
    for _ in range(calls):
        whoami()
    _dump("whoami")
    for body in bodies[50:]:
        check(body)
    _dump("check")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--database", default="execlave_bench_instructions")
    args = parser.parse_args()
    if os.environ.get(INNER):
        inner(args.calls, args.database)
        return
    totals = callgrind_totals(
        [__file__, "--calls", str(args.calls), "--database", args.database],
        {**os.environ, INNER: "1"},
    )
    whoami, check = totals["whoami"] / args.calls, totals["check"] / args.calls
    print(f"instructions per request, in-process ({args.calls} calls each): whoami {whoami / 1e6:.3f} M, "
          f"check {check / 1e6:.3f} M; ratio check/whoami {check / whoami:.2f}; "
          f"check - whoami {(check - whoami) / 1e6:.3f} M")  # fmt: skip


if __name__ == "__main__":
    main()
