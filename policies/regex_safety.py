"""Keep user-supplied regular expressions from stalling the decision path.

Two layers (documented in docs/policies.md):

1. **When a policy is saved** the pattern is parsed (``re``'s own parser) and shapes that
   backtrack catastrophically are refused with an explanation:
   - a quantifier nested in a repeated group, ``(a+)+``, ``(\\w+\\s?)*``,
     ``(a{1,9})+``;
   - alternatives that can start with the same character inside a repeat,
     ``(a|ab)*``, ``(\\w|\\d)+``;
   - two unbounded repeats that can match the same characters one after the other,
     ``\\d+\\d+``, ``.*.*`` (polynomial);
   - back-references (``\\1``, ``(?P=name)``), which no linear engine can run;
   - more than ``MAX_PATTERN_LENGTH`` characters.
2. **When a policy runs** patterns are matched with the ``regex`` module and a time
   limit per string (``MATCH_TIMEOUT``); a search that runs out of time counts as a
   match, so a pathological input cannot slip through by being slow. Without ``regex``
   installed, ``re`` is used on at most ``FALLBACK_SCAN_CHARS`` characters per string.
"""

from __future__ import annotations

import functools
import re
from re import _constants as C
from re import _parser as sre_parse
from typing import Any

try:  # the ``regex`` module supports a per-call timeout; ``re`` does not
    import regex as _regex
except ImportError:  # pragma: no cover - exercised only where regex is absent
    _regex = None

MAX_PATTERN_LENGTH = 500
MAX_PATTERNS = 50
MATCH_TIMEOUT = 0.05  # seconds per string
FALLBACK_SCAN_CHARS = 10_000

_ALPHABET = frozenset(
    [chr(c) for c in range(32, 127)] + ["\n", "\t", "\r", "é", "ß", "中", "\u00a0", "٣"]
)
_ANY_BUT_NEWLINE = _ALPHABET - {"\n"}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT}
_POSSESSIVE = {C.POSSESSIVE_REPEAT} if hasattr(C, "POSSESSIVE_REPEAT") else set()
_ZERO_WIDTH = {C.AT, C.ASSERT, C.ASSERT_NOT}
_CATEGORY_TESTS = {
    C.CATEGORY_DIGIT: str.isdigit,
    C.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    C.CATEGORY_SPACE: str.isspace,
    C.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    C.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    C.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}


class UnsafePattern(ValueError):
    pass


def _class_chars(items: list[tuple[Any, Any]]) -> frozenset[str]:
    negate = False
    chars: set[str] = set()
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            chars |= {c for c in _ALPHABET if lo <= ord(c) <= hi}
        elif op is C.CATEGORY:
            test = _CATEGORY_TESTS.get(av)
            chars |= {c for c in _ALPHABET if test is None or test(c)}
        else:
            chars |= _ALPHABET
    return frozenset(_ALPHABET - chars) if negate else frozenset(chars)


def _nullable(sub: Any) -> bool:
    return all(_node_nullable(op, av) for op, av in sub)


def _node_nullable(op: Any, av: Any) -> bool:
    if op in _ZERO_WIDTH:
        return True
    if op in _REPEATS or op in _POSSESSIVE:
        return av[0] == 0 or _nullable(av[2])
    if op is C.SUBPATTERN:
        return _nullable(av[-1])
    if op is C.BRANCH:
        return any(_nullable(b) for b in av[1])
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _nullable(av)
    return False


def _first(sub: Any) -> frozenset[str]:
    """Characters (from a sample alphabet) a match of ``sub`` can start with."""
    out: set[str] = set()
    for op, av in sub:
        out |= _node_first(op, av)
        if not _node_nullable(op, av):
            break
    return frozenset(out)


def _node_first(op: Any, av: Any) -> frozenset[str]:
    if op is C.LITERAL:
        ch = chr(av)
        return frozenset({ch, ch.lower(), ch.upper()})
    if op is C.NOT_LITERAL:
        return frozenset(_ALPHABET - {chr(av)})
    if op is C.ANY:
        return _ANY_BUT_NEWLINE
    if op is C.IN:
        return _class_chars(av)
    if op in _REPEATS or op in _POSSESSIVE:
        return _first(av[2])
    if op is C.SUBPATTERN:
        return _first(av[-1])
    if op is C.BRANCH:
        return frozenset().union(*(_first(b) for b in av[1]))
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _first(av)
    if op in _ZERO_WIDTH:
        return frozenset()
    return _ALPHABET


def _contains_variable_repeat(sub: Any) -> tuple[bool, bool]:
    """(has a repeat with a variable count, has an unbounded one) anywhere inside ``sub``."""
    variable = unbounded = False
    for op, av in sub:
        if op in _REPEATS:
            lo, hi, body = av
            if lo != hi and hi > 1:
                variable = True
                unbounded = unbounded or hi == C.MAXREPEAT
            v, u = _contains_variable_repeat(body)
            variable, unbounded = variable or v, unbounded or u
        elif op is C.SUBPATTERN:
            v, u = _contains_variable_repeat(av[-1])
            variable, unbounded = variable or v, unbounded or u
        elif op is C.BRANCH:
            for b in av[1]:
                v, u = _contains_variable_repeat(b)
                variable, unbounded = variable or v, unbounded or u
        elif op in (C.ASSERT, C.ASSERT_NOT):
            v, u = _contains_variable_repeat(av[1])
            variable, unbounded = variable or v, unbounded or u
    return variable, unbounded


def _check(sub: Any, *, in_unbounded_repeat: bool) -> None:
    nodes = list(sub)
    for index, (op, av) in enumerate(nodes):
        if op in (C.GROUPREF, getattr(C, "GROUPREF_EXISTS", None)):
            raise UnsafePattern("back-references are not supported")
        if op in _REPEATS:
            lo, hi, body = av
            unbounded = hi == C.MAXREPEAT
            if hi > 1:
                inner_variable, inner_unbounded = _contains_variable_repeat(body)
                if inner_variable and (unbounded or inner_unbounded):
                    raise UnsafePattern(
                        "nested quantifiers such as (a+)+ can backtrack catastrophically; "
                        "use a single quantifier or a character class"
                    )
                if unbounded and _nullable(body):
                    raise UnsafePattern(
                        "a repeated group that can match the empty string, such as (a?)*, is not allowed"
                    )
            if unbounded:
                _check_adjacent(nodes, index)
            _check(body, in_unbounded_repeat=in_unbounded_repeat or unbounded)
        elif op in _POSSESSIVE:
            _check(av[2], in_unbounded_repeat=False)  # possessive repeats never backtrack
        elif op is C.SUBPATTERN:
            _check(av[-1], in_unbounded_repeat=in_unbounded_repeat)
        elif op is getattr(C, "ATOMIC_GROUP", None):
            _check(av, in_unbounded_repeat=False)
        elif op is C.BRANCH:
            branches = av[1]
            if in_unbounded_repeat:
                firsts = [_first(b) for b in branches]
                for i in range(len(firsts)):
                    for j in range(i + 1, len(firsts)):
                        if (
                            firsts[i] & firsts[j]
                            or _nullable(branches[i])
                            or _nullable(branches[j])
                        ):
                            raise UnsafePattern(
                                "alternatives inside a repeat that can start with the same character, "
                                "such as (a|ab)*, can backtrack catastrophically"
                            )
            for b in branches:
                _check(b, in_unbounded_repeat=in_unbounded_repeat)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _check(av[1], in_unbounded_repeat=in_unbounded_repeat)


def _check_adjacent(nodes: list[tuple[Any, Any]], index: int) -> None:
    """An unbounded repeat followed (past optional items) by another one over the same chars."""
    chars = _first(nodes[index][1][2])
    for op, av in nodes[index + 1 :]:
        if op in _REPEATS and av[1] == C.MAXREPEAT and chars & _first(av[2]):
            raise UnsafePattern(
                "two unbounded repeats in a row that match the same characters, such as \\d+\\d+ "
                "or .*.*, backtrack polynomially; merge them"
            )
        if not _node_nullable(op, av):
            return


def check_pattern(pattern: str) -> None:
    """Raise ``UnsafePattern`` (or ``re.error``) when ``pattern`` may not be used."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"is longer than {MAX_PATTERN_LENGTH} characters")
    re.compile(pattern)  # syntax errors first, with re's message
    _check(sre_parse.parse(pattern), in_unbounded_repeat=False)


def pattern_error(pattern: str) -> str | None:
    """A message for a pattern that cannot be saved, else ``None``."""
    try:
        check_pattern(pattern)
    except re.error as exc:
        return f"is not a valid regular expression: {exc.msg}"
    except UnsafePattern as exc:
        return str(exc)
    except RecursionError:
        return "is nested too deeply"
    return None


class TimedOut(Exception):
    pass


@functools.lru_cache(maxsize=2048)
def compile_guarded(pattern: str) -> Any:
    if _regex is not None:
        return _regex.compile(pattern, _regex.VERSION0)
    return re.compile(pattern)


def _regex_required_string(compiled: Any) -> tuple[str, int] | None:
    """The literal every match of ``compiled`` contains and its case flags, as ``regex``
    computed them when compiling (its pickled state: ``req_chars``, ``req_flags``); None
    when it found none or the state is not laid out as this code expects."""
    data = getattr(compiled, "_pickled_data", None)
    if not isinstance(data, tuple) or len(data) != 11:
        return None
    chars, flags = data[8], data[9]
    if not chars or not isinstance(flags, int) or not isinstance(chars, tuple):
        return None
    if not all(isinstance(c, int) and 0 <= c <= 0x10FFFF for c in chars):
        return None
    return "".join(map(chr, chars)), flags


def _required_string_layout_ok() -> bool:
    """``_pickled_data`` is private to ``regex``: read it only while it says what this code
    expects on known patterns (else every search runs in full, as before)."""
    if _regex is None:  # pragma: no cover
        return False
    try:
        return (
            _regex_required_string(_regex.compile(r"\bqz-\d{2}\b", _regex.VERSION0)) == ("qz-", 0)
            and _regex_required_string(_regex.compile(r"(?i)\bdrop\s+table", _regex.VERSION0))
            == ("drop", int(_regex.IGNORECASE))
            and _regex_required_string(_regex.compile(r"(?:ab)?\d+", _regex.VERSION0)) is None
        )
    except Exception:  # noqa: BLE001  # pragma: no cover
        return False


_REQUIRED_OK = _required_string_layout_ok()
_CASE_FLAGS = (int(_regex.IGNORECASE) | int(_regex.FULLCASE)) if _regex is not None else 0


@functools.lru_cache(maxsize=2048)
def required_literal(pattern: str) -> tuple[str, bool] | None:
    """``(literal, ignore_case)``: a string every match of ``pattern`` contains (exactly, or
    ASCII case-insensitively), or None when there is none this code may rely on."""
    if not _REQUIRED_OK:
        return None
    found = _regex_required_string(compile_guarded(pattern))
    if found is None:
        return None
    literal, flags = found
    if flags == 0:
        return literal, False
    if flags & ~_CASE_FLAGS or not flags & int(_regex.IGNORECASE) or not literal.isascii():
        # ``regex`` sets only case flags here (a fuzzy part has no required string at all);
        # anything else is a layout this code does not know. A non-ASCII literal may fold in
        # ways str.lower() does not (ß, ǅ): searched in full.
        return None
    return literal.lower(), True


def guarded_search(pattern: str, text: str) -> bool:
    """Search with a time limit (``regex``) or a length cap (``re`` fallback).

    Raises :class:`TimedOut` when the time limit passes.

    A text without the literal every match contains (``regex``'s own "required string",
    e.g. ``ACCT-`` in ``\\bACCT-\\d{8}\\b``) is answered False without a search: ``regex`` looks
    for that string first too, but only after starting its timer, which reads the process's
    CPU clock (``clock_gettime(CLOCK_PROCESS_CPUTIME_ID)``, a system call, twice a search);
    in a threaded gunicorn worker on a busy machine that call took 12-613 us (22-27 us on
    average), and a /check made four of them on an ordinary text. The limit is therefore
    the process's CPU time, all its threads', not wall time.
    """
    compiled = compile_guarded(pattern)
    if _regex is not None:
        required = required_literal(pattern)
        if required is not None:
            literal, ignore_case = required
            if not ignore_case:
                if literal not in text:
                    return False
            elif text.isascii() and literal not in text.lower():
                return False  # a non-ASCII text may fold onto it (K, ſ): searched in full
        try:
            # concurrent=False: keep the GIL. With a timeout ``regex`` otherwise releases it
            # for the match (and again around each allocation of its backtrack stack); in a
            # threaded worker every release hands the GIL to another request's thread and
            # this one waits for it back (up to the 5 ms switch interval) in the middle of a
            # check: ~6 GIL hand-offs per /check for two patterns. The time limit holds either
            # way (tests/policies/test_thresholds.py).
            return compiled.search(text, timeout=MATCH_TIMEOUT, concurrent=False) is not None
        except TimeoutError as exc:
            raise TimedOut(pattern) from exc
    return compiled.search(text[:FALLBACK_SCAN_CHARS]) is not None  # pragma: no cover
