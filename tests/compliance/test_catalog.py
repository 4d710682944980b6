"""Integrity of the shipped catalogs and mapping rules (no database)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from compliance.catalog import (
    CATALOG_DIR,
    MAPPING_DIR,
    POLICY_TYPES,
    ROLE_PRIMARY,
    CatalogError,
    default_catalog,
    load_catalog,
)

EXPECTED_FRAMEWORKS = {"soc2", "hipaa", "gdpr", "iso27001", "eu_ai_act"}


@pytest.fixture(scope="module")
def catalog():
    return default_catalog()


def ids(catalog, code):
    return [c.id for c in catalog.framework(code).controls]


def test_all_five_frameworks_load_with_a_cited_source(catalog):
    assert set(catalog.frameworks) == EXPECTED_FRAMEWORKS
    for framework in catalog.frameworks.values():
        assert framework.source_citation, framework.code
        assert framework.source_url.startswith("https://"), framework.code
        assert framework.version and framework.publisher


def test_every_catalog_file_cites_its_source_in_a_comment():
    for path in CATALOG_DIR.glob("*.yaml"):
        head = path.read_text(encoding="utf-8").split("framework:")[0]
        assert "Source:" in head, path.name


def test_control_ids_are_unique_and_titled(catalog):
    for framework in catalog.frameworks.values():
        control_ids = ids(catalog, framework.code)
        assert len(control_ids) == len(set(control_ids)), framework.code
        for control in framework.controls:
            assert control.title.strip(), control.id
            assert control.section in framework.sections_by_id, control.id


def test_iso27001_annex_a_has_all_93_controls_in_order(catalog):
    control_ids = ids(catalog, "iso27001")
    expected = (
        [f"5.{i}" for i in range(1, 38)]
        + [f"6.{i}" for i in range(1, 9)]
        + [f"7.{i}" for i in range(1, 15)]
        + [f"8.{i}" for i in range(1, 35)]
    )
    assert control_ids == expected
    iso = catalog.framework("iso27001")
    assert iso.control("8.15").title == "Logging"
    assert iso.control("5.15").title == "Access control"
    assert iso.control("8.2").title == "Privileged access rights"
    assert iso.control("5.23").title == "Information security for use of cloud services"
    assert iso.control("8.1").title == "User end point devices"
    assert [s.title for s in iso.sections] == [
        "Organizational controls",
        "People controls",
        "Physical controls",
        "Technological controls",
    ]


def test_soc2_has_every_2017_trust_services_criterion(catalog):
    control_ids = set(ids(catalog, "soc2"))
    common = {
        "CC1": 5, "CC2": 3, "CC3": 4, "CC4": 2, "CC5": 3, "CC6": 8, "CC7": 5, "CC8": 1, "CC9": 2,
        "A1": 3, "C1": 2, "PI1": 5,
        "P1": 1, "P2": 1, "P3": 2, "P4": 3, "P5": 2, "P6": 7, "P7": 1, "P8": 1,
    }  # fmt: skip
    expected = {f"{series}.{i}" for series, n in common.items() for i in range(1, n + 1)}
    assert control_ids == expected
    assert len(expected) == 61


def test_hipaa_uses_exact_cfr_paragraph_designations(catalog):
    hipaa = catalog.framework("hipaa")
    pattern = re.compile(
        r"^164\.3(08|10|12|14|16)(\([a-z]\))(\(\d+\))?(\((i|ii|iii|iv)\))?(\([A-E]\))?$"
    )
    for control in hipaa.controls:
        assert pattern.match(control.id), control.id
        assert control.id.startswith(control.section), control.id
    assert hipaa.control("164.312(b)").title == "Audit controls"
    assert hipaa.control("164.308(a)(1)(ii)(D)").title == "Information system activity review"
    assert hipaa.control("164.312(a)(1)").title == "Access control"
    assert hipaa.control("164.312(d)").title == "Person or entity authentication"
    required = [c for c in hipaa.controls if c.attributes.get("requirement") == "required"]
    addressable = [c for c in hipaa.controls if c.attributes.get("requirement") == "addressable"]
    assert hipaa.control("164.308(a)(1)(ii)(A)") in required
    assert hipaa.control("164.312(a)(2)(iv)") in addressable


def test_gdpr_and_ai_act_cover_the_required_articles(catalog):
    gdpr_articles = {c.attributes["article"] for c in catalog.framework("gdpr").controls}
    assert {5, 6, 15, 16, 17, 20, 25, 28, 30, 32, 33, 35} <= gdpr_articles
    assert catalog.framework("gdpr").control("Art. 17").title.startswith("Right to erasure")
    ai_act = catalog.framework("eu_ai_act")
    assert {9, 10, 11, 12, 13, 14, 15, 17, 19, 26, 72, 73} <= {
        c.attributes["article"] for c in ai_act.controls
    }
    assert ai_act.control("Art. 14").title == "Human oversight"
    assert ai_act.control("Art. 19").title == "Automatically generated logs"
    assert ai_act.control("Art. 12").title == "Record-keeping"


def test_every_mapping_points_at_an_existing_control(catalog):
    for rule in catalog.rules:
        for framework in rule.frameworks():
            for control_id, _role in rule.controls_for(framework):
                assert control_id in catalog.framework(framework).controls_by_id, (
                    rule.id,
                    control_id,
                )


def test_policy_types_agree_with_the_policies_app():
    types = pytest.importorskip("policies.types")
    assert set(POLICY_TYPES) == set(types.PolicyType.values)


def test_every_policy_type_maps_itself_by_type(catalog):
    for policy_type in POLICY_TYPES:
        mapped = catalog.controls_for_policy_type(policy_type)
        assert mapped, policy_type
        assert all(pairs for pairs in mapped.values())


@pytest.mark.parametrize(
    ("policy_type", "framework", "control_id", "role"),
    [
        ("pii_access", "gdpr", "Art. 25", "supporting"),
        ("pii_access", "hipaa", "164.312(a)(1)", "supporting"),
        ("pii_access", "iso27001", "5.34", "supporting"),
        ("action_approval", "eu_ai_act", "Art. 14", ROLE_PRIMARY),
        ("prompt_injection", "eu_ai_act", "Art. 15", "supporting"),
        ("prompt_injection", "soc2", "CC6.6", ROLE_PRIMARY),
        ("access_control", "soc2", "CC6.1", ROLE_PRIMARY),
        ("access_control", "iso27001", "5.15", ROLE_PRIMARY),
        ("record_count_limit", "iso27001", "8.12", ROLE_PRIMARY),
        ("external_api", "iso27001", "5.14", ROLE_PRIMARY),
        ("data_restriction", "iso27001", "8.3", ROLE_PRIMARY),
        ("cost_limit", "iso27001", "8.6", "supporting"),
        ("budget_cap", "soc2", "A1.1", "supporting"),
        ("quality_threshold", "soc2", "PI1.4", ROLE_PRIMARY),
        ("output_classification", "iso27001", "8.12", ROLE_PRIMARY),
        ("custom", "soc2", "CC5.3", "supporting"),
    ],
)
def test_policy_type_reaches_expected_control(catalog, policy_type, framework, control_id, role):
    assert (control_id, role) in catalog.controls_for_policy_type(policy_type)[framework]


@pytest.mark.parametrize(
    ("signal", "framework", "control_id"),
    [
        ("ledger_integrity", "iso27001", "8.15"),
        ("ledger_integrity", "soc2", "CC7.2"),
        ("ledger_integrity", "hipaa", "164.312(b)"),
        ("ledger_integrity", "eu_ai_act", "Art. 12"),
        ("log_retention", "eu_ai_act", "Art. 19"),
        ("access_roles", "soc2", "CC6.3"),
        ("access_roles", "iso27001", "8.2"),
        ("api_keys", "soc2", "CC6.1"),
        ("api_keys", "iso27001", "5.17"),
        ("human_oversight", "eu_ai_act", "Art. 14"),
        ("data_subject_requests", "gdpr", "Art. 15"),
        ("data_subject_requests", "gdpr", "Art. 16"),
        ("data_subject_requests", "gdpr", "Art. 17"),
        ("data_subject_requests", "gdpr", "Art. 20"),
    ],
)
def test_platform_evidence_reaches_expected_control(catalog, signal, framework, control_id):
    links = catalog.links_for_control(framework, control_id)
    assert any(link.rule.signal == signal for link in links), [link.rule.id for link in links]


def test_eu_ai_act_retention_rule_requires_six_calendar_months_for_high_risk(catalog):
    rule = catalog.rules_by_id["retention.high_risk_logs"]
    assert rule.params == {"months": 6, "scope": "high_risk"}
    # Art. 26(6) is its own control; the rest of Art. 26 is not met by retention alone.
    assert set(rule.primary["eu_ai_act"]) == {"Art. 19", "Art. 26(6)"}
    assert rule.supporting["eu_ai_act"] == ("Art. 26",)
    assert all(
        link.role == "supporting" for link in catalog.links_for_control("eu_ai_act", "Art. 26")
    )


def test_every_rule_states_what_it_proves_and_what_it_does_not(catalog):
    for rule in catalog.rules:
        assert len(rule.rationale) > 60 and len(rule.limits) > 40, rule.id
        assert rule.rationale != rule.limits


def test_a_rule_without_limits_is_rejected(tmp_path):
    catalogs, mappings = _copy_tree(tmp_path)
    path = mappings / "evidence.yaml"
    text = path.read_text()
    start = text.index("    limits: >-", text.index("id: ledger.integrity"))
    end = text.index("    remediation:", start)
    path.write_text(text[:start] + text[end:])
    with pytest.raises(CatalogError) as err:
        load_catalog(catalogs, mappings)
    assert any("rule ledger.integrity: limits is required" in e for e in err.value.errors)


def test_wording_iso_5_34_and_ai_act_application_dates(catalog):
    assert catalog.framework("iso27001").control("5.34").title == "Privacy and protection of PII"
    dates = {d for d, _what, _source in catalog.framework("eu_ai_act").application_dates}
    assert {"2025-02-02", "2026-08-02", "2027-08-02"} <= dates
    assert all(
        "2024/1689" in source for _d, _w, source in catalog.framework("eu_ai_act").application_dates
    )
    assert (
        catalog.framework("soc2").report_title == "Readiness evidence for SOC 2 (Type I/II audits)"
    )
    ai_act = catalog.framework("eu_ai_act")
    assert ai_act.control("Art. 26(6)").attributes["high_risk"] is True
    assert "high_risk" not in ai_act.control("Art. 4").attributes


def _copy_tree(tmp_path: Path) -> tuple[Path, Path]:
    catalogs, mappings = tmp_path / "catalogs", tmp_path / "mappings"
    shutil.copytree(CATALOG_DIR, catalogs)
    shutil.copytree(MAPPING_DIR, mappings)
    return catalogs, mappings


def test_a_mapping_to_a_missing_control_is_rejected(tmp_path):
    catalogs, mappings = _copy_tree(tmp_path)
    path = mappings / "policies.yaml"
    path.write_text(path.read_text().replace('iso27001: ["5.14"]', 'iso27001: ["5.99"]'))
    with pytest.raises(CatalogError) as err:
        load_catalog(catalogs, mappings)
    assert any("'5.99' does not exist in iso27001" in e for e in err.value.errors)


def test_an_unquoted_id_or_title_with_a_comma_is_rejected(tmp_path):
    catalogs, mappings = _copy_tree(tmp_path)
    path = catalogs / "iso27001.yaml"
    text = path.read_text().replace('{id: "5.10",', "{id: 5.10,")
    text = text.replace(
        'title: "Securing offices, rooms and facilities"',
        "title: Securing offices, rooms and facilities",
    )
    path.write_text(text)
    with pytest.raises(CatalogError) as err:
        load_catalog(catalogs, mappings)
    joined = " ".join(err.value.errors)
    assert "must be a quoted string" in joined
    assert "unknown attribute" in joined


def test_an_unmapped_policy_type_and_unknown_signal_are_rejected(tmp_path):
    catalogs, mappings = _copy_tree(tmp_path)
    path = mappings / "policies.yaml"
    text = path.read_text().replace(
        "params: {policy_type: budget_cap}", "params: {policy_type: cost_limit}"
    )
    text = text.replace("signal: policy_program", "signal: policy_programme")
    path.write_text(text)
    with pytest.raises(CatalogError) as err:
        load_catalog(catalogs, mappings)
    joined = " ".join(err.value.errors)
    assert "no rule maps policy type 'budget_cap'" in joined
    assert "unknown signal 'policy_programme'" in joined


def test_duplicate_control_ids_are_rejected(tmp_path):
    catalogs, mappings = _copy_tree(tmp_path)
    path = catalogs / "gdpr.yaml"
    path.write_text(path.read_text().replace('{id: "Art. 7",', '{id: "Art. 6",'))
    with pytest.raises(CatalogError) as err:
        load_catalog(catalogs, mappings)
    assert any("duplicate control id 'Art. 6'" in e for e in err.value.errors)
