"""An agent process for the restart and exit tests: ``python child_agent.py produce|replay N``.

Configured only through EXECLAVE_* variables (base URL, key, agent, spool path).
``produce N`` runs N governed tool calls and exits without calling flush() —
delivery at exit is the SDK's atexit hook's job. It prints the trace ids as JSON.
``replay`` builds a client and flushes: what a previous process spooled is sent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SDK_SRC = Path(__file__).resolve().parents[2] / "sdk" / "python" / "src"
try:
    import execlave  # noqa: F401
except ImportError:
    sys.path.insert(0, str(SDK_SRC))

from execlave import Execlave  # noqa: E402


def main() -> None:
    mode = sys.argv[1]
    client = Execlave()
    if mode == "produce":
        ids = []
        for i in range(int(sys.argv[2])):
            with client.action("orders.lookup", input={"order_id": i}) as action:
                action.record(
                    output=f"order {i}: shipped", cost=0.001, tokens={"prompt": 3, "completion": 4}
                )
            ids.append(action.trace_id)
        print(json.dumps({"trace_ids": ids, "ungoverned": action.ungoverned}))
    elif mode == "replay":
        delivered = client.flush(timeout=20)
        print(json.dumps({"delivered": delivered, "stats": client.stats()}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
