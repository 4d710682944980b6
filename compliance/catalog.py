"""Framework catalogs and mapping rules: load, validate, query.

Pure Python (no Django, no database): the `load_catalogs` command and the
`post_migrate` sync copy what this module returns into the database, and the
tests check its integrity directly.

Data lives next to this module:

* ``catalogs/<framework>.yaml`` — one file per framework: ``framework`` (code,
  name, version, publisher, source citation), ``sections`` and ``controls``
  (official identifier, short title, section, optional attributes such as the
  HIPAA requirement or the COSO principle).
* ``mappings/*.yaml`` — rules from what Execlave knows (policy types, ledger
  integrity, retention, roles, keys, approvals, data-subject requests, audit
  log, agent inventory, enforcement activity) to controls. The format is
  described at the top of ``mappings/policies.yaml``.

How a control's status follows from its rules (see ``compliance.assess``):
rules with ``primary`` role decide the status; ``supporting`` rules add
evidence and decide the status only when a control has no primary rule, and
then never better than ``partial``. Rules in the same ``group`` are
alternatives (the best one counts); different groups must all hold. A rule is
its own group unless it names one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BASE_DIR = Path(__file__).resolve().parent
CATALOG_DIR = BASE_DIR / "catalogs"
MAPPING_DIR = BASE_DIR / "mappings"

MAPPING_SCHEMA = "execlave.compliance.mapping/1"

#: Policy types the policies app knows (policies.types.PolicyType; the tests check
#: the two agree). Validation requires a rule for each type.
POLICY_TYPES: tuple[str, ...] = (
    "cost_limit",
    "record_count_limit",
    "pii_access",
    "prompt_injection",
    "action_approval",
    "external_api",
    "data_restriction",
    "access_control",
    "budget_cap",
    "quality_threshold",
    "output_classification",
    "custom",
)

ROLE_PRIMARY = "primary"
ROLE_SUPPORTING = "supporting"
ROLES = (ROLE_PRIMARY, ROLE_SUPPORTING)


def _policy_type(value: Any) -> str | None:
    if value not in POLICY_TYPES:
        return f"must be one of {', '.join(POLICY_TYPES)}"
    return None


def _positive_int(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return "must be a positive integer"
    return None


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _one_of(*choices: str):
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


DSR_TYPES = ("access", "rectification", "erasure", "portability", "restriction", "objection")


def _dsr_types(value: Any) -> str | None:
    if not isinstance(value, list) or not value or any(v not in DSR_TYPES for v in value):
        return f"must be a non-empty list drawn from {', '.join(DSR_TYPES)}"
    return None


#: Evidence signals and the parameters each accepts: name -> (required, check).
#: A collector for each signal lives in compliance.evidence (phase B).
SIGNALS: dict[str, dict[str, tuple[bool, Any]]] = {
    "policy": {"policy_type": (True, _policy_type)},
    "policy_program": {},
    "ledger_integrity": {},
    "log_retention": {
        "min_days": (False, _positive_int),
        "months": (False, _positive_int),  # calendar months from every day of the period
        "require_limit": (False, _bool),
        "require_purpose": (False, _bool),  # the organisation documents the period's purpose
        "scope": (False, _one_of("all", "high_risk")),
    },
    "access_roles": {},
    "api_keys": {},
    "human_oversight": {},
    "data_subject_requests": {
        "request_types": (True, _dsr_types),
        "deadline_days": (False, _positive_int),
    },
    "audit_log": {},
    "policy_change_history": {},
    "agent_inventory": {},
    "enforcement_activity": {},
}


#: Optional attributes a control may carry, with their checks.
CONTROL_ATTRIBUTES: dict[str, Any] = {
    "coso": _positive_int,  # SOC 2: COSO 2013 principle restated by a common criterion
    "kind": _one_of("standard", "implementation_specification"),  # HIPAA
    "requirement": _one_of("required", "addressable"),  # HIPAA implementation specifications
    "article": _positive_int,  # GDPR, EU AI Act
    "applies_to": lambda v: (
        None
        if isinstance(v, list) and v and all(x in ("provider", "deployer") for x in v)
        else "must be a list drawn from provider, deployer"
    ),  # EU AI Act
    # EU AI Act: the article states obligations for high-risk AI systems only; it applies when
    # the organisation had a high-risk agent during the report period.
    "high_risk": _bool,
}


class CatalogError(ValueError):
    """The catalog or mapping files are inconsistent. `errors` lists every problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    short: str = ""  # label for charts, e.g. "A1 Availability"

    @property
    def label(self) -> str:
        return self.short or f"{self.id} {self.title}"


@dataclass(frozen=True)
class Control:
    framework: str
    id: str
    title: str
    section: str
    order: int
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Framework:
    code: str
    name: str
    title: str
    version: str
    publisher: str
    source_citation: str
    source_url: str
    id_format: str
    title_note: str
    sections: tuple[Section, ...]
    controls: tuple[Control, ...]
    report_title: str = ""
    #: When the framework's obligations apply, as its source sets them: (date, what, source).
    application_dates: tuple[tuple[str, str, str], ...] = ()

    @functools.cached_property
    def controls_by_id(self) -> dict[str, Control]:
        return {c.id: c for c in self.controls}

    @functools.cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    def control(self, control_id: str) -> Control:
        return self.controls_by_id[control_id]


@dataclass(frozen=True)
class MappingRule:
    id: str
    signal: str
    params: Mapping[str, Any]
    group: str
    rationale: str
    remediation: str
    primary: Mapping[str, tuple[str, ...]]
    supporting: Mapping[str, tuple[str, ...]]
    source_file: str = ""
    #: What the evidence does not prove, in a sentence an auditor can check.
    limits: str = ""

    @property
    def policy_type(self) -> str | None:
        return self.params.get("policy_type") if self.signal == "policy" else None

    def controls_for(self, framework: str) -> list[tuple[str, str]]:
        """(control id, role) pairs this rule maps to in one framework."""
        return [(c, ROLE_PRIMARY) for c in self.primary.get(framework, ())] + [
            (c, ROLE_SUPPORTING) for c in self.supporting.get(framework, ())
        ]

    def frameworks(self) -> set[str]:
        return set(self.primary) | set(self.supporting)


@dataclass(frozen=True)
class ControlLink:
    """One rule applying to one control, with the role it plays there."""

    rule: MappingRule
    role: str


@dataclass(frozen=True)
class Catalog:
    frameworks: Mapping[str, Framework]
    rules: tuple[MappingRule, ...]

    @functools.cached_property
    def rules_by_id(self) -> dict[str, MappingRule]:
        return {r.id: r for r in self.rules}

    @functools.cached_property
    def _links(self) -> dict[tuple[str, str], tuple[ControlLink, ...]]:
        links: dict[tuple[str, str], list[ControlLink]] = {}
        for rule in self.rules:
            for framework in rule.frameworks():
                for control_id, role in rule.controls_for(framework):
                    links.setdefault((framework, control_id), []).append(ControlLink(rule, role))
        return {k: tuple(v) for k, v in links.items()}

    def framework(self, code: str) -> Framework:
        return self.frameworks[code]

    def links_for_control(self, framework: str, control_id: str) -> tuple[ControlLink, ...]:
        return self._links.get((framework, control_id), ())

    def rules_for_framework(self, framework: str) -> list[MappingRule]:
        return [r for r in self.rules if framework in r.frameworks()]

    def rules_for_policy_type(self, policy_type: str) -> list[MappingRule]:
        return [r for r in self.rules if r.policy_type == policy_type]

    def controls_for_policy_type(self, policy_type: str) -> dict[str, list[tuple[str, str]]]:
        """Which controls a policy of this type speaks to: {framework: [(id, role)]}.

        This is how a new policy maps itself: by its type, with no tagging.
        """
        result: dict[str, list[tuple[str, str]]] = {}
        for rule in self.rules_for_policy_type(policy_type):
            for framework in sorted(rule.frameworks()):
                result.setdefault(framework, []).extend(rule.controls_for(framework))
        return result


# --------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _parse_framework(path: Path, data: Any, errors: list[str]) -> Framework | None:
    where = path.name
    if not isinstance(data, dict):
        errors.append(f"{where}: top level must be a mapping")
        return None
    meta = data.get("framework")
    if not isinstance(meta, dict):
        errors.append(f"{where}: missing 'framework' mapping")
        return None
    for key in ("code", "name", "version", "publisher"):
        if not _str(meta.get(key)):
            errors.append(f"{where}: framework.{key} is required (a string)")
    source = meta.get("source") or {}
    if not isinstance(source, dict) or not _str(source.get("citation")):
        errors.append(f"{where}: framework.source.citation is required — cite the source")
        source = {}
    code = str(meta.get("code", ""))

    sections: list[Section] = []
    seen_sections: set[str] = set()
    for i, raw in enumerate(data.get("sections") or []):
        if not isinstance(raw, dict) or not _str(raw.get("id")) or not _str(raw.get("title")):
            errors.append(f"{where}: sections[{i}] needs string id and title")
            continue
        if raw["id"] in seen_sections:
            errors.append(f"{where}: duplicate section id {raw['id']!r}")
        seen_sections.add(raw["id"])
        sections.append(
            Section(id=raw["id"], title=raw["title"], short=str(raw.get("short") or ""))
        )

    controls: list[Control] = []
    seen: set[str] = set()
    raw_controls = data.get("controls")
    if not isinstance(raw_controls, list) or not raw_controls:
        errors.append(f"{where}: 'controls' must be a non-empty list")
        raw_controls = []
    for i, raw in enumerate(raw_controls):
        if not isinstance(raw, dict):
            errors.append(f"{where}: controls[{i}] must be a mapping")
            continue
        cid, title, section = raw.get("id"), raw.get("title"), raw.get("section")
        # Unquoted YAML ids such as 5.10 would load as the float 5.1: insist on strings.
        if not _str(cid):
            errors.append(f"{where}: controls[{i}].id must be a quoted string, got {cid!r}")
            continue
        if not _str(title):
            errors.append(f"{where}: control {cid}: title is required")
        if section not in seen_sections:
            errors.append(f"{where}: control {cid}: unknown section {section!r}")
        if cid in seen:
            errors.append(f"{where}: duplicate control id {cid!r}")
        seen.add(cid)
        attributes = {k: v for k, v in raw.items() if k not in ("id", "title", "section")}
        for name, value in attributes.items():
            check = CONTROL_ATTRIBUTES.get(name)
            if check is None:
                # Typically an unquoted title with a comma inside a {flow: mapping}.
                errors.append(
                    f"{where}: control {cid}: unknown attribute {name!r} (quote titles containing commas)"
                )
                continue
            problem = check(value)
            if problem:
                errors.append(f"{where}: control {cid}: {name} {problem}")
        controls.append(
            Control(
                framework=code,
                id=cid,
                title=str(title or ""),
                section=str(section or ""),
                order=i,
                attributes=attributes,
            )
        )
    application_dates: list[tuple[str, str, str]] = []
    for i, raw in enumerate(meta.get("application_dates") or []):
        if not isinstance(raw, dict) or not all(
            _str(raw.get(k)) for k in ("date", "applies", "source")
        ):
            errors.append(
                f"{where}: framework.application_dates[{i}] needs date, applies and source"
            )
            continue
        application_dates.append((str(raw["date"]), raw["applies"], raw["source"]))
    return Framework(
        report_title=str(
            meta.get("report_title") or f"Readiness evidence for {meta.get('name', '')}"
        ),
        application_dates=tuple(application_dates),
        code=code,
        name=str(meta.get("name", "")),
        title=str(meta.get("title") or meta.get("name", "")),
        version=str(meta.get("version", "")),
        publisher=str(meta.get("publisher", "")),
        source_citation=str(source.get("citation", "")),
        source_url=str(source.get("url", "")),
        id_format=str(meta.get("id_format", "")),
        title_note=str(meta.get("title_note", "")),
        sections=tuple(sections),
        controls=tuple(controls),
    )


def _parse_control_map(
    where: str, key: str, value: Any, errors: list[str]
) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{where}: {key} must map framework codes to lists of control ids")
        return {}
    result: dict[str, tuple[str, ...]] = {}
    for framework, ids in value.items():
        if not isinstance(ids, list) or not all(_str(i) for i in ids):
            errors.append(f"{where}: {key}.{framework} must be a list of quoted control ids")
            continue
        if len(set(ids)) != len(ids):
            errors.append(f"{where}: {key}.{framework} lists a control twice")
        result[str(framework)] = tuple(ids)
    return result


def _parse_rules(path: Path, data: Any, errors: list[str]) -> list[MappingRule]:
    where = path.name
    if not isinstance(data, dict) or data.get("schema") != MAPPING_SCHEMA:
        errors.append(f"{where}: 'schema: {MAPPING_SCHEMA}' is required")
        return []
    rules: list[MappingRule] = []
    for i, raw in enumerate(data.get("rules") or []):
        if not isinstance(raw, dict) or not _str(raw.get("id")):
            errors.append(f"{where}: rules[{i}] needs a string id")
            continue
        rid = raw["id"]
        here = f"{where}: rule {rid}"
        signal = raw.get("signal")
        params = raw.get("params") or {}
        if signal not in SIGNALS:
            errors.append(f"{here}: unknown signal {signal!r} (known: {', '.join(SIGNALS)})")
        elif not isinstance(params, dict):
            errors.append(f"{here}: params must be a mapping")
            params = {}
        else:
            spec = SIGNALS[signal]
            for name in params:
                if name not in spec:
                    errors.append(f"{here}: signal {signal} takes no parameter {name!r}")
            for name, (required, check) in spec.items():
                if name not in params:
                    if required:
                        errors.append(f"{here}: params.{name} is required for signal {signal}")
                    continue
                problem = check(params[name])
                if problem:
                    errors.append(f"{here}: params.{name} {problem}")
        for key in ("rationale", "limits", "remediation"):
            if not _str(raw.get(key)):
                errors.append(f"{here}: {key} is required")
        primary = _parse_control_map(here, "primary", raw.get("primary"), errors)
        supporting = _parse_control_map(here, "supporting", raw.get("supporting"), errors)
        if not primary and not supporting:
            errors.append(f"{here}: maps to no control")
        for framework in set(primary) & set(supporting):
            both = set(primary[framework]) & set(supporting[framework])
            if both:
                errors.append(f"{here}: {framework} {sorted(both)} both primary and supporting")
        group = raw.get("group") or rid
        rules.append(
            MappingRule(
                id=rid,
                signal=str(signal),
                params=dict(params) if isinstance(params, dict) else {},
                group=str(group),
                rationale=" ".join(str(raw.get("rationale", "")).split()),
                limits=" ".join(str(raw.get("limits", "")).split()),
                remediation=" ".join(str(raw.get("remediation", "")).split()),
                primary=primary,
                supporting=supporting,
                source_file=where,
            )
        )
    return rules


def validate(frameworks: Mapping[str, Framework], rules: Iterable[MappingRule]) -> list[str]:
    """Cross-file checks: unique rule ids, every mapped control exists, every policy type mapped."""
    errors: list[str] = []
    seen: set[str] = set()
    mapped_types: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            errors.append(f"{rule.source_file}: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        if rule.policy_type:
            mapped_types.add(rule.policy_type)
        for role, mapping in ((ROLE_PRIMARY, rule.primary), (ROLE_SUPPORTING, rule.supporting)):
            for code, ids in mapping.items():
                framework = frameworks.get(code)
                if framework is None:
                    errors.append(f"{rule.source_file}: rule {rule.id}: unknown framework {code!r}")
                    continue
                for cid in ids:
                    if cid not in framework.controls_by_id:
                        errors.append(
                            f"{rule.source_file}: rule {rule.id}: {role} control {cid!r} "
                            f"does not exist in {code}"
                        )
    for policy_type in POLICY_TYPES:
        if policy_type not in mapped_types:
            errors.append(f"mappings: no rule maps policy type {policy_type!r}")
    return errors


def load_catalog(
    catalog_dir: Path | str | None = None, mapping_dir: Path | str | None = None
) -> Catalog:
    """Read and validate every catalog and mapping file; raise CatalogError listing all problems."""
    catalog_dir = Path(catalog_dir or CATALOG_DIR)
    mapping_dir = Path(mapping_dir or MAPPING_DIR)
    errors: list[str] = []
    frameworks: dict[str, Framework] = {}
    for path in sorted(catalog_dir.glob("*.yaml")):
        try:
            data = _read_yaml(path)
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: invalid YAML: {exc}")
            continue
        framework = _parse_framework(path, data, errors)
        if framework is None:
            continue
        if framework.code in frameworks:
            errors.append(f"{path.name}: duplicate framework code {framework.code!r}")
        frameworks[framework.code] = framework
    if not frameworks:
        errors.append(f"no catalog files in {catalog_dir}")
    rules: list[MappingRule] = []
    for path in sorted(mapping_dir.glob("*.yaml")):
        try:
            data = _read_yaml(path)
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: invalid YAML: {exc}")
            continue
        rules.extend(_parse_rules(path, data, errors))
    errors.extend(validate(frameworks, rules))
    if errors:
        raise CatalogError(errors)
    return Catalog(frameworks=frameworks, rules=tuple(rules))


@functools.lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The shipped catalogs and mappings, loaded once per process."""
    return load_catalog()
