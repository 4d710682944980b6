"""The offline custom-policy judge on varied payloads: CPU per judgement, uncached and cached.

``bench/check.py`` repeats one payload, so the judge's embeddings are always cached there and
its figure hides what a new payload costs. This bench builds seeded calls whose fields differ
from call to call (words, ids, numbers, lengths from 1 to 40 words) against the plain-English
rules of the judge's test table, then times per judgement, in rounds side by side:

- baseline: the same judge with ``EXECLAVE_EMBEDDINGS=off`` (key terms, no model);
- uncached: by meaning, each call's texts new to the embedding cache (first sight);
- cached: by meaning, the same calls again (the cache answers).

CPU time (``time.process_time``) per judgement, median and p90, and the ratio to the baseline.
Needs the embedding model (``make install``), which lives in the project venv:

    .venv/bin/python bench/offline_judge.py [--calls 200] [--rounds 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies import embeddings  # noqa: E402
from policies.call import Call  # noqa: E402
from policies.llm import JUDGE_KEYWORDS, JUDGE_SEMANTIC, OfflineJudge  # noqa: E402

# Each rule with tools that do its action: a call doing another action is decided before any
# embedding (microseconds), so every call here reaches the part that costs.
RULES = {
    "Never share customer data with competitors such as Globex": ["email.send", "drive.share_file"],
    "Do not delete customer records": ["crm.delete_customer", "crm.remove_account", "files.delete"],
    "Never transfer money to personal accounts": ["payments.wire", "payments.transfer"],
    "Do not post anything on social media": ["twitter.create_tweet", "linkedin.share_update"],
    "Never run shell commands that remove files": ["shell.exec"],
    "Do not reveal passwords or API keys": ["chat.reply", "email.send"],
}
_PROSE = (
    "customer client list contact details invoice account refund order shipped tuesday report "
    "monthly revenue cache file log build output our the a with for to of please attached here "
    "is every name address purchase history supplier savings private release hiring guide "
    "meeting notes contract vendor salary payroll backup database table users team friday menu "
    "lunch project roadmap quarter budget forecast draft review approved pending archive"
)
WORDS = _PROSE.split()
KEYS = ["to", "subject", "body", "text", "note", "path", "cmd", "reason", "id", "amount", "ref"]


def varied_call(rng: random.Random, tool: str, serial: int) -> Call:
    payload: dict[str, object] = {}
    for key in rng.sample(KEYS, rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.2:
            payload[key] = rng.randint(1, 10**6)
        elif roll < 0.3:
            payload[key] = f"{rng.getrandbits(32):08x}-{serial}"
        else:
            words = [rng.choice(WORDS) for _ in range(rng.randint(1, 40))]
            payload[key] = " ".join(words) + f" #{serial}"  # new to the cache
    if rng.random() < 0.1:
        payload["cc"] = "partners@globex.com"  # an entity the first rule names
    return Call(agent="bench", tool=tool, input=payload)


def per_judgement(judge: OfflineJudge, work: list[tuple[str, Call]], want: str) -> list[float]:
    times = []
    for rule, call in work:
        start = time.process_time()
        verdict = judge.judge(rule, call)
        times.append(time.process_time() - start)
        assert verdict.source == want, verdict
    return times


def summary(times: list[float]) -> tuple[float, float]:
    """Median and mean, in ms: the mean is what a stream of such calls costs."""
    return statistics.median(times) * 1000, statistics.fmean(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not embeddings.available():
        raise SystemExit("the embedding model is not installed (make install) or switched off")
    rng = random.Random(args.seed)
    judge = OfflineJudge()
    # Load the model and embed each rule's object once: rules repeat, calls vary.
    for rule in RULES:
        judge.judge(rule, Call(agent="bench", tool="warm.up", input={"x": "warm up"}))
    print(f"offline judge, {args.calls} varied calls per round, CPU ms per judgement")
    print(f"{'round':>5}  {'baseline p50/mean':>17}  {'uncached p50/mean':>17}  "
          f"{'cached p50/mean':>15}  {'uncached/baseline':>17}  {'cached/baseline':>15}")  # fmt: skip
    ratios = []
    for round_no in range(1, args.rounds + 1):
        serial0 = round_no * 1_000_000
        work = []
        for i in range(args.calls):
            rule = rng.choice(list(RULES))
            work.append((rule, varied_call(rng, rng.choice(RULES[rule]), serial0 + i)))
        os.environ["EXECLAVE_EMBEDDINGS"] = "off"
        base = summary(per_judgement(judge, work, JUDGE_KEYWORDS))
        os.environ["EXECLAVE_EMBEDDINGS"] = "on"
        uncached = summary(per_judgement(judge, work, JUDGE_SEMANTIC))
        cached = summary(per_judgement(judge, work, JUDGE_SEMANTIC))
        ratios.append((uncached[0] / base[0], cached[0] / base[0]))
        print(f"{round_no:>5}  {base[0]:>8.3f}/{base[1]:<8.3f}  {uncached[0]:>8.2f}/{uncached[1]:<8.2f}  "
              f"{cached[0]:>7.3f}/{cached[1]:<7.3f}  {ratios[-1][0]:>16.0f}x  {ratios[-1][1]:>14.1f}x")  # fmt: skip
    print(f"median over rounds of the p50 ratio to the keyword judge: uncached {statistics.median(r[0] for r in ratios):.0f}x, "
          f"cached {statistics.median(r[1] for r in ratios):.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
