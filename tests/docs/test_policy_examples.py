"""Every example threshold in docs/policies.md is one the server accepts for its type, and
every type has at least one."""

from __future__ import annotations

import json
import re

import pytest

from policies.evaluators import POLICY_TYPES
from policies.thresholds import ThresholdError, clean_threshold
from tests.docs.markdown import ROOT, prose_lines

POLICIES = ROOT / "docs" / "policies.md"


def examples() -> list[tuple[int, str, str]]:
    found = []
    for number, line in prose_lines(POLICIES.read_text(encoding="utf-8"), keep_code=True):
        match = re.match(r"^\| `(\w+)` \|", line)
        if match and match.group(1) in POLICY_TYPES:
            found += [
                (number, match.group(1), js) for js in re.findall(r"`(\{.*?\})`(?= \|)", line)
            ]
    return found


def test_every_type_has_an_example():
    assert {policy_type for _, policy_type, _ in examples()} == set(POLICY_TYPES)


@pytest.mark.parametrize(("line", "policy_type", "threshold"), examples())
def test_each_example_threshold_is_accepted(line, policy_type, threshold):
    try:
        clean_threshold(policy_type, json.loads(threshold))
    except ThresholdError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"docs/policies.md:{line}: {policy_type} {threshold}: {exc}")


def test_a_wrong_example_is_refused():
    with pytest.raises(ThresholdError):
        clean_threshold("cost_limit", {"max_cost_per_call": "-1"})
