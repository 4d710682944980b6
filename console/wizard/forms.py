"""The policy wizard's forms: the settings form is generated from the policy type's pydantic
schema (``POLICY_TYPES[type].json_schema()``), one Django field per setting, the control chosen
by the schema's ``x-widget``. Validation is the type's own (``policies.thresholds``), and each
error lands on the field it names (``threshold.denied_pii_types[1]`` → ``denied_pii_types``)."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms

from policies.evaluators import POLICY_TYPES
from policies.thresholds import ThresholdError, clean_threshold, phase_error
from policies.types import DEFAULT_PHASE, Mode, Phase, PolicyType

MODE_HELP = {
    Mode.BLOCK: "Refuse the call: the tool does not run and the agent is told why.",
    Mode.REQUIRE_APPROVAL: "Pause the call until a person approves or denies it in the queue.",
    Mode.WARN: "Let the call run, and record and report the violation.",
    Mode.MONITOR: "Let the call run and only record what the policy would have done.",
}
_SPLIT_TAGS = re.compile(r"[\n,]")


def _nullable(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A ``T | None`` property as (T's schema merged with the property's hints, nullable)."""
    options = prop.get("anyOf")
    if not options:
        return prop, False
    real = [o for o in options if o.get("type") != "null"]
    nullable = len(real) != len(options)
    if len(real) == 1:
        merged = {**real[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
        return merged, nullable
    return prop, nullable  # money (number | string): drawn from x-widget


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


def _field_for(
    name: str, prop: dict[str, Any], *, required: bool, currency: str
) -> tuple[forms.Field, str]:
    """A form field for one schema property, and how its value is read back ("kind")."""
    prop, nullable = _nullable(prop)
    required = required and not nullable
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
        if widget_name == "radio" or (widget_name == "period"):
            widget = forms.RadioSelect
        else:
            widget = forms.Select
        if not required:
            choices = choices if "default" in prop else [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common), "str"
    if kind == "string":
        if widget_name == "textarea":
            rows = prop.get("x-rows", 4)
            widget = forms.Textarea(attrs={"rows": rows})
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
        hint = "Separate with commas or new lines."
        attrs = {
            "data-tags": "1",
            "placeholder": ", ".join(map(str, examples[0]))
            if examples and isinstance(examples[0], list)
            else "",
        }
        return forms.CharField(
            widget=TagsWidget(attrs=attrs), **{**common, "help_text": f"{help_text} {hint}".strip()}
        ), "tags"
    # Nested structures (access rules, classification markers): JSON for this one field.
    field = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "code"}),
        **{**common, "help_text": f"{help_text} Written as JSON.".strip()},
    )
    return field, "json"


class SettingsForm(forms.Form):
    """The settings of one policy type, generated from its schema."""

    def __init__(
        self, policy_type: str, *args, currency: str = "USD", initial_threshold=None, **kw
    ):
        self.policy_type = policy_type
        spec = POLICY_TYPES[policy_type]
        schema = spec.json_schema()
        required = set(schema.get("required", []))
        self.kinds: dict[str, str] = {}
        self.groups: dict[str, str] = {}
        initial = dict(initial_threshold or {})
        super().__init__(*args, initial=initial, **kw)
        for name, prop in schema.get("properties", {}).items():
            field, kind = _field_for(name, prop, required=name in required, currency=currency)
            if kind == "json" and name in initial:
                self.initial[name] = json.dumps(initial[name], indent=2)
            elif name not in initial and "default" in prop and prop["default"] is not None:
                self.initial[name] = prop["default"]
            self.fields[name] = field
            self.kinds[name] = kind
            self.groups[name] = prop.get("x-group", "")

    def main_fields(self):
        return [self[name] for name, group in self.groups.items() if group != "approval"]

    def approval_fields(self):
        return [self[name] for name, group in self.groups.items() if group == "approval"]

    def _value(self, name: str, value: Any) -> Any:
        kind = self.kinds[name]
        if value in (None, "", []) and kind != "bool":
            return None
        if kind == "tags":
            return [v.strip() for v in _SPLIT_TAGS.split(value) if v.strip()]
        if kind == "lines":
            return [v.strip() for v in value.splitlines() if v.strip()]
        if kind == "json":
            try:
                return json.loads(value)
            except ValueError as exc:
                self.add_error(name, f"is not valid JSON ({exc.msg}, line {exc.lineno})")
                return None
        if kind == "number" and float(value).is_integer():
            return int(value)
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        raw = {}
        for name in self.fields:
            value = self._value(name, data.get(name))
            if value is not None:
                raw[name] = value
        if self.errors:
            return data
        try:
            self.threshold = clean_threshold(self.policy_type, raw)
        except ThresholdError as exc:
            for key, messages in exc.errors.items():
                field = key.removeprefix("threshold").lstrip(".")
                field = re.split(r"[.\[]", field, maxsplit=1)[0]
                where = key.removeprefix(f"threshold.{field}")
                for message in messages:
                    text = f"{where.lstrip('.')}: {message}" if where else message
                    self.add_error(field if field in self.fields else None, text)
        return data


class PolicyForm(forms.Form):
    """Steps 1, 2 and 4: name, type, scope, mode, phase, enabled."""

    name = forms.CharField(max_length=200, label="Name")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    type = forms.ChoiceField(choices=[], widget=forms.RadioSelect, label="Policy type")
    agents = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Agents",
        help_text="Leave all unticked to apply to every agent.",
    )
    tool_patterns = forms.CharField(
        required=False,
        label="Tool patterns",
        widget=TagsWidget(
            attrs={
                "data-tags": "1",
                "list": "tool-suggestions",
                "placeholder": "database.*, email.send",
            }
        ),
        help_text="Tools this policy applies to (wildcards allowed: database.*). Leave empty for every tool.",
    )
    mode = forms.ChoiceField(
        choices=[(m.value, m.label) for m in Mode], widget=forms.RadioSelect, initial=Mode.BLOCK
    )
    phase = forms.ChoiceField(
        choices=[(p.value, p.label) for p in Phase],
        widget=forms.RadioSelect,
        required=False,
        help_text="When the policy looks at the call. Left empty: the type's usual phase.",
    )
    enabled = forms.BooleanField(
        required=False, initial=False, help_text="Takes effect on the next call."
    )

    def __init__(self, *args, agent_names=(), **kw):
        super().__init__(*args, **kw)
        self.fields["type"].choices = [(t, spec.label) for t, spec in POLICY_TYPES.items()]
        self.fields["agents"].choices = [(n, n) for n in agent_names]

    def clean_tool_patterns(self):
        value = self.cleaned_data.get("tool_patterns") or ""
        return [v.strip() for v in _SPLIT_TAGS.split(value) if v.strip()]

    def clean(self):
        data = super().clean()
        policy_type = data.get("type")
        if policy_type in PolicyType.values:
            phase = data.get("phase") or DEFAULT_PHASE[PolicyType(policy_type)]
            data["phase"] = str(phase)
            message = phase_error(policy_type, data["phase"])
            if message:
                self.add_error("phase", message)
        return data
