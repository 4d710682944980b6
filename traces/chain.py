"""The hash chain, as pure functions: canonical JSON, ``payload_hash`` and ``entry_hash``.

Nothing here touches the database, so the same code verifies the live ledger and an export
offline (``verify_export``), and an auditor can re-implement it from this docstring:

* **Canonical JSON**: ``json.dumps(value, sort_keys=True, separators=(",", ":"),
  ensure_ascii=False, allow_nan=False)`` encoded as UTF-8. Numbers keep Python's shortest
  round-trip form (``0.1``, ``1e+16``, ``12``); NaN and infinities are refused, so are strings
  that are not valid Unicode (lone surrogates). ``canonical(json.loads(c)) == c`` for every
  canonical text ``c`` — that is what lets a verifier re-derive it from an export.
* ``payload_hash = sha256(canonical({"input": input, "output": output}))`` (hex).
* The entry's *fields* are the canonical JSON object of every stored column except the payload
  and the hashes: ``agent``, ``client``, ``decision``, ``kind``, ``occurred_at``,
  ``opens_trace``, ``organisation``, ``policies``, ``recorded_at``, ``server``, ``status``,
  ``tool``, ``trace_id`` (times as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, the trace id in
  lower-case hyphenated form, ``organisation`` the organisation's numeric id).
* ``entry_hash = sha256(prev_hash ‖ fields ‖ payload_hash)`` where the two hashes are their
  64 lower-case hex characters. ``prev_hash`` of the first entry of an organisation is
  ``genesis_hash(organisation_id)``.

Because every column is covered, changing any of them (even a filter column such as
``status``) changes the entry's hash; because each hash covers the previous one, removing,
inserting or reordering entries breaks the link at that point.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from json.encoder import encode_basestring as _json_str  # the C string encoder
from typing import NamedTuple
from uuid import UUID


def _default(value):
    """Server-side values that are not JSON types (datetimes, decimals, UUIDs) become strings,
    exactly once: the stored text is then plain JSON and re-canonicalises to itself."""
    if isinstance(value, datetime):
        return format_time(value) if value.tzinfo else value.isoformat()
    if isinstance(value, (Decimal, UUID, date, time)):
        return str(value) if not isinstance(value, (date, time)) else value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_default
).encode

json_str = _json_str  # JSON string literal of a str, as canonical() writes it
REDACTED_PREFIX = '{"redacted":'


def canonical(value) -> str:
    """Canonical JSON text of a JSON value (raises ValueError on NaN/inf or bad Unicode)."""
    text = _dumps(value)
    text.encode("utf-8")  # refuse lone surrogates now, not when hashing
    return text


# A decision's "policies" rows, rendered once per distinct row: the same policies pass call
# after call with the same fields, and rendering a row costs what rendering its ~100 bytes
# through the encoder's dict, sort and circularity machinery does (session 16: ``canonical`` of
# ``/check``'s 14 rows was ~0.3 M instructions of a check's 8.6 M). Keyed by the row's values
# and their types, so a hit is the text ``canonical`` gives that row; bounded.
_ROW_FIELDS = ("id", "mode", "name", "outcome", "reason", "type", "version")
_row_values = operator.itemgetter(*_ROW_FIELDS)
_ROW_TEXTS: dict[tuple, str] = {}
_ROW_TEXTS_MAX = 4096


def _row_text(row) -> str:
    if type(row) is not dict or len(row) != len(_ROW_FIELDS):
        return canonical(row)  # details or notes: rendered each time
    try:
        values = _row_values(row)
        key = (values, tuple(map(type, values)))
        text = _ROW_TEXTS.get(key)
    except (KeyError, TypeError):  # other fields, or a value that cannot be a key
        return canonical(row)
    if text is None:
        text = canonical(row)
        if len(_ROW_TEXTS) >= _ROW_TEXTS_MAX:
            _ROW_TEXTS.clear()
        _ROW_TEXTS[key] = text
    return text


def canonical_server(value) -> str:
    """``canonical(value)`` for the server fields of a ledger event, whose "policies" list of
    rows (``policies.evaluation.Outcome.ledger``) is rendered row by row (``_row_text``); the
    same text: a dict is "{", its keys sorted, each as a JSON string, ":" and its value, joined
    by ",", and "}"."""
    rows = value.get("policies") if type(value) is dict else None
    if type(rows) is not list or not all(type(k) is str for k in value):
        return canonical(value)
    text = (
        "{"
        + ",".join(
            _json_str(k)
            + ":"
            + (
                "[" + ",".join(map(_row_text, rows)) + "]"
                if k == "policies"
                else canonical(value[k])
            )
            for k in sorted(value)
        )
        + "}"
    )
    text.encode("utf-8")  # as ``canonical``: a key may hold a lone surrogate
    return text


def sha256_hex(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def payload_text(input_value, output_value) -> str:
    return canonical({"input": input_value, "output": output_value})


def genesis_hash(organisation_id: int) -> str:
    return sha256_hex(f"execlave-ledger-v1:genesis:{organisation_id}")


def format_time(value: datetime) -> str:
    utc = value.astimezone(UTC)
    if utc.year < 1000:  # strftime writes such years unpadded on glibc: keep exactly that text
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # The same text as strftime("%Y-%m-%dT%H:%M:%S.%fZ"), at half the cost.
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# --- the hashed field layout, written once --------------------------------------------------------
#
# ``FIELDS`` is the one definition of what an entry's hash covers and how each value is written.
# Everything that builds or checks the hashed text is derived from it: ``fields_text`` (the
# reference), ``fields_parts`` and ``place`` (the appenders: Python with COPY on PostgreSQL,
# executemany on SQLite), ``entry_hashes`` (the verifier) and the PostgreSQL append function
# (``traces.ledger_sql``, frozen into a migration; a test holds the two equal). The hot paths run
# code generated from the spec once at import (as ``dataclasses`` and ``namedtuple`` do), so a
# million entries are still joined by plain concatenation, with no per-field call or loop.


class HashedField(NamedTuple):
    name: str  # key in the canonical JSON object (keys are sorted: FIELDS is in that order)
    form: str  # how the value is written: a key of _FORMS
    placed: bool = False  # known only when the entry takes its place in the chain (under the lock)


# form -> (text before the value, Python expression of the value's text, text after)
_FORMS = {
    "string": ("", "json_str({v})", ""),  # a JSON string literal
    "string_or_null": ("", '("null" if {v} is None else json_str({v}))', ""),
    "json": ("", "{v}", ""),  # already canonical JSON text (client, server)
    "boolean": ("", '("true" if {v} else "false")', ""),
    "integer": ("", "str(int({v}))", ""),
    "time": ('"', "{v}", '"'),  # format_time's text
    "uuid": ('"', "{v}", '"'),  # lower-case, hyphenated
}

FIELDS: tuple[HashedField, ...] = (
    HashedField("agent", "string_or_null"),
    HashedField("client", "json"),
    HashedField("decision", "string"),
    HashedField("kind", "string"),
    HashedField("occurred_at", "time"),
    HashedField("opens_trace", "boolean", placed=True),
    HashedField("organisation", "integer"),
    HashedField("policies", "string"),
    HashedField("recorded_at", "time", placed=True),
    HashedField("server", "json"),
    HashedField("status", "string"),
    HashedField("tool", "string"),
    HashedField("trace_id", "uuid"),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
PLACED = tuple(f for f in FIELDS if f.placed)
# Names of the static parts ``fields_parts`` returns (and the PostgreSQL function takes).
PART_NAMES = tuple("abcdefgh"[: len(PLACED) + 1])
assert list(FIELD_NAMES) == sorted(FIELD_NAMES), "canonical JSON sorts keys"


def _segments() -> list[tuple[str, HashedField | None]]:
    """The hashed text as a list of literal texts (field None) and values (text ""), with
    adjacent literals merged."""
    out: list[tuple[str, HashedField | None]] = []

    def literal(text: str) -> None:
        if out and out[-1][1] is None:
            out[-1] = (out[-1][0] + text, None)
        elif text:
            out.append((text, None))

    literal("{")
    for i, f in enumerate(FIELDS):
        before, _, after = _FORMS[f.form]
        literal(("," if i else "") + _json_str(f.name) + ":" + before)
        out.append(("", f))
        literal(after)
    literal("}")
    return out


def _concat(segments, value_expr) -> str:
    """A Python expression concatenating the segments; ``value_expr(field)`` writes a value."""
    return " + ".join(repr(text) if f is None else value_expr(f) for text, f in segments) or "''"


def _py_value(f: HashedField, var: str | None = None) -> str:
    return _FORMS[f.form][1].format(v=var or f.name)


def _compile(name: str, source: str):
    namespace = {"json_str": _json_str, "sha256": hashlib.sha256}
    exec(compile(source, f"<traces.chain.{name}>", "exec"), namespace)  # noqa: S102 - our own spec
    return namespace[name]


def _fields_text_source() -> str:
    args = ", ".join(FIELD_NAMES)
    return f"def fields_text(*, {args}):\n    return {_concat(_segments(), _py_value)}\n"


def _fields_parts_source() -> str:
    groups: list[list] = [[]]
    for text, f in _segments():
        if f is not None and f.placed:
            groups.append([])
        else:
            groups[-1].append((text, f))
    args = ", ".join(f.name for f in FIELDS if not f.placed)
    parts = ", ".join(_concat(g, _py_value) for g in groups)
    return f"def fields_parts(*, {args}):\n    return ({parts},)\n"


def _place_source() -> str:
    names = ", ".join(f"p_{n}" for n in PART_NAMES)
    pieces = [f"p_{PART_NAMES[0]}"]
    for i, f in enumerate(PLACED, 1):
        pieces += [_py_value(f), f"p_{PART_NAMES[i]}"]
    placed_args = ", ".join(f.name for f in PLACED)
    return (
        f"def place(parts, {placed_args}):\n    {names}, = parts\n    return {' + '.join(pieces)}\n"
    )


fields_text = _compile("fields_text", _fields_text_source())
fields_text.__doc__ = """Canonical JSON of an entry's fields (``FIELDS``). ``client``/``server`` are
already canonical text, times already formatted (``format_time``), ``trace_id`` the UUID's text."""
fields_parts = _compile("fields_parts", _fields_parts_source())
fields_parts.__doc__ = """``fields_text`` cut around the values only known once an entry has its place
in the chain (``PLACED``: ``opens_trace``, ``recorded_at``): ``place(fields_parts(...),
opens_trace, recorded_at) == fields_text(...)``. The appender builds the parts before it takes
the chain lock."""
place = _compile("place", _place_source())
place.__doc__ = """The hashed text from ``fields_parts`` and the placed values."""


_entry_hashes_cache: dict[tuple, Callable] = {}


def entry_hashes(rows, layout: Sequence[str], **constants) -> list[str]:
    """The ``entry_hash`` each row should have, recomputed from its own values: ``sha256(prev_hash
    ‖ fields_text ‖ payload_hash)``. ``layout`` names the positions of a row (tuples, in
    ``layout`` order; ``prev_hash`` and ``payload_hash`` among them, other names ignored);
    a hashed field missing from it is a constant given by keyword (``organisation``) and written
    once. One generated list comprehension per layout: the verifier's inner loop."""
    key = (tuple(layout), tuple(sorted(constants)))
    function = _entry_hashes_cache.get(key)
    if function is None:
        function = _entry_hashes_cache[key] = _compile("entry_hashes", _entry_hashes_source(*key))
    return function(rows, **constants)


def _entry_hashes_source(layout: tuple[str, ...], constants: tuple[str, ...]) -> str:
    wanted = set(FIELD_NAMES) | {"prev_hash", "payload_hash"}
    missing = sorted(set(FIELD_NAMES) - set(layout) - set(constants))
    if missing or not {"prev_hash", "payload_hash"} <= set(layout):
        raise ValueError(f"the row layout lacks {missing or ['prev_hash', 'payload_hash']}")
    targets = ", ".join(n if n in wanted else "_" for n in layout)
    setup = "".join(f"    {n} = {_py_value(f)}\n" for f in FIELDS if (n := f.name) in constants)
    fields = _concat(_segments(), lambda f: f.name if f.name in constants else _py_value(f))
    return (
        f"def entry_hashes(rows, {', '.join(constants)}):\n{setup}"
        f"    return [sha256((prev_hash + {fields} + payload_hash).encode()).hexdigest()"
        f" for {targets} in rows]\n"
    )


def entry_hash(prev_hash: str, fields: str, payload_hash: str) -> str:
    return hashlib.sha256((prev_hash + fields + payload_hash).encode("utf-8")).hexdigest()


def is_redacted(payload: str) -> bool:
    return payload.startswith(REDACTED_PREFIX)
