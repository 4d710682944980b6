"""A tool function's arguments, bound to its parameter names, as the check's input."""

from __future__ import annotations

import inspect
from typing import Any

from .encoding import to_jsonable


class _Binder:
    """Arguments -> {parameter: JSON-ready value}, with a fast path for plain signatures.

    ``Signature.bind`` costs several microseconds; most tools take plain positional-or-
    keyword parameters, which zip() binds in a fraction of that.
    """

    def __init__(self, signature: inspect.Signature) -> None:
        self.signature = signature
        params = list(signature.parameters.values())
        self.skip_first = bool(params) and params[0].name in ("self", "cls")
        self.plain = all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)
        self.names = tuple(p.name for p in params)
        self.name_set = frozenset(self.names)
        self.defaults = {
            p.name: p.default for p in params if p.default is not inspect.Parameter.empty
        }

    def __call__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if self.plain and len(args) <= len(self.names):
            bound = dict(zip(self.names, args, strict=False))
            if not (kwargs.keys() & bound.keys()) and kwargs.keys() <= self.name_set:
                bound.update(kwargs)
                if len(bound) < len(self.names):
                    for name, default in self.defaults.items():
                        bound.setdefault(name, default)
                if len(bound) == len(self.names):
                    if self.skip_first:
                        del bound[self.names[0]]
                    return {k: to_jsonable(v) for k, v in bound.items()}
        return _bind(self.signature, args, kwargs)


def _bind(
    signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return {"args": to_jsonable(list(args)), "kwargs": to_jsonable(kwargs)}
    bound.apply_defaults()
    result: dict[str, Any] = {}
    params = signature.parameters
    for index, (name, value) in enumerate(bound.arguments.items()):
        if index == 0 and name in ("self", "cls"):
            continue
        if params[name].kind is inspect.Parameter.VAR_KEYWORD:
            result.update(to_jsonable(value))
        else:
            result[name] = to_jsonable(value)
    return result
