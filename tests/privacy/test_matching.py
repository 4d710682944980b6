"""Exact matching: recall and precision on values nested in JSON, near-misses included."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy.matching import ERASED, find, needle_for, redact

EMAIL = needle_for({"type": "email", "value": "Ann@X.com", "normalised": "ann@x.com"})
PHONE = needle_for({"type": "phone", "value": "+1 (909) 451-3674", "normalised": "+19094513674"})
CUSTOMER = needle_for({"type": "customer_id", "value": "C-1001", "normalised": "C-1001"})
ALL = [EMAIL, PHONE, CUSTOMER]


@pytest.mark.parametrize(
    "text",
    [
        "ann@x.com",
        "ANN@X.COM",
        "Write to ann@x.com.",
        "<ann@x.com>",
        "mailto:ann@x.com",
        "9094513674",
        "+1 (909) 451-3674",
        "(909) 451-3674",
        "909.451.3674",
        "1-909-451-3674",
        "+19094513674",
        "call 909 451 3674 after 5",
        "C-1001",
        "customer C-1001, gold",
    ],
)
def test_matches(text):
    assert find({"deep": [{"x": {"y": text}}]}, ALL), text


@pytest.mark.parametrize(
    "text",
    [
        "joann@x.com",
        "jo.ann@x.com",
        "ann@x.com.au",
        "ann@x.company",
        "ann@y.com",
        "+44 909 451 3674",
        "190945136745",
        "90945136749",
        "C-10011",
        "XC-1001",
        "c-1001",
        "C-100",
    ],
)
def test_near_misses_do_not_match(text):
    assert find({"v": text}, ALL) == [], text


def test_paths_whole_values_and_numbers():
    value = {
        "to": "ann@x.com",
        "rows": [{"phone": 9094513674}, {"note": "ring +1 909 451 3674"}],
        "count": 9094513674.5,
    }
    hits = {(h.path, h.needle.kind, h.whole) for h in find(value, ALL, "input")}
    assert hits == {
        ("input.to", "email", True),
        ("input.rows[0].phone", "phone", True),
        ("input.rows[1].note", "phone", False),
    }


def test_redact_replaces_exactly_the_values():
    value = {
        "to": "ann@x.com",
        "cc": "joann@x.com",
        "body": "Dear Ann (ann@x.com), your order C-1001 ships. Joann: joann@x.com",
        "n": [9094513674, 12],
        "flag": True,
    }
    redacted, count = redact(value, ALL)
    assert count == 4
    assert redacted == {
        "to": ERASED,
        "cc": "joann@x.com",
        "body": f"Dear Ann ({ERASED}), your order {ERASED} ships. Joann: joann@x.com",
        "n": [ERASED, 12],
        "flag": True,
    }


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz.@-_ 0123456789", max_size=30),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz.@-_ 0123456789", max_size=30),
)
def test_a_token_between_separators_is_found_and_erased(prefix, suffix):
    text = f"{prefix} ann@x.com {suffix}"
    hits = find(text, [EMAIL])
    assert hits
    redacted, count = redact(text, [EMAIL])
    assert "ann@x.com" not in redacted.replace("joann@x.com", "")
    assert count == len(hits)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=10))
def test_a_longer_identifier_is_never_matched(extra):
    assert find(f"{extra}ann@x.com", [EMAIL]) == []
    assert find(f"C-1001{extra}", [CUSTOMER]) == []


_PIECES = st.sampled_from(
    [
        "ann@x.com",
        "ANN@X.COM",
        "joann@x.com",
        "+1 (909) 451-3674",
        "909.451.3674",
        "9094513674",
        "C-1001",
        " ",
        ".",
        ",",
        "\n",
        '"',
        "\\",
        "-",
        "(",
        "x",
        "7",
        "é",
    ]
)


@given(st.lists(_PIECES, max_size=8).map("".join), st.sampled_from(["str", "num", "nested"]))
def test_the_index_finds_every_exact_match(text, shape):
    """The identifier index's recall is a superset of the exact rules: whenever a needle
    matches a value, the value's canonical text carries the needle's key."""
    from privacy.matching import index_keys_text, needle_key
    from traces import chain

    value = {"s": text} if shape == "str" else {"n": [{"deep": text}]}
    if shape == "num":
        digits = "".join(c for c in text if c.isdigit())[:15]
        value = {"n": int(digits)} if digits else {"n": 0}
    keys = index_keys_text(chain.canonical(value))
    for needle in ALL:
        if find(value, [needle]):
            assert needle_key(needle) in keys, (needle.kind, value)
