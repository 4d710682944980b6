"""Legal deadlines: GDPR one calendar month (+2 once), CCPA 45 days (+45 once)."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from governance import deadlines
from governance import services as gov
from privacy import services as privacy


def at(*args):
    return datetime(*args, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (at(2025, 1, 31), at(2025, 2, 28), at(2025, 4, 30)),
        (at(2024, 1, 31), at(2024, 2, 29), at(2024, 4, 30)),  # leap year
        (at(2024, 2, 29), at(2024, 3, 29), at(2024, 5, 29)),
        (at(2025, 3, 31), at(2025, 4, 30), at(2025, 6, 30)),
        (at(2025, 11, 30), at(2025, 12, 30), at(2026, 2, 28)),  # across the year end
        (at(2025, 12, 31), at(2026, 1, 31), at(2026, 3, 31)),
        (at(2025, 5, 15), at(2025, 6, 15), at(2025, 8, 15)),
    ],
)
def test_gdpr_one_month_and_two_further_months(received, due, extended):
    assert deadlines.due_date(jurisdiction="gdpr", received_at=received) == due
    assert deadlines.due_date(jurisdiction="gdpr", received_at=received, extended=True) == extended


@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (at(2025, 1, 31), at(2025, 3, 17), at(2025, 5, 1)),
        (at(2024, 1, 31), at(2024, 3, 16), at(2024, 4, 30)),  # leap year: 29 February counts
        (at(2025, 12, 1), at(2026, 1, 15), at(2026, 3, 1)),
    ],
)
def test_ccpa_45_days_and_45_more(received, due, extended):
    assert deadlines.due_date(jurisdiction="ccpa", received_at=received) == due
    assert deadlines.due_date(jurisdiction="ccpa", received_at=received, extended=True) == extended


def test_unknown_jurisdiction_is_refused():
    with pytest.raises(ValueError):
        deadlines.due_date(jurisdiction="pipeda", received_at=at(2025, 1, 1))


def test_intake_sets_the_due_date_and_the_extension_works_once(org, owner):
    received = at(2025, 1, 31)
    request = gov.data_subject_request_create(
        organisation=org,
        kind="access",
        actor=owner,
        identifiers=[{"type": "email", "value": "ann@x.com"}],
        received_at=received,
    )
    assert request.due_at == at(2025, 2, 28)
    ccpa = gov.data_subject_request_create(
        organisation=org,
        kind="access",
        actor=owner,
        jurisdiction="ccpa",
        identifiers=[{"type": "email", "value": "ann@x.com"}],
        received_at=received,
    )
    assert ccpa.due_at == at(2025, 3, 17)

    with pytest.raises(ValidationError) as missing_reason:
        privacy.dsr_extend(request=request, actor=owner, reason=" ")
    assert "reason" in missing_reason.value.message_dict
    extended = privacy.dsr_extend(
        request=request, actor=owner, reason="Complex: 40 agents to search."
    )
    assert extended.status == "extended" and extended.due_at == at(2025, 4, 30)
    assert extended.extension_reason == "Complex: 40 agents to search."
    with pytest.raises(ValidationError):
        privacy.dsr_extend(request=extended, actor=owner, reason="again")
    extended_ccpa = privacy.dsr_extend(request=ccpa, actor=owner, reason="Volume.")
    assert extended_ccpa.due_at == at(2025, 5, 1)


def test_days_left_and_overdue(org, owner):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    request = gov.data_subject_request_create(
        organisation=org,
        kind="erasure",
        actor=owner,
        subject="ann@x.com",
        received_at=now - timedelta(days=40),
    )
    assert request.is_overdue() and request.days_left() < 0
    fresh = gov.data_subject_request_create(
        organisation=org, kind="erasure", actor=owner, subject="ann@x.com"
    )
    assert not fresh.is_overdue() and 27 <= fresh.days_left() <= 31


def test_intake_validates_everything_at_once(org, owner):
    with pytest.raises(ValidationError) as exc:
        gov.data_subject_request_create(
            organisation=org,
            kind="delete-everything",
            actor=owner,
            jurisdiction="mars",
            identifiers=[
                {"type": "email", "value": "not-an-email"},
                {"type": "phone", "value": "12"},
            ],
        )
    errors = exc.value.message_dict
    # each identifier at fault by its path, its value quoted (it was "#1: …" under "identifiers")
    assert set(errors) == {"kind", "jurisdiction", "identifiers[0].value", "identifiers[1].value"}
    assert errors["identifiers[0].value"] == ["'not-an-email' is not an e-mail address."]
    assert errors["identifiers[1].value"] == ["'12' is not a possible phone number."]
