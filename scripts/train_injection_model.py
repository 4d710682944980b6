"""Train the injection detector's n-gram model (``policies/detectors/injection/model.json``).

Training texts: the ``tune`` split of the written sets and everything under
``tests/data/detection/train/`` (attack corpora shipped in registry packages, benign text
harvested from the SDK frameworks). Never the ``heldout`` split or ``external/``: those
judge the result (``bench/detection.py``).

A logistic regression (scikit-learn, only here; run time needs only the weights) over the
binary, L2-normalised unigrams and bigrams that ``model.features`` extracts from every
variant the normaliser produces. Five-fold cross-validation on the training texts prints
recall and false positives at a few cut-offs before the final fit; only the n-grams with
the largest weights are kept.

    .venv-bench/bin/python scripts/train_injection_model.py [--keep 12000] [--c 4]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from policies.detectors.injection.model import WEIGHTS, features  # noqa: E402
from policies.detectors.injection.normalise import variant_sets  # noqa: E402
from tests.policies.detection_sets import TUNE, written_samples  # noqa: E402

TRAIN = ROOT / "tests" / "data" / "detection" / "train"


def training_texts() -> list[tuple[str, int, str]]:
    """(text, 1 for an attack, source), deduplicated."""
    rows: list[tuple[str, int, str]] = []
    for s in written_samples():
        if s.split == TUNE:
            rows.append((s.text, int(s.attack), f"written:{s.group}"))
    for path in sorted(TRAIN.glob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                label = row.get("label", "benign")
                origin = row["source"].split()[0] if "label" in row else row["kind"]
                tag = f"{path.name.split('.')[0]}:{origin}"
                rows.append((row["text"], int(label == "attack"), tag))
    seen: set[str] = set()
    out = []
    for text, label, source in rows:
        digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append((text, label, source))
    return out


def text_features(text: str) -> set[str]:
    return features(folded for _, folded, _, _ in variant_sets(text))


def matrix(docs: list[set[str]], vocab: dict[str, int]) -> csr_matrix:
    indptr, indices, data = [0], [], []
    for feats in docs:
        cols = [vocab[f] for f in feats if f in vocab]
        norm = 1.0 / np.sqrt(len(feats)) if feats else 0.0
        indices.extend(cols)
        data.extend([norm] * len(cols))
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(docs), len(vocab)), dtype=np.float64)


def build_vocab(docs: list[set[str]], min_df: int) -> dict[str, int]:
    df: dict[str, int] = {}
    for feats in docs:
        for f in feats:
            df[f] = df.get(f, 0) + 1
    return {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= min_df))}


# Benign text written or collected to sit close to attacks (role-play requests, persona and
# system prompts, e-mails with requests): weighted up, so the model learns the difference
# rather than the topic.
HARD_NEGATIVES = ("written:", "written-benign:", "prompt-forge:")
HARD_WEIGHT = 3.0


def fit(docs: list[set[str]], y: np.ndarray, sources: list[str], c: float, min_df: int):
    vocab = build_vocab(docs, min_df)
    clf = LogisticRegression(C=c, max_iter=4000, class_weight="balanced")
    weights = [
        HARD_WEIGHT if not label and source.startswith(HARD_NEGATIVES) else 1.0
        for label, source in zip(y, sources, strict=True)
    ]
    clf.fit(matrix(docs, vocab), y, sample_weight=np.array(weights))
    return vocab, clf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument("--keep", type=int, default=12000, help="n-grams kept in model.json")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    rows = training_texts()
    docs = [text_features(t) for t, _, _ in rows]
    y = np.array([label for _, label, _ in rows])
    sources = [s for _, _, s in rows]
    print(f"{len(rows)} texts: {int(y.sum())} attacks, {int((1 - y).sum())} benign")

    probs = np.zeros(len(rows))
    for train, test in StratifiedKFold(args.folds, shuffle=True, random_state=5).split(docs, y):
        vocab, clf = fit(
            [docs[i] for i in train], y[train], [sources[i] for i in train], args.c, args.min_df
        )
        probs[test] = clf.predict_proba(matrix([docs[i] for i in test], vocab))[:, 1]
    for cut in (0.5, 0.7, 0.8, 0.9, 0.95):
        recall = (probs[y == 1] >= cut).mean()
        fp = (probs[y == 0] >= cut).mean()
        print(f"cross-validated, p >= {cut}: recall {recall:.1%}, benign flagged {fp:.2%}")
    by_source: dict[str, list[float]] = {}
    for p, label, source in zip(probs, y, sources, strict=True):
        by_source.setdefault(f"{'attack' if label else 'benign'} {source}", []).append(p)
    for key in sorted(by_source):
        ps = np.array(by_source[key])
        flagged = (ps >= 0.8).mean()
        print(f"  {key:60s} n={len(ps):5d}  p>=0.8: {flagged:6.1%}")

    vocab, clf = fit(docs, y, sources, args.c, args.min_df)
    coef = clf.coef_[0]
    names = sorted(vocab, key=vocab.get)
    order = np.argsort(-np.abs(coef))[: args.keep]
    weights = {names[i]: round(float(coef[i]), 4) for i in sorted(order)}
    digest = hashlib.sha1(
        json.dumps(weights, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()[:12]
    WEIGHTS.write_text(
        json.dumps(
            {
                "version": f"ngram-lr-{digest}",
                "trained_on": f"{len(rows)} texts ({int(y.sum())} attacks)",
                "bias": round(float(clf.intercept_[0]), 4),
                "weights": weights,
            },
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"wrote {WEIGHTS.relative_to(ROOT)}: {len(weights)} n-grams, {WEIGHTS.stat().st_size // 1024} KB"
    )


if __name__ == "__main__":
    main()
