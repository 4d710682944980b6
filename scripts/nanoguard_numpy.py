"""NanoGuard's forward pass in numpy (a development tool; sessions 23 and 24).

NanoGuard (PyPI ``metatronnanoguard`` 0.1.0, MIT) is a 16.8 M-parameter bidirectional transformer
its authors trained for prompt-injection detection (4 layers, 512 wide, 4 heads, RoPE, RMS norm,
ReLU² MLP, masked mean pooling, a LayerNorm and a two-class head). Its weights (``model.pt``, torch's
zip format) and tokenizer (a pickled tiktoken encoding, 8,192 tokens) ship in the wheel; its own
loader needs torch. Here the checkpoint's pickle is read by an unpickler that only rebuilds tensors
from the zip's storages as numpy arrays. Two readings:

- **as shipped** (:class:`Guard`, session 23): as ``NanoGuard.scan`` runs it: BOS +
  ``encode_ordinary``, 512 tokens, the padding attended to, the pooling masked. Against torch: 26
  training texts within 3.8e-7 of its p (``tests/tooling/test_nanoguard_numpy.py`` holds 20
  written texts' torch p); ~190 ms per text at one thread. As a fourth zone head it failed its
  rule (docs/detection-history.md, session 23).
- **reading R** (:class:`Stacked`, session 24, the reading ``scripts`` fine-tune in): ids = BOS +
  ``encode_ordinary(text)`` cut to ``T`` tokens, not padded (RoPE positions 0..n-1, the pooling
  over the n tokens), and "stacks": the shared lower layers run once, then each stack's own top
  ``k`` layers, final LayerNorm and head (one per fold fit); its margin (logit 1 - logit 0) is the
  mean of the stacks' margins and p = sigmoid(margin). A stack is read from a torch ``state_dict``
  (:func:`stack_from_state`; keys a fold file lacks are the shipped model's). Tested against a
  masked torch call over NanoGuard's own modules (T 128 / 256, k 2 / 4).
"""

from __future__ import annotations

import functools
import importlib.util
import io
import pickle
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_lock = threading.Lock()
BOS, PAD = "<|reserved_0|>", "<|reserved_1|>"
LAYER_KEYS = ("attn.c_q", "attn.c_k", "attn.c_v", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")
HEAD_KEYS = ("cls_norm.weight", "cls_norm.bias", "cls_head.weight", "cls_head.bias")


def assets() -> Path | None:
    """The installed package's assets folder, found without importing it (its ``__init__``
    imports torch)."""
    spec = importlib.util.find_spec("nanoguard")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "assets"
    return folder if (folder / "model.pt").is_file() else None


def installed() -> bool:
    return assets() is not None and importlib.util.find_spec("tiktoken") is not None


class _Storage:
    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, key


def read_checkpoint(path: Path) -> dict:
    """``model.pt`` as numpy arrays: only tensors, ordered dicts and plain values are built."""
    kinds = {"FloatStorage": np.float32, "BFloat16Storage": np.uint16}
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        data = {n.rsplit("/", 1)[1]: archive.read(n) for n in names if "/data/" in n}
        pickled = archive.read(next(n for n in names if n.endswith("/data.pkl")))

    def rebuild(storage: _Storage, offset: int, size: tuple, stride: tuple, *rest: Any):
        flat = np.frombuffer(data[storage.key], dtype=kinds[storage.kind])
        if flat.dtype == np.uint16:  # bfloat16: the upper half of a float32
            flat = (flat.astype(np.uint32) << 16).view(np.float32)
        count = int(np.prod(size)) if size else 1
        return np.ascontiguousarray(flat[offset : offset + count].reshape(size))

    class Reader(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
                return rebuild
            if module == "torch" and name in kinds:
                return name
            if (module, name) == ("collections", "OrderedDict"):
                import collections

                return collections.OrderedDict
            raise pickle.UnpicklingError(f"{module}.{name} is not read")

        def persistent_load(self, pid: tuple) -> _Storage:
            return _Storage(pid[1], pid[2])

    return Reader(io.BytesIO(pickled)).load()


def read_encoding(folder: Path):
    """The wheel's tiktoken ``Encoding`` (its pickle: the installed package's own file, trusted
    as its code would be)."""
    with open(folder / "tokenizer.pkl", "rb") as f:
        return pickle.load(f)  # noqa: S301


# -- the math (both readings) -------------------------------------------------------------------


def _bf16(x):
    """float32 rounded to bfloat16 and back (nearest, ties to even), as torch's ``.bfloat16()``."""
    bits = x.astype(np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)


def _rms(x):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + np.finfo(np.float32).eps)


def rotary(positions: int, head_dim: int):
    """NanoGuard's RoPE tables (cos, sin) for ``positions`` positions, rounded to bfloat16 as its
    ``_precompute_rotary`` keeps them, shaped (positions, 1, head_dim / 2)."""
    inv = (1.0 / (10000 ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim))).astype(
        np.float32
    )
    freqs = np.outer(np.arange(positions, dtype=np.float32), inv).astype(np.float32)
    return _bf16(np.cos(freqs))[:, None, :], _bf16(np.sin(freqs))[:, None, :]


def layer_weights(state: dict, i: int) -> tuple:
    """Block ``i``'s matrices from a ``state_dict`` as the pass multiplies them: q, k and v
    side by side, each transposed (float32, contiguous)."""
    p = f"transformer.h.{i}."
    qkv = np.concatenate([state[f"{p}attn.c_{n}.weight"] for n in "qkv"], axis=0)
    return tuple(
        np.ascontiguousarray(np.asarray(m, dtype=np.float32).T)
        for m in (qkv, state[f"{p}attn.c_proj.weight"], state[f"{p}mlp.c_fc.weight"],
                  state[f"{p}mlp.c_proj.weight"])
    )  # fmt: skip


def _rope(x, cos, sin):
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return np.concatenate([a * cos + b * sin, a * -sin + b * cos], -1)


def run_blocks(x, x0, blocks, resid, x0_lambdas, cos, sin, heads: int):
    """NanoGuard's blocks over one sequence ``x`` (tokens, width), every position attending to
    every other (the caller passes the pads too when they attend, as ``scan`` lets them):
    ``resid[j] * x + x0_lambdas[j] * x0`` entering block j, then attention and the MLP."""
    t, c = x.shape
    d = c // heads
    scale = np.float32(1 / np.sqrt(d))
    cos, sin = cos[:t], sin[:t]
    for (qkv, proj, up, down), r, z in zip(blocks, resid, x0_lambdas, strict=True):
        x = np.float32(r) * x + np.float32(z) * x0
        q, k, v = (m.reshape(t, heads, d) for m in np.split(_rms(x) @ qkv, 3, axis=1))
        q, k = _rms(_rope(q, cos, sin)), _rms(_rope(k, cos, sin))
        q, k, v = q.transpose(1, 0, 2), k.transpose(1, 0, 2), v.transpose(1, 0, 2)
        att = (q @ k.transpose(0, 2, 1)) * scale
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        x = x + (att @ v).transpose(1, 0, 2).reshape(t, c) @ proj
        hidden = np.maximum(_rms(x) @ up, 0)
        x = x + (hidden * hidden) @ down
    return x


def head_logits(x, count: int, norm_w, norm_b, head_w, head_b):
    """The two logits from the blocks' output: RMS norm, the mean over the first ``count``
    positions (the text's; the pads after them are left out), LayerNorm, the linear head."""
    pooled = _rms(x[:count]).mean(0)
    pooled = (pooled - pooled.mean()) / np.sqrt(pooled.var() + np.float32(1e-5))
    return head_w @ (pooled * norm_w + norm_b) + head_b


@dataclass(frozen=True)
class Stack:
    """One fit's top layers (from ``first``) with their lambdas, its final LayerNorm and head."""

    first: int
    blocks: tuple
    resid: np.ndarray
    x0_lambdas: np.ndarray
    norm_w: np.ndarray
    norm_b: np.ndarray
    head_w: np.ndarray
    head_b: np.ndarray


def stack_from_state(state: dict, shipped: dict, first: int) -> Stack:
    """A stack from a fold fit's ``state_dict`` (torch's key names; any key it lacks is the
    shipped model's, so a file holding only the tuned tensors reads the same as a full one)."""

    def get(key: str) -> np.ndarray:
        return np.asarray(state.get(key, shipped[key]), dtype=np.float32)

    layers = int(np.asarray(shipped["resid_lambdas"]).shape[0])
    merged = {k: get(k) for k in shipped if k.startswith("transformer.h.")}
    return Stack(
        first,
        tuple(layer_weights(merged, i) for i in range(first, layers)),
        get("resid_lambdas")[first:],
        get("x0_lambdas")[first:],
        *(get(k) for k in HEAD_KEYS),
    )


class Stacked:
    """Reading R: one text's ids unpadded, cut to ``length``; the shared lower layers once, then
    every stack; the margin is the mean of the stacks' margins."""

    def __init__(
        self,
        encoding: Any,
        wte: np.ndarray,
        lower: list[tuple],
        resid: np.ndarray,
        x0_lambdas: np.ndarray,
        stacks: list[Stack],
        length: int,
        heads: int,
        threshold: float | None = None,
    ) -> None:
        if not stacks or len({s.first for s in stacks}) != 1 or stacks[0].first != len(lower):
            raise ValueError("every stack starts at the first layer above the shared ones")
        self.encoding, self.wte, self.lower, self.stacks = encoding, wte, lower, stacks
        self.resid = np.asarray(resid, dtype=np.float32)[: len(lower)]
        self.x0_lambdas = np.asarray(x0_lambdas, dtype=np.float32)[: len(lower)]
        self.length, self.heads, self.threshold = length, heads, threshold
        self.bos = encoding.encode_single_token(BOS)
        self.cos, self.sin = rotary(length, wte.shape[1] // heads)

    @classmethod
    def from_states(
        cls, encoding: Any, shipped: dict, states: list[dict], *, length: int, top: int,
        heads: int = 4, threshold: float | None = None,
    ) -> Stacked:  # fmt: skip
        """From the shipped ``state_dict`` and one ``state_dict`` per stack (top ``top`` layers)."""
        layers = int(np.asarray(shipped["resid_lambdas"]).shape[0])
        first = layers - top
        return cls(
            encoding,
            np.asarray(shipped["transformer.wte.weight"]),
            [layer_weights(shipped, i) for i in range(first)],
            shipped["resid_lambdas"],
            shipped["x0_lambdas"],
            [stack_from_state(s, shipped, first) for s in states],
            length,
            heads,
            threshold,
        )

    def ids(self, text: str) -> list[int]:
        return ([self.bos] + self.encoding.encode_ordinary(text))[: self.length]

    def margins(self, text: str) -> np.ndarray:
        """Each stack's margin (logit 1 - logit 0, float64) for ``text``."""
        ids = self.ids(text)
        x0 = _rms(np.asarray(self.wte[np.array(ids)], dtype=np.float32))
        shared = run_blocks(
            x0, x0, self.lower, self.resid, self.x0_lambdas, self.cos, self.sin, self.heads
        )
        out = []
        for s in self.stacks:
            x = run_blocks(
                shared, x0, s.blocks, s.resid, s.x0_lambdas, self.cos, self.sin, self.heads
            )
            logits = head_logits(x, len(ids), s.norm_w, s.norm_b, s.head_w, s.head_b)
            out.append(float(logits[1]) - float(logits[0]))
        return np.array(out, dtype=np.float64)

    def margin(self, text: str) -> float:
        return float(self.margins(text).mean())

    def probability(self, text: str) -> float:
        return float(1 / (1 + np.exp(-np.clip(self.margin(text), -700, 700))))


def encoding_from_data(data: dict) -> Any:
    """The tiktoken ``Encoding`` from ``nanoguard_export``'s tokenizer data: built from the ranks
    given, so tiktoken downloads nothing."""
    import base64

    import tiktoken

    return tiktoken.Encoding(
        name=data["name"],
        pat_str=data["pat_str"],
        mergeable_ranks={base64.b64decode(t): r for r, t in enumerate(data["mergeable_ranks"])},
        special_tokens=data["special_tokens"],
    )


def read_export(weights: Path, tokenizer: Path) -> Stacked:
    """Reading R from ``nanoguard_export``'s two files (float16 matrices read as float32)."""
    import json

    encoding = encoding_from_data(json.loads(tokenizer.read_text()))
    with np.load(weights, allow_pickle=False) as saved:
        w = {k: saved[k] for k in saved.files}
    top, count = int(w["top"]), int(w["stacks"])
    layers = int(w["resid_lambdas"].shape[0])
    first = layers - top
    stacks = []
    for s in range(count):
        state = {k.split(".", 2)[2]: v for k, v in w.items() if k.startswith(f"stack.{s}.")}
        stacks.append(
            Stack(
                first,
                tuple(layer_weights(state, i) for i in range(first, layers)),
                *(
                    np.asarray(state[k], dtype=np.float32)[first:]
                    for k in ("resid_lambdas", "x0_lambdas")
                ),
                *(np.asarray(state[k], dtype=np.float32) for k in HEAD_KEYS),
            )
        )
    return Stacked(
        encoding,
        w["transformer.wte.weight"],  # float16: only the text's rows are read, as float32
        [layer_weights(w, i) for i in range(first)],
        w["resid_lambdas"],
        w["x0_lambdas"],
        stacks,
        int(w["length"]),
        int(w["heads"]),
        float(w["threshold"]),
    )


# -- as shipped (session 23) --------------------------------------------------------------------


class Guard:
    """The forward pass (``nanoguard.model.Classifier.forward`` with the scanner's input)."""

    def __init__(self, checkpoint: dict, encoding: Any) -> None:
        state, config = checkpoint["model_state_dict"], checkpoint["config"]
        self.state = state
        self.encoding = encoding
        self.bos = encoding.encode_single_token(BOS)
        self.pad = encoding.encode_single_token(PAD)
        self.length, self.heads, self.width = (
            config["sequence_len"], config["n_head"], config["n_embd"],
        )  # fmt: skip
        self.wte = state["transformer.wte.weight"]
        self.layers = [layer_weights(state, i) for i in range(config["n_layer"])]
        self.resid, self.x0 = state["resid_lambdas"], state["x0_lambdas"]
        self.head = tuple(state[k] for k in HEAD_KEYS)
        self.cos, self.sin = rotary(self.length, self.width // self.heads)

    def ids(self, text: str) -> list[int]:
        return ([self.bos] + self.encoding.encode_ordinary(text))[: self.length]

    def logits(self, text: str):
        ids = self.ids(text)
        n, t = len(ids), self.length
        x0 = _rms(self.wte[np.array(ids + [self.pad] * (t - n))])
        x = run_blocks(x0, x0, self.layers, self.resid, self.x0, self.cos, self.sin, self.heads)
        return head_logits(x, n, *self.head)

    def reading_r(self, *, length: int, top: int, states: list[dict] | None = None) -> Stacked:
        """Reading R over this checkpoint: ``states`` (default: the shipped weights as one
        stack) as stacks of the top ``top`` layers, texts cut to ``length`` tokens."""
        return Stacked.from_states(
            self.encoding, self.state, states or [self.state], length=length, top=top,
            heads=self.heads,
        )  # fmt: skip


@functools.cache
def load() -> Guard | None:
    folder = assets()
    if folder is None or importlib.util.find_spec("tiktoken") is None:
        return None
    with _lock:
        return Guard(read_checkpoint(folder / "model.pt"), read_encoding(folder))


@functools.lru_cache(maxsize=4096)
def probability(text: str) -> float | None:
    """NanoGuard's injection probability (its ``injection_score``), or None without it."""
    guard = load()
    if guard is None:
        return None
    with _lock:
        logits = guard.logits(text).astype(np.float64)
    return float(1 / (1 + np.exp(logits[0] - logits[1])))
