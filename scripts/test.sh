#!/usr/bin/env bash
# Runs the suite on SQLite, then again on PostgreSQL when a server is reachable
# (DATABASE_URL, or the local one at 127.0.0.1:5432). Fails if either pass fails.
set -u
PY=.venv/bin/python
PYTEST=".venv/bin/pytest"
PG_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/execlave}

pg_reachable() {
  $PY - "$PG_URL" <<'PYEOF' >/dev/null 2>&1
import sys, psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
psycopg.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                password=u.password, dbname="postgres", connect_timeout=3).close()
PYEOF
}

status=0
if pg_reachable; then run_pg=1; else
  run_pg=0
  echo "NOTE: no PostgreSQL reachable at $PG_URL — the PostgreSQL pass is SKIPPED (set DATABASE_URL to run it)."
fi

echo "=== Test pass 1/2: SQLite ==="
env -u DATABASE_URL $PYTEST "$@" || status=1

if [ "$run_pg" = 1 ]; then
  echo "=== Test pass 2/2: PostgreSQL ($PG_URL) ==="
  DATABASE_URL="$PG_URL" $PYTEST "$@" || status=1
fi
exit $status
