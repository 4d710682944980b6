"""The durable on-disk spool: traces the server could not take yet.

A SQLite file (WAL, ``synchronous=FULL``) with one FIFO per *stream* — a
stream is one (server, API key) pair, identified by a hash so the key itself
is never written to disk. Rows are read oldest first and deleted only after
the server acknowledged them, so a crash between send and delete re-sends a
batch that the server then recognises by ``trace_id`` (idempotent ingest):
nothing is lost and nothing is stored twice.

When the file holds more than ``max_bytes`` of trace bodies the configured
policy applies: ``drop_oldest`` (default) deletes the oldest rows to make
room — recent activity is usually what an investigation needs, and the
agent keeps its memory bounded — while ``drop_newest`` refuses the new rows
and keeps the backlog intact. Either way a warning is logged and the count is
kept in ``dropped`` so the loss is visible, never silent.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger("execlave")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spooled_trace (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    body TEXT NOT NULL,
    size INTEGER NOT NULL,
    spooled_at REAL NOT NULL,
    UNIQUE (stream, trace_id)
);
CREATE INDEX IF NOT EXISTS spooled_trace_stream_id ON spooled_trace (stream, id);
"""


class Spool:
    def __init__(self, path: Path, *, stream: str, max_bytes: int, full_policy: str) -> None:
        self.path = path
        self.stream = stream
        self.max_bytes = max_bytes
        self.full_policy = full_policy
        self.dropped = 0
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            str(self.path), timeout=30.0, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(_SCHEMA)
        return conn

    def reopen(self) -> None:
        """After a fork: the parent's connection must not be used by the child."""
        self._lock = threading.Lock()
        self._conn = self._open()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def pending(self) -> int:
        with self._lock:
            (n,) = self._conn.execute(
                "SELECT COUNT(*) FROM spooled_trace WHERE stream = ?", (self.stream,)
            ).fetchone()
        return int(n)

    def append(self, items: Iterable[tuple[str, str]]) -> int:
        """Store (trace_id, json body) pairs at the tail; returns how many were stored."""
        rows = [(self.stream, tid, body, len(body), time.time()) for tid, body in items]
        if not rows:
            return 0
        incoming = sum(r[3] for r in rows)
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                (used,) = conn.execute(
                    "SELECT COALESCE(SUM(size), 0) FROM spooled_trace"
                ).fetchone()
                overflow = used + incoming - self.max_bytes
                if overflow > 0:
                    if self.full_policy == "drop_newest":
                        kept, room = [], self.max_bytes - used
                        for row in rows:
                            if row[3] <= room:
                                kept.append(row)
                                room -= row[3]
                        refused = len(rows) - len(kept)
                        rows = kept
                        self._note_drop(refused, "refused new traces (drop_newest)")
                    else:
                        removed, freed = self._drop_oldest(conn, overflow)
                        while rows and freed < overflow:  # the new batch alone is too big
                            freed += rows.pop(0)[3]
                            removed += 1
                        self._note_drop(removed, "dropped the oldest traces (drop_oldest)")
                before = conn.total_changes
                conn.executemany(
                    "INSERT OR IGNORE INTO spooled_trace (stream, trace_id, body, size, spooled_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
                stored = conn.total_changes - before
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return stored

    def _drop_oldest(self, conn: sqlite3.Connection, overflow: int) -> tuple[int, int]:
        removed = freed = 0
        for row_id, size in conn.execute(
            "SELECT id, size FROM spooled_trace ORDER BY id"
        ).fetchall():
            if freed >= overflow:
                break
            conn.execute("DELETE FROM spooled_trace WHERE id = ?", (row_id,))
            freed += size
            removed += 1
        return removed, freed

    def _note_drop(self, count: int, what: str) -> None:
        if count:
            self.dropped += count
            logger.warning(
                "execlave spool %s is full (%d bytes): %s, %d trace(s) lost",
                self.path,
                self.max_bytes,
                what,
                count,
            )

    def head(self, limit: int) -> list[tuple[int, str, str]]:
        """The oldest ``limit`` rows of this stream: (row id, trace_id, body)."""
        with self._lock:
            return self._conn.execute(
                "SELECT id, trace_id, body FROM spooled_trace WHERE stream = ? ORDER BY id LIMIT ?",
                (self.stream, limit),
            ).fetchall()

    def remove(self, row_ids: list[int]) -> None:
        if not row_ids:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "DELETE FROM spooled_trace WHERE id = ?", [(i,) for i in row_ids]
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
