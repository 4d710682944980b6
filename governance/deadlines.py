"""Legal deadlines of data-subject requests, as pure functions.

* GDPR Art. 12(3): "without undue delay and in any event within one month of receipt",
  extendable once "by two further months where necessary". A month is a calendar month; a
  date that does not exist in the target month falls on its last day (31 January + 1 month
  is 28 February, or 29 in a leap year). The extension counts from receipt (three months),
  so a request received on 31 January is due on 30 April, not on 28 April.
* CCPA/CPRA (Cal. Civ. Code 1798.130(a)(2); regulations § 7021): 45 calendar days from
  receipt, extendable once by a further 45 days (90 days from receipt).
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

GDPR = "gdpr"
CCPA = "ccpa"


def add_months(value: datetime, months: int) -> datetime:
    """``value`` moved by whole calendar months, clamped to the end of a shorter month."""
    month_index = value.month - 1 + months
    year = value.year + month_index // 12
    month = month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def due_date(*, jurisdiction: str, received_at: datetime, extended: bool = False) -> datetime:
    if jurisdiction == GDPR:
        return add_months(received_at, 3 if extended else 1)
    if jurisdiction == CCPA:
        return received_at + timedelta(days=90 if extended else 45)
    raise ValueError(f"unknown jurisdiction {jurisdiction!r}")


EXTENSION_TEXT = {GDPR: "two further months", CCPA: "a further 45 days"}
