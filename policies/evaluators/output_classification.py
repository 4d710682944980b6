"""``output_classification``: the output may not be classified above ``max_level``.

Levels: public < internal < confidential < restricted, by markers, secret patterns and
PII present (see ``policies.detectors.classification``). ``extra_markers`` adds the
organisation's own phrases per level (``{"confidential": ["Project Falcon"]}``).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from policies.call import OUTPUT, Call, Scan
from policies.detectors.classification import LEVELS, RANK, classify_texts
from policies.evaluators.base import Violation
from policies.evaluators.fields import Choice, StringList, invalid, widget
from policies.evaluators.settings import PolicySettings, Strict
from policies.types import PolicyType

Phrases = StringList()


class ExtraMarkers(Strict):
    """The organisation's own phrases that mark a text as (at least) a level."""

    public: Phrases | None = None  # type: ignore[valid-type]
    internal: Phrases | None = None  # type: ignore[valid-type]
    confidential: Phrases | None = Field(None, examples=[["Project Falcon"]])  # type: ignore[valid-type]
    restricted: Phrases | None = None  # type: ignore[valid-type]

    def as_mapping(self) -> dict[str, list[str]]:
        return {level: getattr(self, level) for level in LEVELS if getattr(self, level)}


def _markers_shape(value: Any) -> Any:
    if not isinstance(value, dict):
        raise invalid("must map a level to a list of phrases")
    return value


class OutputClassificationSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.OUTPUT_CLASSIFICATION
    summary: ClassVar[str] = (
        "Refuse tool output classified above a level (public < internal < confidential "
        "< restricted)."
    )
    example: ClassVar[dict[str, Any]] = {"max_level": "internal"}

    max_level: Choice(LEVELS, **widget("radio")) = Field(  # type: ignore[valid-type]
        title="Highest level allowed",
        description="Levels come from classification markers, secrets and personal data found.",
        examples=["internal"],
    )
    extra_markers: Annotated[ExtraMarkers, BeforeValidator(_markers_shape)] | None = Field(
        None,
        title="Your own markers",
        description="Phrases that mark a text as a level, e.g. a confidential project's name.",
        examples=[{"confidential": ["Project Falcon"]}],
        json_schema_extra=widget("markers"),
    )


def evaluate(config: OutputClassificationSettings, call: Call, scan: Scan) -> Violation | None:
    if call.phase != OUTPUT:
        return None
    max_level = config.max_level
    extra = config.extra_markers.as_mapping() if config.extra_markers else None
    if extra:
        result = classify_texts(
            scan.strings(OUTPUT), pii_types=sorted(scan.pii_types(OUTPUT)), extra_markers=extra
        )
    else:
        result = scan.classification(OUTPUT)
    if RANK[result.level] <= RANK[max_level]:
        return None
    return Violation(
        f"output is classified {result.level} ({', '.join(result.reasons)}), above the allowed {max_level}",
        {**result.as_dict(), "max_level": max_level},
    )
