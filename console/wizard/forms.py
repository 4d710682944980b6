"""The policy wizard's forms: the settings form is generated from the policy type's pydantic
schema (``POLICY_TYPES[type].json_schema()``), one Django field per setting, the control chosen
by the schema's ``x-widget`` (``fields``); lists of objects are rows (``nested``). Validation is
the type's own (``policies.thresholds``), and each error lands on the input it names
(``threshold.denied_pii_types[1]`` → ``denied_pii_types``; ``threshold.rules[0].effect`` → the
first rule's effect)."""

from __future__ import annotations

from django import forms

from policies.evaluators import POLICY_TYPES
from policies.thresholds import ThresholdError, clean_threshold, phase_error
from policies.types import DEFAULT_PHASE, Mode, Phase, PolicyType

from .fields import SPLIT_TAGS, TagsWidget, field_for, read_value
from .nested import GroupForm, RowList, error_path, nested_for

MODE_HELP = {
    Mode.BLOCK: "Refuse the call: the tool does not run and the agent is told why.",
    Mode.REQUIRE_APPROVAL: "Pause the call until a person approves or denies it in the queue.",
    Mode.WARN: "Let the call run, and record and report the violation.",
    Mode.MONITOR: "Let the call run and only record what the policy would have done.",
}


class SettingsForm(forms.Form):
    """The settings of one policy type, generated from its schema; nested settings (lists of
    rules, groups of markers) are edited as rows and groups (``nested``), never as JSON."""

    def __init__(
        self, policy_type: str, *args, currency: str = "USD", initial_threshold=None, **kw
    ):
        self.policy_type = policy_type
        spec = POLICY_TYPES[policy_type]
        schema = spec.json_schema()
        required = set(schema.get("required", []))
        self.kinds: dict[str, str] = {}
        self.groups: dict[str, str] = {}
        self.nested: dict[str, RowList | GroupForm] = {}
        self.order: list[str] = []
        initial = dict(initial_threshold or {})
        self.stored_keys = set(initial)
        self.defaults: dict[str, object] = {}
        super().__init__(*args, initial=initial, **kw)
        for name, prop in schema.get("properties", {}).items():
            self.order.append(name)
            self.defaults[name] = prop.get("default")
            self.groups[name] = prop.get("x-group", "")
            child = nested_for(
                name, prop, schema, self.data if self.is_bound else None,
                prefix=self.add_prefix(name), initial=initial.get(name),
                required=name in required, currency=currency,
            )  # fmt: skip
            if child is not None:
                self.nested[name] = child
                continue
            field, kind = field_for(name, prop, required=name in required, currency=currency)
            if name not in initial and "default" in prop and prop["default"] is not None:
                self.initial[name] = prop["default"]
            self.fields[name] = field
            self.kinds[name] = kind

    def _items(self, approval: bool) -> list:
        return [
            self.nested.get(name) or self[name]
            for name in self.order
            if (self.groups[name] == "approval") == approval
        ]

    def main_fields(self):
        """The type's own settings: bound fields, row lists and groups, in the schema's order."""
        return self._items(approval=False)

    def approval_fields(self):
        return self._items(approval=True)

    def row_op(self) -> bool:
        """A row was added or removed without JavaScript: draw the form again, save nothing."""
        return self.is_bound and any(n.row_op() for n in self.nested.values())

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return valid and not any(n.has_errors() for n in self.nested.values())

    def clean(self):
        data = super().clean()
        raw = {}
        nested_ok = True
        for name, child in self.nested.items():
            value, ok = child.value()
            nested_ok = nested_ok and ok
            if value is not None:
                raw[name] = value
        if self.errors or not nested_ok or self.row_op():
            return data
        for name in self.fields:
            value = read_value(self.kinds[name], data.get(name))
            if value is None or self._unset_approval(name, value):
                continue
            raw[name] = value
        try:
            self.threshold = clean_threshold(self.policy_type, raw)
        except ThresholdError as exc:
            for key, messages in exc.errors.items():
                self._route(key, messages)
        return data

    def _unset_approval(self, name: str, value) -> bool:
        """An approval setting left at its default and not stored before stays unstored (the
        API stores them only when given), so an edit that changes nothing stores the same JSON."""
        return (
            self.groups[name] == "approval"
            and name not in self.stored_keys
            and value == self.defaults[name]
        )

    def _route(self, key: str, messages: list[str]) -> None:
        """Show an error of the typed settings (``threshold.rules[0].effect``) on its input."""
        path = error_path(key)
        name = path[0] if path and isinstance(path[0], str) else None
        for message in messages:
            if name in self.nested:
                self.nested[name].route(path[1:], message)
                continue
            where = key.removeprefix(f"threshold.{name}") if name else ""
            text = f"{where.lstrip('.')}: {message}" if where else message
            self.add_error(name if name in self.fields else None, text)


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
        required=False,
        initial=False,
        help_text="Off until you tick it: a new policy checks no call until it is enabled "
        "(test it and dry-run it below first). Takes effect on the next call.",
    )

    def __init__(self, *args, agent_names=(), **kw):
        super().__init__(*args, **kw)
        self.fields["type"].choices = [(t, spec.label) for t, spec in POLICY_TYPES.items()]
        self.fields["agents"].choices = [(n, n) for n in agent_names]

    def clean_tool_patterns(self):
        value = self.cleaned_data.get("tool_patterns") or ""
        return [v.strip() for v in SPLIT_TAGS.split(value) if v.strip()]

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
