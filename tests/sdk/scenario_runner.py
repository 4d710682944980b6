"""Runs tests/sdk/scenarios.json with the Python SDK: ``python scenario_runner.py <phase>``.

Configured through EXECLAVE_* (base URL, key, agent, spool). Prints one JSON line:
``{scenario name: [{"trace_id": ..., "error": exception class or null}, ...]}``. The
``replay`` phase only flushes what an earlier process spooled. The Node twin is
sdk/typescript/test/scenario_runner.mjs; sdk/typescript/test/parity.test.mjs compares them.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from execlave import Execlave, ExeclaveError

TABLE = json.loads((Path(__file__).with_name("scenarios.json")).read_text())


def main() -> None:
    phase = sys.argv[1]
    clients: dict[str, Execlave] = {}

    def client(name: str) -> Execlave:
        if name not in clients:
            settings = TABLE["clients"][name]
            clients[name] = Execlave(
                fail_mode=settings["fail_mode"],
                batch_size=settings.get("batch_size"),
                approval_timeout=settings.get("approval_timeout"),
                timeout=10.0,
            )
        return clients[name]

    results: dict[str, list[dict]] = {}
    if phase == "replay":
        client("default").flush(timeout=20)
    for scenario in TABLE["scenarios"]:
        if scenario["phase"] != phase:
            continue
        ex = client(scenario.get("client", "default"))
        runs = results.setdefault(scenario["name"], [])
        for _ in range(scenario.get("repeat", 1)):
            trace_id = str(uuid.uuid4())
            error = None
            try:
                with ex.action(scenario["tool"], input=scenario["input"], trace_id=trace_id) as a:
                    a.record(
                        output=scenario["output"],
                        cost=scenario.get("cost"),
                        tokens=scenario.get("tokens"),
                    )
            except ExeclaveError as exc:
                error = type(exc).__name__
            runs.append({"trace_id": trace_id, "error": error})
    for ex in clients.values():
        ex.close(timeout=10)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
