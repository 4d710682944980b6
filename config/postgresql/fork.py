"""Keeps the per-process PostgreSQL pool safe across ``fork()``.

A forked child (django-q2's workers, ``verify_ledger``'s parallel verifiers) inherits the
parent's open sockets. Used from the child they interleave with the parent's traffic ("lost
synchronization with server"); merely closed there, libpq sends the server a Terminate on
them and ends the *parent's* sessions. So the child points each inherited socket at
/dev/null, keeps the connection objects referenced so they are never finalised, and forgets
the pools: its first query opens a pool of its own.
"""

from __future__ import annotations

import os

_inherited: list = []  # the parent's pools and connections, never used or finalised here
_installed = False


def _detach_in_child() -> None:
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    pools = list(DatabaseWrapper._connection_pools.values())
    DatabaseWrapper._connection_pools.clear()
    inherited = [conn for pool in pools for conn in getattr(pool, "_pool", ())]  # idle ones
    for wrapper in connections.all(initialized_only=True):
        if wrapper.vendor == "postgresql" and wrapper.connection is not None:
            inherited.append(wrapper.connection)
            wrapper.connection = None
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for conn in inherited:
            try:
                os.dup2(devnull, conn.fileno())
            except Exception:  # noqa: BLE001, S112 — already closed: nothing to detach
                continue
    finally:
        os.close(devnull)
    _inherited.extend(pools)
    _inherited.extend(inherited)


def install_fork_guard() -> None:
    global _installed
    if not _installed and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_detach_in_child)
        _installed = True
