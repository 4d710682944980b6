"""Text the API accepts: no NUL character and no unpaired surrogate, anywhere.

PostgreSQL cannot store U+0000 in text or JSONB, and an unpaired surrogate (``"\\ud800"`` in
JSON) is not valid Unicode: neither can be written, hashed into the ledger or sent back as
UTF-8. Rather than let each field fail somewhere deep (a 500 writing the ledger, in a key
lookup), every request is checked once at its edges: the JSON body by
:class:`governance.parsers.StrictJSONParser`, the query string, path and headers by
:class:`governance.middleware.ApiTextGuardMiddleware`. Both answer 400 naming the field.
"""

from __future__ import annotations

import re
from typing import Any

NUL = "contains a NUL character (U+0000), which text cannot hold."
SURROGATE = "contains an unpaired surrogate (U+D800 to U+DFFF), which is not valid Unicode."

# In JSON text both can only arrive escaped: \u0000, \ud800-\udfff (raw ones fail to parse).
_ESCAPES = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be accepted as text, or ``None``."""
    if "\x00" in value:
        return NUL
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE
    return None


def json_may_hold_bad_text(raw: str) -> bool:
    """A fast test on a JSON body's text: only when it holds such an escape can the parsed
    document contain bad text (a paired surrogate escape is a false alarm, ruled out by
    :func:`bad_text_in`)."""
    return _ESCAPES.search(raw) is not None


def _shown(key: str) -> str:
    return key if text_problem(key) is None else ascii(key)[1:-1]


def bad_text_in(data: Any, path: str = "") -> dict[str, list[str]]:
    """``{field path: [message]}`` for every string (value or key) in a parsed JSON document
    that cannot be accepted; paths as the API names fields: ``traces[2].tool``, ``input.a``."""
    errors: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                errors[where or "body"] = [f"This field {problem}"]
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{_shown(key)}" if where else _shown(key)
                problem = text_problem(key)
                if problem:
                    errors[name] = [f"This key {problem}"]
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
    return errors
