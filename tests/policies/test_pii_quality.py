"""Quality gates for the PII detector on generated sets (seeded): recall per type on
identifiers in ordinary sentences, and false positives on near misses per category.

Two seeds: 7 is the set the detector was developed against, 1234 a held-out draw of the
same generators (bench/detection.py prints both).
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pytest

from policies.detectors.pii import find_pii
from tests.policies.pii_sets import PII_EVAL_TYPES, near_misses, positives

RECALL_FLOOR = 0.99
NEAR_MISS_FP_CEILING = 0.01
SEEDS = (7, 1234)


@cache
def _recall(seed: int) -> dict[str, float]:
    found: dict[str, list[bool]] = defaultdict(list)
    for text, pii_type, value in positives(seed):
        start = text.index(value)
        end = start + len(value)
        found[pii_type].append(
            any(m.type == pii_type and m.start < end and start < m.end for m in find_pii(text))
        )
    return {t: sum(v) / len(v) for t, v in found.items()}


@cache
def _near_miss_fp(seed: int) -> dict[str, float]:
    flagged: dict[str, list[bool]] = defaultdict(list)
    for text, category in near_misses(seed):
        flagged[category].append(bool(find_pii(text, types=PII_EVAL_TYPES)))
    return {c: sum(v) / len(v) for c, v in flagged.items()}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pii_type", PII_EVAL_TYPES)
def test_recall_per_type(seed, pii_type):
    assert _recall(seed)[pii_type] >= RECALL_FLOOR, _recall(seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_near_misses_are_not_pii(seed):
    rates = _near_miss_fp(seed)
    assert set(rates) >= {
        "luhn_invalid_card",
        "malformed_ssn",
        "iban_wrong_check",
        "version_number",
        "order_id",
        "timestamp",
    }
    for category, rate in rates.items():
        assert rate <= NEAR_MISS_FP_CEILING, (category, rate)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Phone: (909)451-3674x3081", "(909)451-3674x3081"),  # extension, no space
        ("Call me on 9094513674 tonight", "9094513674"),  # bare ten digits after a keyword
        ("+44(0)115 4960914 is the office", "+44(0)115 4960914"),
        ("mobile 080-9141-7776", "080-9141-7776"),
    ],
)
def test_phone_formats_from_the_issue(text, value):
    assert [text[m.start : m.end] for m in find_pii(text) if m.type == "phone"] == [value]


@pytest.mark.parametrize(
    "number",
    [
        "501811524492",  # Maestro, 12 digits
        "213190926685878",  # JCB, 15 digits
        "3528000000000007",  # JCB, 16
        "6200000000000005",  # UnionPay, 16
        "30569309025904",  # Diners, 14
        "2223000048400011",  # Mastercard 2-series
        "6759649826438453",  # Maestro UK, 16
    ],
)
def test_every_brand_at_its_real_length(number):
    text = f"Please charge card {number} today"
    assert [m.type for m in find_pii(text)] == ["credit_card"], number
