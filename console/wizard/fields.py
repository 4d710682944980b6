"""One Django form field per settings-schema property, the control chosen by the schema's
``x-widget``, and how a submitted value is read back into the settings JSON ("kind")."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from governance.widgets import time_attrs

SPLIT_TAGS = re.compile(r"[\n,]")
MIDNIGHT = "24:00"
# Suggestions offered by a pattern field (datalists drawn once by the wizard page).
SUGGESTIONS = {"agents": "agent-suggestions", "tools": "tool-suggestions"}


def nullable(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A ``T | None`` property as (T's schema merged with the property's hints, nullable)."""
    options = prop.get("anyOf")
    if not options:
        return prop, False
    real = [o for o in options if o.get("type") != "null"]
    is_nullable = len(real) != len(options)
    if len(real) == 1:
        merged = {**real[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
        return merged, is_nullable
    return prop, is_nullable  # money (number | string): drawn from x-widget


class TagsWidget(forms.TextInput):
    """A tag input: comma- or line-separated words (each shown as a tag by the page's script)."""

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


class LinesWidget(forms.Textarea):
    def format_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value


class TimeWidget(forms.TimeInput):
    """A 24-hour time typed as HH:MM (governance/widgets.py: the browser's time picker shows
    its locale's "10:47 PM" beside a console that writes 22:47); ``24:00`` (the end of the day)
    is drawn empty, and an empty end is read back as the schema's default, ``24:00``."""

    input_type = "text"

    def format_value(self, value):
        return "" if value == MIDNIGHT else value


def field_for(
    name: str, prop: dict[str, Any], *, required: bool, currency: str
) -> tuple[forms.Field, str]:
    """A form field for one schema property, and how its value is read back ("kind")."""
    prop, is_nullable = nullable(prop)
    required = required and not is_nullable
    widget_name = prop.get("x-widget", "")
    label = prop.get("title") or name.replace("_", " ").capitalize()
    help_text = prop.get("description", "")
    examples = prop.get("examples") or []
    common = {"label": label, "help_text": help_text, "required": required}
    kind = prop.get("type", "")
    if widget_name == "money":
        attrs = {"inputmode": "decimal", "placeholder": str(examples[0]) if examples else "0.00"}
        field = forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
        field.currency = currency
        return field, "money"
    if kind == "boolean":
        return forms.BooleanField(**{**common, "required": False}), "bool"
    if kind == "integer":
        return forms.IntegerField(**common), "int"
    if kind == "number":
        attrs = {"step": prop.get("x-step", "any")}
        return forms.FloatField(widget=forms.NumberInput(attrs=attrs), **common), "number"
    if kind == "string" and "enum" in prop:
        choices = [(c, c.replace("_", " ")) for c in prop["enum"]]
        widget = forms.RadioSelect if widget_name in ("radio", "period") else forms.Select
        if not required:
            choices = choices if "default" in prop else [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common), "str"
    if kind == "string" and widget_name == "time":
        if prop.get("default") == MIDNIGHT:
            help_text = f"{help_text} Empty: midnight (24:00).".strip()
        widget = TimeWidget(attrs=time_attrs())
        return forms.CharField(widget=widget, **{**common, "help_text": help_text}), "str"
    if kind == "string":
        if widget_name == "textarea":
            widget = forms.Textarea(attrs={"rows": prop.get("x-rows", 4)})
        else:
            widget = forms.TextInput(attrs={"placeholder": str(examples[0]) if examples else ""})
        return forms.CharField(widget=widget, strip=True, **common), "str"
    if kind == "array" and "enum" in prop.get("items", {}):
        labels = prop.get("x-enum-labels") or {}
        choices = [(c, labels.get(c, c)) for c in prop["items"]["enum"]]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        ), "list"
    if kind == "array" and prop.get("items", {}).get("type") == "string":
        if widget_name == "patterns":
            help_text = (help_text + " One per line.").strip()
            widget = LinesWidget(attrs={"rows": 3})
            return forms.CharField(widget=widget, **{**common, "help_text": help_text}), "lines"
        attrs = {"data-tags": "1"}
        if examples and isinstance(examples[0], list):
            attrs["placeholder"] = ", ".join(map(str, examples[0]))
        if widget_name in SUGGESTIONS:
            attrs["list"] = SUGGESTIONS[widget_name]
        help_text = f"{help_text} Separate with commas or new lines.".strip()
        return forms.CharField(
            widget=TagsWidget(attrs=attrs), **{**common, "help_text": help_text}
        ), "tags"
    raise ValueError(f"no form control for setting {name!r} ({kind or 'object'})")


def read_value(kind: str, value: Any) -> Any:
    """A cleaned form value as the settings JSON holds it; ``None`` means "not given"."""
    if value in (None, "", []) and kind != "bool":
        return None
    if kind == "tags":
        return [v.strip() for v in SPLIT_TAGS.split(value) if v.strip()]
    if kind == "lines":
        return [v.strip() for v in value.splitlines() if v.strip()]
    if kind == "number" and float(value).is_integer():
        return int(value)
    return value
