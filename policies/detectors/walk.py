"""Walk a JSON value and yield every scalar that can carry text, with its JSON path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

MAX_DEPTH = 64


class Leaf(NamedTuple):
    path: str  # JSONPath-like: $.user.emails[0]
    key: str  # the nearest enclosing object key ("" for the root or list items of the root)
    text: str


def _child_path(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{path}["{escaped}"]'


def iter_leaves(value: Any, path: str = "$") -> Iterator[Leaf]:
    """Yield strings and numbers (as text) found anywhere in ``value``.

    Booleans and ``None`` carry no text. Numbers are included because a card number or a
    phone number is often sent as a JSON number.
    """
    stack: list[tuple[Any, str, str, int]] = [(value, path, "", 0)]
    while stack:
        node, node_path, key, depth = stack.pop()
        if isinstance(node, str):
            if node:
                yield Leaf(node_path, key, node)
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int | float):
            yield Leaf(node_path, key, str(node))
        elif depth >= MAX_DEPTH:
            continue
        elif isinstance(node, dict):
            children = [
                (v, _child_path(node_path, str(k)), str(k), depth + 1) for k, v in node.items()
            ]
            stack.extend(reversed(children))
        elif isinstance(node, list | tuple):
            children = [(v, f"{node_path}[{i}]", key, depth + 1) for i, v in enumerate(node)]
            stack.extend(reversed(children))


def flatten(value: Any) -> list[Leaf]:
    return list(iter_leaves(value))


def get_path(value: Any, dotted: str) -> Any:
    """Resolve ``a.b.0.c`` in nested dicts/lists; ``None`` when absent."""
    node = value
    for part in dotted.split("."):
        if isinstance(node, dict):
            if part not in node:
                return None
            node = node[part]
        elif isinstance(node, list) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(node) <= index < len(node):
                return None
            node = node[index]
        else:
            return None
    return node
