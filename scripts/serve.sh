#!/usr/bin/env bash
# Serve the app and the django-q2 worker together; Ctrl-C (or either one exiting) stops both.
set -u
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
PY=.venv/bin/python
trap 'kill 0 2>/dev/null' INT TERM EXIT
$PY manage.py qcluster &
$PY -m uvicorn config.asgi:application --host "$HOST" --port "$PORT" --log-level warning &
wait -n
