"""PII masked out of a payload before people see it: every span ``pii.find_pii`` finds is
replaced by a placeholder (``[EMAIL]``). The approval queue shows reviewers payloads this way."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection
from typing import Any

from policies.detectors.pii import find_pii


def default_placeholder(pii_type: str) -> str:
    return f"[{pii_type.upper()}]"


def mask_text(
    text: str,
    *,
    key: str = "",
    types: Collection[str] | None = None,
    placeholder: Callable[[str], str] = default_placeholder,
) -> str:
    matches = find_pii(text, key=key, types=types)
    if not matches:
        return text
    parts: list[str] = []
    pos = 0
    for m in matches:
        parts.append(text[pos : m.start])
        parts.append(placeholder(m.type))
        pos = m.end
    parts.append(text[pos:])
    return "".join(parts)


def mask_pii(
    value: Any,
    *,
    types: Collection[str] | None = None,
    placeholder: Callable[[str], str] = default_placeholder,
) -> Any:
    """A copy of a JSON value with every PII span replaced by a placeholder (``[EMAIL]``).

    Numbers that are PII (a card number sent as a JSON number) become placeholder strings.
    The input is never modified. Used to show payloads to reviewers in the approval queue.
    """
    return _mask(copy.deepcopy(value), "", types, placeholder, 0)


def _mask(
    node: Any,
    key: str,
    types: Collection[str] | None,
    placeholder: Callable[[str], str],
    depth: int,
) -> Any:
    if isinstance(node, str):
        return mask_text(node, key=key, types=types, placeholder=placeholder)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int | float):
        text = str(node)
        masked = mask_text(text, key=key, types=types, placeholder=placeholder)
        return node if masked == text else masked
    if depth >= 64:
        return node
    if isinstance(node, dict):
        return {k: _mask(v, str(k), types, placeholder, depth + 1) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_mask(v, key, types, placeholder, depth + 1) for v in node]
    return node
