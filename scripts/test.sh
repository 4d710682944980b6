#!/usr/bin/env bash
# Runs the suite on SQLite and on PostgreSQL (DATABASE_URL, or the local server at 127.0.0.1:5432)
# — the two passes side by side, two xdist workers each — then prints both logs, SQLite first, so the
# output ends with pytest's summary line. Fails if either pass fails. Tests marked
# sqlite_pass_only (the detectors' ~2,000 database-free tests in tests/policies and a few
# other modules', marked by tests/conftest.py; the axe walk; SDK behaviour that does not depend on the server's database) run in the
# SQLite pass only: the PostgreSQL pass deselects them (ONCE).
# Extra arguments go to both pytest runs (e.g. `make test ARGS="-k ledger"`).
set -u
PY=.venv/bin/python
PYTEST=".venv/bin/pytest"
# Two xdist workers per pass (four processes on the two cores): a lone worker sits idle while its
# test waits on a browser, a server or a timer, so one process per pass left a third of the CPU
# unused (session 23: 18.5 min of CPU in 14.5 min of wall). TEST_WORKERS=0 runs each pass in one process.
WORKERS=${TEST_WORKERS:-2}
PG_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/execlave}
mkdir -p var
SQLITE_LOG=var/test-sqlite.log
PG_LOG=var/test-postgres.log

pg_reachable() {
  $PY - "$PG_URL" <<'PYEOF' >/dev/null 2>&1
import sys, psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
psycopg.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                password=u.password, dbname="postgres", connect_timeout=3).close()
PYEOF
}

if pg_reachable; then run_pg=1; else
  run_pg=0
  echo "NOTE: no PostgreSQL reachable at $PG_URL — the PostgreSQL pass is SKIPPED (set DATABASE_URL to run it)."
fi

# One pass: the main suite, then the SDK's framework adapters from their own venv (.venv-sdk),
# against the same database.
ONCE=()  # the SQLite pass runs every test; the PostgreSQL pass sets -m "not sqlite_pass_only"
adapters() {
  EXECLAVE_REQUIRE_FRAMEWORKS=1 .venv-sdk/bin/pytest tests/sdk/adapters --confcutdir=tests/sdk \
    -p no:cacheprovider -q -W ignore::pytest.PytestConfigWarning -W ignore::DeprecationWarning \
    "${ONCE[@]}"
}
one_pass() {
  local rc=0
  echo "--- SDK framework adapters (.venv-sdk) ---"
  adapters || rc=1
  echo "--- main suite ---"
  $PYTEST -n "$WORKERS" "${ONCE[@]}" "$@" || rc=1
  return $rc
}

# The TypeScript SDK: build it, then its node --test suite against a live server on SQLite
# (sdk/typescript/test/run.mjs starts it, DATABASE_URL unset). Runs before the main suite of the
# PostgreSQL pass, which is ~1.5 min the shorter (the detectors' tests run in the SQLite pass
# only), so the two passes end together; in the SQLite pass when PostgreSQL is not there.
typescript_sdk() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIPPED: the TypeScript SDK tests need Node.js >= 18 and npm, and neither is installed here."
    return 0
  fi
  if [ ! -d sdk/typescript/node_modules ]; then
    (cd sdk/typescript && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
  echo "--- TypeScript SDK (sdk/typescript): npm run build, npm test ---"
  (cd sdk/typescript && npm run --silent build && npm test --silent)
}

start=$(date +%s)
( unset DATABASE_URL; rc=0; [ "$run_pg" = 1 ] || typescript_sdk || rc=1; one_pass "$@" || rc=1; exit $rc ) >"$SQLITE_LOG" 2>&1 &
sqlite_pid=$!
if [ "$run_pg" = 1 ]; then
  echo "Running the SQLite and PostgreSQL passes in parallel (logs: $SQLITE_LOG, $PG_LOG)…"
  # Tests marked sqlite_pass_only give the same answers on both: the SQLite pass runs them.
  ( rc=0; (unset DATABASE_URL; typescript_sdk) || rc=1
    export DATABASE_URL="$PG_URL"; ONCE=(-m "not sqlite_pass_only"); one_pass "$@" || rc=1; exit $rc
  ) >"$PG_LOG" 2>&1 &
  pg_pid=$!
else
  echo "Running the SQLite pass (log: $SQLITE_LOG)…"
fi

status=0
wait $sqlite_pid || status=1
[ "$run_pg" = 1 ] && { wait $pg_pid || status=1; }
echo "(both passes took $(( $(date +%s) - start )) s of wall time)"
echo "=== Test pass 1/2: SQLite ==="
cat "$SQLITE_LOG"
if [ "$run_pg" = 1 ]; then
  echo "=== Test pass 2/2: PostgreSQL ($PG_URL) ==="
  cat "$PG_LOG"
fi
exit $status
