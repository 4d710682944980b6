"""The typed policy settings: one schema per type, the registry the wizard reads, and the
OpenAPI contract generated from them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.detectors.pii import PII_TYPES
from policies.evaluators import POLICY_TYPES, SETTINGS
from policies.evaluators.cost_limit import CostLimitSettings
from policies.thresholds import ThresholdError, clean_threshold, parse_settings
from policies.types import PolicyType


def test_every_type_has_a_schema_a_summary_and_a_valid_example():
    assert set(POLICY_TYPES) == set(PolicyType.values)
    for policy_type, spec in POLICY_TYPES.items():
        assert spec.label and spec.summary.endswith(".")
        settings = parse_settings(policy_type, spec.example)
        assert isinstance(settings, spec.settings)
        # the stored form parses back to the same settings (what the decision path loads)
        assert parse_settings(policy_type, settings.to_threshold()) == settings


@pytest.mark.parametrize("policy_type", PolicyType.values)
def test_every_field_is_described_for_a_form(policy_type):
    schema = POLICY_TYPES[policy_type].json_schema()
    assert schema["x-policy-type"] == policy_type
    assert schema["x-summary"] == POLICY_TYPES[policy_type].summary
    assert schema["examples"] == [POLICY_TYPES[policy_type].example]
    assert schema["additionalProperties"] is False
    for name, field in schema["properties"].items():
        assert field.get("title"), name
        assert field.get("x-widget"), name
    # the type's own fields come first, the approval group last
    groups = [f.get("x-group") for f in schema["properties"].values()]
    assert groups[-6:] == ["approval"] * 6 and "approval" not in groups[:-6]


def test_pii_checkboxes_offer_the_detectors_types_with_labels():
    field = POLICY_TYPES["pii_access"].json_schema()["properties"]["denied_pii_types"]
    assert field["x-widget"] == "checkboxes"
    assert field["items"]["enum"] == list(PII_TYPES)
    assert set(field["x-enum-labels"]) == set(PII_TYPES)


def test_widgets_for_money_periods_domains_methods_and_rules():
    props = {t: POLICY_TYPES[t].json_schema()["properties"] for t in POLICY_TYPES}
    assert props["cost_limit"]["max_cost_per_call"]["x-widget"] == "money"
    assert props["cost_limit"]["max_cost_per_call"]["x-currency"] == "organisation"
    assert props["budget_cap"]["amount"]["x-widget"] == "money"
    assert props["budget_cap"]["period"]["enum"] == ["day", "week", "month"]
    assert props["budget_cap"]["period"]["x-widget"] == "period"
    assert props["external_api"]["allowed_domains"]["x-widget"] == "domains"
    assert props["external_api"]["allowed_methods"]["items"]["enum"][0] == "GET"
    assert props["data_restriction"]["restricted_words"]["x-widget"] == "tags"
    assert props["custom"]["rule"]["x-widget"] == "textarea"
    assert "plain English" in props["custom"]["rule"]["title"]


def test_approval_defaults_live_in_one_place():
    settings = parse_settings("pii_access", {"denied_pii_types": ["ssn"]})
    params = settings.approval_params()
    field = SETTINGS["pii_access"].model_fields["approval_timeout"]
    assert params.approval_timeout == field.default == 3600
    assert params.required_role == "reviewer" and params.on_timeout == "deny"
    # stored only when given, except for action_approval where they are the point
    assert "approval_timeout" not in clean_threshold("pii_access", {"denied_pii_types": ["ssn"]})
    assert (
        clean_threshold("action_approval", {"restricted_actions": ["x"]})["approval_timeout"]
        == 3600
    )


def test_evaluators_get_typed_immutable_settings():
    settings = parse_settings("cost_limit", {"max_cost_per_call": 0.1})
    assert isinstance(settings, CostLimitSettings)
    assert settings.max_cost_per_call == Decimal("0.1")
    with pytest.raises(Exception, match="frozen"):
        settings.max_cost_per_call = Decimal(5)  # type: ignore[misc]


def test_errors_name_nested_keys_and_every_bad_item():
    with pytest.raises(ThresholdError) as exc:
        clean_threshold(
            "access_control",
            {"rules": [{"tools": ["a", " "], "time_windows": [{"days": ["mon", "xyz"]}], "x": 1}]},
        )
    assert exc.value.errors == {
        "threshold.rules[0].tools[1]": ["must be a non-empty string"],
        "threshold.rules[0].time_windows[0].days[1]": [
            "'xyz' is not one of: mon, tue, wed, thu, fri, sat, sun"
        ],
        "threshold.rules[0].x": ["unknown field"],
    }
    with pytest.raises(ThresholdError) as exc:
        clean_threshold("pii_access", {"denied_pii_types": ["ssn"], "escalation_contacts": ["x"]})
    assert exc.value.errors == {"threshold.escalation_contacts[0]": ["is not an e-mail address"]}


def test_null_means_the_default():
    assert clean_threshold("prompt_injection", {"sensitivity": None, "min_score": None}) == {
        "sensitivity": "medium",
        "scan": "both",
    }


def test_money_keeps_the_stored_string_form():
    assert (
        clean_threshold("cost_limit", {"max_cost_per_call": "0.50"})["max_cost_per_call"] == "0.50"
    )
    assert clean_threshold("budget_cap", {"amount": 250})["amount"] == "250"
    assert clean_threshold("budget_cap", {"amount": 100.0})["amount"] == "100.0"
    # a binary float's noise past 8 places is rounded away, a string's is refused
    assert clean_threshold("budget_cap", {"amount": 0.123456789})["amount"] == "0.12345679"
    with pytest.raises(ThresholdError) as exc:
        clean_threshold("budget_cap", {"amount": "0.123456789"})
    assert exc.value.errors == {"threshold.amount": ["must have at most 8 decimal places"]}


@given(st.dictionaries(st.text(max_size=8), st.none() | st.integers() | st.text(max_size=8)))
def test_arbitrary_json_never_escapes_as_anything_but_a_threshold_error(data):
    for policy_type in PolicyType.values:
        try:
            clean_threshold(policy_type, data)
        except ThresholdError as exc:
            assert all(key.startswith("threshold") for key in exc.errors)


@pytest.mark.django_db
def test_openapi_documents_policies_as_a_oneof_by_type(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    body = schema["paths"]["/api/v1/policies"]["post"]["requestBody"]["content"]
    create = components[body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert create["discriminator"]["propertyName"] == "type"
    mapping = create["discriminator"]["mapping"]
    assert set(mapping) == set(PolicyType.values)
    assert len(create["oneOf"]) == len(PolicyType.values)
    for policy_type, ref in mapping.items():
        variant = components[ref.rsplit("/", 1)[1]]
        assert variant["properties"]["type"]["allOf"][0]["enum"] == [policy_type]
        threshold = variant["properties"]["threshold"]
        settings_ref = threshold.get("$ref", threshold.get("allOf", [{}])[0].get("$ref"))
        settings_ref = settings_ref.rsplit("/", 1)[1]
        settings = components[settings_ref]
        assert settings["x-policy-type"] == policy_type
        assert settings["example"] == POLICY_TYPES[policy_type].example
    # nested models are components too, and the answers are documented the same way
    assert "AccessRule" in components and "TimeWindow" in components
    answer = schema["paths"]["/api/v1/policies/{policy_id}"]["get"]["responses"]["200"]
    policy = components[answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert policy["discriminator"]["propertyName"] == "type"
    # OpenAPI 3.0: no JSON Schema 2020-12 leftovers from pydantic
    text = str(components)
    assert "'const'" not in text and "'examples'" not in text and "{'type': 'null'}" not in text


def test_docs_table_lists_every_type_and_setting():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "policies.md").read_text()
    section = text.split("## Settings per type", 1)[1].split("\n## ", 1)[0]
    for policy_type, spec in POLICY_TYPES.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{policy_type}` |"))
        for name in spec.settings.model_fields:
            assert f"`{name}`" in row or f"| `{name}` |" in section, (policy_type, name)
