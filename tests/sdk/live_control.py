"""The test's hands inside the live server's database.

Run by ``live.py`` with the server's interpreter and settings, as a long-lived
process reading one JSON command per line on stdin and answering one JSON line
on stdout. It does what a person would do through the console (create the
organisation and keys, decide an approval) by calling the same services the
console calls, and reads the ledger to count entries.

``python tests/sdk/live_control.py prepare-db`` creates the PostgreSQL
database named in DATABASE_URL afresh, ``drop-db`` drops it (no-ops on SQLite).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.databases import recreate_database_at  # noqa: E402


def prepare_db(*, create: bool = True) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        recreate_database_at(url, create=create)


def main() -> None:
    if sys.argv[1:] == ["prepare-db"]:
        prepare_db()
        return
    if sys.argv[1:] == ["drop-db"]:
        prepare_db(create=False)
        return
    import django

    django.setup()
    from tests.sdk import live_commands

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            result = getattr(live_commands, request["command"])(**request.get("args", {}))
            answer = {"ok": True, "result": result}
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails with it
            answer = {
                "ok": False,
                "error": f"{exc.__class__.__name__}: {exc}",
                "traceback": traceback.format_exc(),
            }
        sys.stdout.write(json.dumps(answer, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
