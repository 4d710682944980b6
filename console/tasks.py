"""django-q2 tasks: take ids, call a service."""

from __future__ import annotations

from . import services


def integrity_check_run(check_id: int) -> None:
    services.integrity_check_run(check_id=check_id)
