"""Session 23 (``nano23``): NanoGuard's forward pass in numpy, not wired (a development tool).

NanoGuard (PyPI ``metatronnanoguard`` 0.1.0, MIT) is a 16.8 M-parameter bidirectional transformer
its authors trained for prompt-injection detection (4 layers, 512 wide, 4 heads, RoPE, RMS norm,
ReLU² MLP, masked mean pooling, a LayerNorm and a two-class head). Its weights (``model.pt``, torch's
zip format) and tokenizer (a pickled tiktoken encoding, 8,192 tokens) ship in the wheel; its own
loader needs torch. Here the checkpoint's pickle is read by an unpickler that only rebuilds tensors
from the zip's storages as numpy arrays, and the pass runs as ``NanoGuard.scan`` runs it: BOS +
``encode_ordinary``, 512 tokens, the padding attended to, the pooling masked. Against torch: 26
training texts within 3.8e-7 of its p (``tests/tooling/test_nanoguard_numpy.py`` holds 20 written
texts' torch p); ~190 ms per text at one thread. Validated as a fourth zone head it failed its rule
(docs/detection-history.md, session 23), so the detector does not ask it; kept for a later fit.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import pickle
import threading
import zipfile
from pathlib import Path
from typing import Any

_lock = threading.Lock()


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
    import numpy as np

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


def _bf16(x):
    """float32 rounded to bfloat16 and back (nearest, ties to even), as torch's ``.bfloat16()``."""
    import numpy as np

    bits = x.astype(np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)


def _rms(x):
    import numpy as np

    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + np.finfo(np.float32).eps)


class Guard:
    """The forward pass (``nanoguard.model.Classifier.forward`` with the scanner's input)."""

    def __init__(self, checkpoint: dict, encoding: Any) -> None:
        import numpy as np

        state, config = checkpoint["model_state_dict"], checkpoint["config"]
        self.encoding = encoding
        self.bos = encoding.encode_single_token("<|reserved_0|>")
        self.pad = encoding.encode_single_token("<|reserved_1|>")
        self.length, self.heads, self.width = (
            config["sequence_len"], config["n_head"], config["n_embd"],
        )  # fmt: skip
        self.wte = state["transformer.wte.weight"]
        self.layers = []
        for i in range(config["n_layer"]):
            p = f"transformer.h.{i}."
            qkv = np.concatenate([state[f"{p}attn.c_{n}.weight"] for n in "qkv"], axis=0)
            self.layers.append(
                (
                    np.ascontiguousarray(qkv.T),
                    np.ascontiguousarray(state[f"{p}attn.c_proj.weight"].T),
                    np.ascontiguousarray(state[f"{p}mlp.c_fc.weight"].T),
                    np.ascontiguousarray(state[f"{p}mlp.c_proj.weight"].T),
                )
            )
        self.resid, self.x0 = state["resid_lambdas"], state["x0_lambdas"]
        self.norm_w, self.norm_b = state["cls_norm.weight"], state["cls_norm.bias"]
        self.head_w, self.head_b = state["cls_head.weight"], state["cls_head.bias"]
        half = self.width // self.heads
        inv = (1.0 / (10000 ** (np.arange(0, half, 2, dtype=np.float32) / half))).astype(np.float32)
        freqs = np.outer(np.arange(self.length, dtype=np.float32), inv).astype(np.float32)
        self.cos = _bf16(np.cos(freqs))[:, None, :]
        self.sin = _bf16(np.sin(freqs))[:, None, :]

    def ids(self, text: str) -> list[int]:
        return ([self.bos] + self.encoding.encode_ordinary(text))[: self.length]

    def logits(self, text: str):
        import numpy as np

        ids = self.ids(text)
        n, t, c, h = len(ids), self.length, self.width, self.heads
        d = c // h
        x = _rms(self.wte[np.array(ids + [self.pad] * (t - n))])
        x0 = x
        scale = np.float32(1 / np.sqrt(d))
        for i, (qkv, proj, up, down) in enumerate(self.layers):
            x = self.resid[i] * x + self.x0[i] * x0
            q, k, v = (m.reshape(t, h, d) for m in np.split(_rms(x) @ qkv, 3, axis=1))
            q, k = _rms(self._rotary(q)), _rms(self._rotary(k))
            q, k, v = q.transpose(1, 0, 2), k.transpose(1, 0, 2), v.transpose(1, 0, 2)
            att = (q @ k.transpose(0, 2, 1)) * scale
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            x = x + (att @ v).transpose(1, 0, 2).reshape(t, c) @ proj
            hidden = np.maximum(_rms(x) @ up, 0)
            x = x + (hidden * hidden) @ down
        pooled = _rms(x)[:n].mean(0)
        pooled = (pooled - pooled.mean()) / np.sqrt(pooled.var() + np.float32(1e-5))
        return self.head_w @ (pooled * self.norm_w + self.norm_b) + self.head_b

    def _rotary(self, x):
        import numpy as np

        half = x.shape[-1] // 2
        a, b = x[..., :half], x[..., half:]
        return np.concatenate([a * self.cos + b * self.sin, a * -self.sin + b * self.cos], -1)


@functools.cache
def load() -> Guard | None:
    folder = assets()
    if folder is None or importlib.util.find_spec("tiktoken") is None:
        return None
    with _lock:
        with open(folder / "tokenizer.pkl", "rb") as f:
            # a tiktoken Encoding: the installed package's own file, trusted as its code would be
            encoding = pickle.load(f)  # noqa: S301
        return Guard(read_checkpoint(folder / "model.pt"), encoding)


@functools.lru_cache(maxsize=4096)
def probability(text: str) -> float | None:
    """NanoGuard's injection probability (its ``injection_score``), or None without it."""
    import numpy as np

    guard = load()
    if guard is None:
        return None
    with _lock:
        logits = guard.logits(text).astype(np.float64)
    return float(1 / (1 + np.exp(logits[0] - logits[1])))
