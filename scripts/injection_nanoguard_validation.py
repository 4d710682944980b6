"""Session 23 (``nano23``): NanoGuard as the alone zone's fourth head, validated on its scores of
the training rows (``injection_nanoguard.py --score``) by ``train_injection_model.py --tuned S.npz
--nanoguard N.npz``. Apart from the scoring module, which runs in a venv with torch and the wheel
and needs none of the validation's imports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from injection_layers import CUTS
from injection_nanoguard import ATTACKS_NEEDED, EXTRA_CUTS, PROXY_NEEDED, logit, margins_of
from injection_neighbours import wild_rows
from injection_training import HARD_NEGATIVES, choose_alone_threshold, console
from injection_validation import _chooser, mean_logits
from rich.table import Table


def validate_nanoguard(
    tuned_paths: list[Path],
    path: Path,
    rows,
    parts: dict[str, np.ndarray],
    zone: np.ndarray,
    alone_only: np.ndarray,
    max_fp: float,
) -> list[tuple]:
    """NanoGuard as the fourth head in zones (a) and (b) (module docstring); returns and prints
    (variant, zone texts, cut, attacks caught, benign, proxy caught of the rules-missed wild
    rows) with the three heads' row first."""

    y = np.array([r.attack for r in rows])
    today, tuned, name = mean_logits(tuned_paths)
    choose = _chooser(rows, max_fp)
    emb_cut = choose_alone_threshold(
        today, rows, zone, max_fp, already=alone_only & zone,
        name="embedding head, the fine-tuning's folds,", cuts=CUTS, quiet=True,
    )  # fmt: skip
    two = zone & (alone_only | (today >= emb_cut))
    tuned_cut = choose(tuned, zone, two, f"{name}, third head,", CUTS)
    three = zone & (two | (tuned >= tuned_cut))
    proxy = wild_rows(rows) & parts["rules_below"]
    margin = margins_of(path, rows)
    wide = parts["rules_below"] & (parts["second"] >= 0.3) & (parts["lengths"] >= 100)
    if np.isinf(margin[wide | proxy]).any():
        raise SystemExit(f"{path}: {np.isinf(margin[wide | proxy]).sum()} rows not scored")
    cuts = np.concatenate([CUTS, EXTRA_CUTS])
    results = [
        ("three heads (n-gram, embedding, tuned)", int(zone.sum()), tuned_cut,
         int((three & (y == 1)).sum()), int((three & (y == 0)).sum()), int((three & proxy).sum())),
    ]  # fmt: skip
    for variant, mask in (("(a) today's zone", zone), ("(b) no 'you' needed", wide)):
        area = mask | three
        chosen = choose(margin, area, three, f"NanoGuard {variant},", logit(cuts))
        if chosen is None:
            continue
        caught = area & (three | (margin >= chosen))
        cut = float(cuts[np.argmin(np.abs(logit(cuts) - chosen))])
        results.append(
            (variant, int(area.sum()), cut, int((caught & (y == 1)).sum()),
             int((caught & (y == 0)).sum()), int((caught & proxy).sum())),
        )  # fmt: skip
    table = Table(title=f"NanoGuard as a fourth head (proxy: {proxy.sum()} rules-missed wild rows)")
    for column in ("head / zone", "texts", "cut p >=", "attacks", "benign", "proxy"):
        table.add_column(column, justify="right")
    for variant, texts, cut, caught, benign, hits in results:
        table.add_row(variant, str(texts), f"{cut:.12g}", str(caught), str(benign), str(hits))
    console.print(table)
    hard = np.array([not r.attack and r.source.startswith(HARD_NEGATIVES) for r in rows])
    for variant, mask in (("(a)", zone), ("(b)", wide)):
        benign = np.flatnonzero(mask & ~three & (y == 0))
        top = benign[np.argsort(-margin[benign])][:5]
        console.print(
            f"{variant}: the highest NanoGuard margins of its benign rows: "
            + ", ".join(
                f"{margin[i]:.2f} ({rows[i].group.split('#')[0]}{', hard' if hard[i] else ''})"
                for i in top
            )
        )
    contamination(rows, margin, proxy, wide, three, y, console)
    passing = [r for r in results[1:] if r[5] >= PROXY_NEEDED and r[3] >= ATTACKS_NEEDED]
    pick = min(passing, key=lambda r: (-r[5], r[0]), default=None)
    console.print(
        f"rule (proxy >= {PROXY_NEEDED}, attacks >= {ATTACKS_NEEDED}): "
        + ("no variant passes" if pick is None else f"passes, chosen {pick[0]}")
    )
    return results


def contamination(rows, margin, proxy, wide, three, y, console) -> None:
    """NanoGuard's share at p >= 0.5 (margin >= 0) and median margin on the proxy rows, on the
    other rules-missed zone attacks (and per collection) and on the wild rows the rules catch."""
    wild = wild_rows(rows)
    sets = {
        "proxy: wild rows the rules miss": proxy,
        "other zone (b) attacks": wide & (y == 1) & ~wild,
        "  of them, the three heads miss": wide & (y == 1) & ~wild & ~three,
        "wild rows the rules catch": wild & ~proxy,
        "zone (b) benign": wide & (y == 0),
    }
    for label, mask in sets.items():
        m = margin[mask & np.isfinite(margin)]
        if len(m):
            console.print(
                f"{label}: {len(m)} rows, p >= 0.5 {np.mean(m >= 0):.1%}, median margin "
                f"{np.median(m):.2f}"
            )
    other = wide & (y == 1) & ~wild
    groups: dict[str, list[int]] = {}
    for i in np.flatnonzero(other):
        groups.setdefault(rows[i].group.split("#")[0], []).append(i)
    big = sorted(groups.items(), key=lambda kv: -len(kv[1]))[:12]
    console.print(
        "per collection (zone (b) attacks, not wild): "
        + "; ".join(f"{g} {len(ix)}: {np.mean(margin[ix] >= 0):.0%}" for g, ix in big)
    )
