"""The call being decided, and the per-call scan that shares detector results.

``Call`` is what an evaluator may look at - nothing else, no database. ``Scan`` computes
each detector's result lazily, at most once per call and location, so ten PII policies
cost one PII scan. ``Judge`` is the interface of the judges of plain-English rules that a
scan carries (``policies.llm`` implements it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from policies.detectors import classification as classification_detector
from policies.detectors import injection as injection_detector
from policies.detectors import pii as pii_detector
from policies.detectors import urls as url_detector
from policies.detectors.walk import Leaf, flatten
from policies.types import Phase

INPUT = "input"
OUTPUT = "output"


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or numeric string, else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True, slots=True)
class Call:
    agent: str
    tool: str
    phase: str = Phase.INPUT
    input: Any = None
    output: Any = None
    context: Mapping[str, Any] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    environment: str = ""
    # The payloads' leaves by location, walked once per call whoever reads them: the detectors
    # (through ``Scan``) and the offline judge of custom policies (``leaves``).
    _leaves: dict[str, list[Leaf]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError("Call.now must be an aware datetime")
        if self.phase not in (Phase.INPUT, Phase.OUTPUT):
            raise ValueError("Call.phase must be 'input' or 'output'")
        if not self.environment and isinstance(self.context, Mapping):
            env = self.context.get("environment")
            if isinstance(env, str):
                object.__setattr__(self, "environment", env)

    @property
    def estimated_cost(self) -> Decimal | None:
        return to_decimal(self.context.get("estimated_cost"))

    @property
    def reported_cost(self) -> Decimal | None:
        """The cost the SDK reports with an output check (``context.cost``)."""
        return to_decimal(self.context.get("cost"))

    def payload(self, location: str) -> Any:
        return self.input if location == INPUT else self.output

    def leaves(self, location: str) -> list[Leaf]:
        """``flatten(self.payload(location))``, computed once (the payload is not changed
        while a call is decided)."""
        found = self._leaves.get(location)
        if found is None:
            found = self._leaves[location] = flatten(self.payload(location))
        return found


# What a judge of plain-English rules (``policies.llm``) answers. Declared here, beside the
# call it judges, because ``Scan`` carries the judge: the judges import this module, not
# the other way round.
class JudgeUnavailable(Exception):
    """The model could not give a usable answer in time."""


@dataclass(frozen=True, slots=True)
class Judgement:
    violates: bool
    reason: str
    source: (
        str  # which judge decided: "llm", "offline-rules", "offline-semantic", "offline-keywords"
    )
    cached: bool = False


class Judge(Protocol):
    offline: bool

    def judge(self, rule: str, call: Call, *, timeout: float | None = None) -> Judgement: ...


class Scan:
    """Lazily computed, memoised detector results for one call.

    Also carries the per-call dependencies evaluators may need (the LLM judge) and
    collects ``notes`` - facts worth recording that are not violations (a custom policy
    that failed open because the model was unreachable).
    """

    __slots__ = ("call", "judge", "notes", "_cache")

    def __init__(self, call: Call, *, judge: Judge | None = None) -> None:
        self.call = call
        self.judge = judge
        self.notes: list[dict[str, Any]] = []
        self._cache: dict[tuple[str, str], Any] = {}

    def _memo(self, name: str, location: str, compute: Any) -> Any:
        key = (name, location)
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = compute()
            return value

    def note(self, message: str, **details: Any) -> None:
        self.notes.append({"message": message, **details})

    def locations(self, scan: str = "both") -> tuple[str, ...]:
        """Which payloads a policy with ``scan`` inspects in this call's phase.

        The input is inspected at the input check, the output at the output check;
        ``scan`` (input / output / both) narrows that.
        """
        phase = self.call.phase
        if scan == "both" or scan == phase:
            return (phase,)
        return ()

    def leaves(self, location: str) -> list[Leaf]:
        return self.call.leaves(location)

    def strings(self, location: str) -> list[str]:
        return [leaf.text for leaf in self.leaves(location)]

    def pii(self, location: str) -> list[pii_detector.PiiFinding]:
        return self._memo(
            "pii",
            location,
            lambda: pii_detector.scan_leaves(self.leaves(location), location=location),
        )

    def pii_types(self, location: str) -> set[str]:
        return {f.type for f in self.pii(location)}

    def injection(self, location: str) -> injection_detector.InjectionResult:
        return self._memo(
            "injection",
            location,
            lambda: injection_detector.detect_injection_in_leaves(
                self.leaves(location), location=location
            ),
        )

    def classification(self, location: str) -> classification_detector.Classification:
        return self._memo(
            "classification",
            location,
            lambda: classification_detector.classify_texts(
                self.strings(location), pii_types=sorted(self.pii_types(location))
            ),
        )

    def urls(self, location: str) -> list[url_detector.FoundUrl]:
        return self._memo(
            "urls",
            location,
            lambda: url_detector.urls_in_leaves(self.leaves(location), location=location),
        )
