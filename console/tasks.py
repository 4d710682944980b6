"""django-q2 tasks: take ids, call a service."""

from __future__ import annotations

from . import rollups, services


def integrity_check_run(check_id: int) -> None:
    services.integrity_check_run(check_id=check_id)


def rollup_advance(organisation_id: int) -> int:
    from governance.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    return 0 if organisation is None else rollups.rollup_advance(organisation=organisation)


def rollup_advance_all() -> int:
    return rollups.rollup_advance_all()
