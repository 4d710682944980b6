#!/usr/bin/env bash
# Serve the app and the django-q2 worker together (scripts/serve.py supervises both).
# With a terminal, the supervisor runs as the terminal's foreground job, so Ctrl-C reaches it
# alone — not make — and it stops both children, says so in one line and exits 0.
set -u
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
LOGINS=${3:-}
PY=.venv/bin/python
ARGS=("$HOST" "$PORT")
[ -n "$LOGINS" ] && ARGS+=(--logins "$LOGINS")
if [ -t 0 ] && [ -t 1 ]; then
  set -m
  $PY scripts/serve.py "${ARGS[@]}" &
  fg %1 >/dev/null
else
  exec $PY scripts/serve.py "${ARGS[@]}"
fi
