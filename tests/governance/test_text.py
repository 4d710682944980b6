"""The text every API request may carry (governance/text.py): the fast pre-test on a JSON
body never misses text the walk would refuse."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from governance.text import NUL, SURROGATE, bad_text_in, json_may_hold_bad_text, text_problem

# Hypothesis leaves surrogates out of text unless asked; a request can carry them escaped.
ANY_CHAR = st.characters(codec=None, categories=None) | st.sampled_from(
    "\x00\ud800\udbff\udc00\udfff"
)
DOC = st.recursive(
    st.text(ANY_CHAR, max_size=6) | st.integers() | st.none(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(ANY_CHAR, max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _unholdable(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@given(DOC, st.booleans())
@example({"k": "\udfff"}, True)
@example(["\udc00x"], True)
@settings(max_examples=300)
def test_the_pre_test_never_misses_what_the_walk_refuses(doc, ascii_only):
    body = json.dumps(doc, ensure_ascii=ascii_only)
    try:
        body.encode("utf-8")  # what can arrive at all: a raw surrogate is not UTF-8
        parsed = json.loads(body)
    except ValueError:
        return
    if bad_text_in(parsed):
        assert json_may_hold_bad_text(body)


@given(st.text(ANY_CHAR, max_size=10))
def test_text_problem_is_nul_or_an_unpaired_surrogate(text):
    expected = NUL if "\x00" in text else SURROGATE if _unholdable(text) else None
    assert text_problem(text) == expected


def test_paths_name_the_field():
    doc = json.loads('{"a": [{"b": "x\\u0000"}], "k\\udfff": 1, "ok": "\\ud83d\\ude00"}')
    assert bad_text_in(doc) == {
        "a[0].b": ["This field " + NUL],
        "k\\udfff": ["This key " + SURROGATE],
    }
