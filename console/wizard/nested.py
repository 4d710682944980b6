"""Nested settings in the wizard, without JSON: a list of objects (access-control rules, each
rule's time windows) as repeatable rows, and an object of fixed keys (classification markers)
as a group of fields. Each row is a small Django form generated from the nested pydantic
model's schema, its inputs named ``s-rules-0-time_windows-1-start``, so an error the typed
settings report as ``rules[0].time_windows[1].start`` is shown on that very input.

Rows are added and removed by ``static/console/rows.js`` in the page (a ``<template>`` per
list); without JavaScript the same buttons submit the form and the server adds or drops the
row (``<list>-_add`` / ``<list>-_remove``) and draws the page again without saving."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from .fields import field_for, nullable, read_value

ROW_MARK = "_row"  # a hidden input per row: a row whose boxes are all unticked still counts
ADD = "_add"
REMOVE = "_remove"
PLACEHOLDER = "__n__"  # a new row's index in its <template>, replaced by the page's script
_PATH = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]")


def error_path(key: str) -> list[str | int]:
    """``threshold.rules[0].time_windows[1].start`` → ``["rules", 0, "time_windows", 1, "start"]``."""
    parts: list[str | int] = []
    for name, index in _PATH.findall(key.removeprefix("threshold")):
        parts.append(int(index) if index else name)
    return parts


def _ref(root: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any] | None:
    ref = prop.get("$ref", "")
    return root.get("$defs", {}).get(ref.rsplit("/", 1)[-1]) if ref else None


def row_schema(root: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema of a list-of-objects property's rows, else ``None``."""
    prop, _ = nullable(prop)
    if prop.get("type") != "array":
        return None
    return _ref(root, prop.get("items", {}))


def group_schema(root: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema of an object-valued property, else ``None``."""
    prop, _ = nullable(prop)
    return _ref(root, prop)


def _humanize(title: str) -> str:
    return re.sub(r"(?<=[a-z])([A-Z])", r" \1", title).capitalize()


def _describe(where: list[str | int]) -> str:
    return " ".join(f"item {p + 1}" if isinstance(p, int) else p for p in where)


class ObjectForm(forms.Form):
    """The fields of one object: a row of a list, or a group of fixed keys."""

    is_object = True

    def __init__(
        self,
        schema: dict[str, Any],
        root: dict[str, Any],
        data=None,
        *,
        prefix: str,
        initial: dict[str, Any] | None = None,
        currency: str = "USD",
        title: str = "",
        number: int = 0,
        list_prefix: str = "",
    ):
        super().__init__(data, prefix=prefix)
        self.title, self.number, self.list_prefix = title, number, list_prefix
        self.kinds: dict[str, str] = {}
        self.children: dict[str, RowList | ObjectForm] = {}
        self.order: list[str] = []
        initial = dict(initial or {})
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            self.order.append(name)
            child = nested_for(
                name, prop, root, data, prefix=self.add_prefix(name), initial=initial.get(name),
                required=name in required, currency=currency,
            )  # fmt: skip
            if child is not None:
                self.children[name] = child
                continue
            field, kind = field_for(name, prop, required=name in required, currency=currency)
            self.fields[name], self.kinds[name] = field, kind
            value = initial.get(name, prop.get("default"))
            if value is not None:
                self.initial[name] = value

    @property
    def index(self) -> str:
        return self.prefix.rsplit("-", 1)[-1]

    def items(self) -> list:
        """Bound fields and nested lists/groups, in the schema's order (for the template)."""
        return [self.children.get(name) or self[name] for name in self.order]

    def value(self) -> tuple[dict[str, Any], bool]:
        """The object as the settings JSON holds it, and whether the form's own checks passed."""
        ok = self.is_valid() if self.is_bound else True  # a row just added (no JavaScript)
        raw: dict[str, Any] = {}
        for name in self.order:
            if name in self.children:
                value, child_ok = self.children[name].value()
                ok = ok and child_ok
            elif not self.is_bound:
                value = self.initial.get(name)
            elif ok:
                value = self._read(name, self.cleaned_data.get(name))
            else:
                value = None
            if value is not None:
                raw[name] = value
        return raw, ok

    def _read(self, name: str, value: Any) -> Any:
        kind = self.kinds[name]
        if kind != "list":
            return read_value(kind, value)
        # Unticking every box says "none", not "the default"; the same boxes ticked keep the
        # order they were stored in, so an edit that changes nothing stores the same JSON.
        value = list(value or [])
        before = self.initial.get(name)
        return list(before) if isinstance(before, list) and set(before) == set(value) else value

    def route(self, path: list[str | int], message: str) -> None:
        """Show an error of the typed settings on the input it names."""
        if not path or not isinstance(path[0], str):
            where = _describe(path)
            self.add_error(None, f"{where}: {message}" if where else message)
            return
        name, rest = path[0], path[1:]
        if name in self.children:
            self.children[name].route(rest, message)
        elif name in self.fields:
            self.add_error(name, f"{_describe(rest)}: {message}" if rest else message)
        else:
            self.add_error(None, f"{name}: {message}")

    def has_errors(self) -> bool:
        return bool(self.errors) or any(c.has_errors() for c in self.children.values())

    def row_op(self) -> bool:
        return any(c.row_op() for c in self.children.values())


class GroupForm(ObjectForm):
    """An optional object of fixed keys: left entirely empty it is not stored at all."""

    is_group = True

    def __init__(self, *args, label: str = "", help_text: str = "", **kw):
        super().__init__(*args, **kw)
        self.label, self.help_text = label, help_text

    @property
    def name(self) -> str:
        return self.prefix.rsplit("-", 1)[-1]

    def value(self) -> tuple[dict[str, Any] | None, bool]:
        raw, ok = super().value()
        return (raw or None), ok


class RowList:
    """A list of objects edited as rows; the rows keep the indices they were posted with, so a
    removed row leaves a gap the server ignores (errors are matched by position)."""

    is_rows = True

    def __init__(
        self,
        schema: dict[str, Any],
        root: dict[str, Any],
        data,
        *,
        prefix: str,
        initial: list[dict[str, Any]] | None,
        label: str,
        help_text: str,
        required: bool,
        min_rows: int,
        currency: str,
    ):
        self.schema, self.root, self.prefix, self.currency = schema, root, prefix, currency
        self.label, self.help_text, self.required = label, help_text, required
        self.title = _humanize(schema.get("title") or label)  # AccessRule → "Access rule"
        self.errors: list[str] = []
        self._op = False
        stored = initial or []
        if data is not None:
            pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{1,6}})-{ROW_MARK}$")
            found = {int(m.group(1)) for key in data if (m := pattern.match(key))}
            removed = data.get(f"{prefix}-{REMOVE}")
            self._op = bool(removed) or bool(data.get(f"{prefix}-{ADD}"))
            indices = [i for i in sorted(found) if str(i) != removed]
            self.rows = [
                self._row(i, n, data=data, initial=stored[n] if n < len(stored) else None)
                for n, i in enumerate(indices)
            ]
            self.next_index = max(found, default=-1) + 1
            if data.get(f"{prefix}-{ADD}"):
                row = self._row(self.next_index, len(self.rows), initial={})
                first = next(iter(row.fields.values()), None)
                if first is not None:  # the page comes back with the cursor in the new row
                    first.widget.attrs["autofocus"] = True
                self.rows.append(row)
                self.next_index += 1
        else:
            start = initial if initial is not None else [{}] * min_rows
            self.rows = [self._row(i, i, initial=row) for i, row in enumerate(start)]
            self.next_index = len(self.rows)

    def _row(self, index: int | str, position: int, *, data=None, initial=None) -> ObjectForm:
        return ObjectForm(
            self.schema, self.root, data, prefix=f"{self.prefix}-{index}", initial=initial,
            currency=self.currency, title=self.title, number=position + 1, list_prefix=self.prefix,
        )  # fmt: skip

    @property
    def name(self) -> str:
        return self.prefix.rsplit("-", 1)[-1]

    @property
    def empty_text(self) -> str:
        return f"No {self.title.lower()}s yet."

    @property
    def blank(self) -> ObjectForm:
        """The row a page's script copies when a person adds one (its index a placeholder)."""
        return self._row(PLACEHOLDER, -1, initial={})

    def value(self) -> tuple[list[dict[str, Any]], bool]:
        values, ok = [], True
        for row in self.rows:
            value, row_ok = row.value()
            values.append(value)
            ok = ok and row_ok
        return values, ok

    def route(self, path: list[str | int], message: str) -> None:
        if path and isinstance(path[0], int) and path[0] < len(self.rows):
            self.rows[path[0]].route(path[1:], message)
        else:
            where = _describe(path)
            self.errors.append(f"{where}: {message}" if where else message)

    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.has_errors() for row in self.rows)

    def row_op(self) -> bool:
        return self._op or any(row.row_op() for row in self.rows)


def nested_for(
    name: str,
    prop: dict[str, Any],
    root: dict[str, Any],
    data,
    *,
    prefix: str,
    initial: Any,
    required: bool,
    currency: str,
) -> RowList | GroupForm | None:
    """The nested editor of a property that holds objects, or ``None`` for a plain field."""
    label = prop.get("title") or name.replace("_", " ").capitalize()
    help_text = prop.get("description", "")
    if (schema := row_schema(root, prop)) is not None:
        return RowList(
            schema, root, data, prefix=prefix, initial=initial, label=label, help_text=help_text,
            required=required, min_rows=nullable(prop)[0].get("minItems", 0), currency=currency,
        )  # fmt: skip
    if (schema := group_schema(root, prop)) is not None:
        return GroupForm(
            schema, root, data, prefix=prefix, initial=initial, currency=currency,
            label=label, help_text=help_text,
        )  # fmt: skip
    return None
