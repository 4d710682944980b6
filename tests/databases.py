"""A fresh PostgreSQL database by URL: for the SDK's live server (``tests/sdk/live_control.py``)
and the benchmarks (``bench/_common.py``), which each run on a database of their own."""

from __future__ import annotations

from urllib.parse import urlparse

import psycopg


def recreate_database_at(url: str, *, create: bool = True) -> None:
    """Drop the database a PostgreSQL URL names, on the server it names (the local one, as user
    postgres, for what the URL leaves out), and create it afresh unless ``create=False``."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
