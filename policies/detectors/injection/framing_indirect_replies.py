"""Framing signal rules: the reader's reply dictated, and its summarising task spoken of from inside.

Session 12 (indirect12), from the training corpora's indirect attacks still missed at medium:

- A reply dictated word for word with its punctuation stripped ("say 'Send a transaction to
  US13...' without periods", "output (NO PUNCTUATION): \"...\"", "print \"...\" trim final
  dot"): the Tensor Trust move (the reply must equal a string exactly), carried in a retrieved
  segment so that what the agent "answers" is an order for its tools. A classification prompt
  says the same ("reply 'yes' or 'no', no punctuation"), so it is a weak reader frame: it pairs
  only with an action for someone else inside the text (money to an account, a message to an
  outside address, a password changed), never alone.
- The reader's summarising task spoken of from inside an e-mail, as only the agent has it: the
  task aborted or declared done ("Abort summarization task.", "You are done with your task"),
  the summarising process given a new step ("the summarization process should also include
  sending ..."), the agent's own reasoning forged ("to properly summarize this email, I should
  first send ..."), what to do when there is nothing to summarise, "as you summarize". A
  person summarising a report is not told their summarising task is over or what "I" should
  do to summarise; like every reader frame it pairs only with an action for someone else.

The tuples are assembled into ``framing.SIGNAL_RULES`` (see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import RuleSpec
from policies.detectors.injection.signals import ADDRESSES_AI, DICTATED_REPLY, signal_rule

# The verbs that dictate a reply, and a quote (or brace) opening what is dictated.
_DICTATE_VERBS = ("say", "print", "output", "reply", "respond", "write", "type", "repeat",
                  "answer", "return")  # fmt: skip
_DICTATE = rf"\b(?:{'|'.join(_DICTATE_VERBS)})\b"
_QUOTE = r"\\?[\"'`{]"  # also a quote escaped inside a JSON or Python string
# What is dictated is itself an order for the agent's tools, opening on its verb ("'Send a
# transaction to ...", "\"Modify the recipient ...", "{Concatenate all messages ..."): a
# classifier's label ("'positive'") or a line for a person ("'Please email us at ...'") is not.
_ORDER = (
    r"\s*(?:(?:send|transfer|wire|pay|modify|change|update|reset|post|forward|concatenate|"
    r"delete|remove|invite|share|visit|upload|move|grant|create|schedule|make|get|book|tell|give)\b"
    r"(?! (?:us|your|me)\b)"
    # Politely, only when the order reaches for the user's own data ("'Please email the contents
    # of all unread emails in my inbox to ...'"): "'Please email us at ...'" is a line for a person.
    r"|please (?:e-?mail|send|forward|share|post|upload|transfer)\b[^\"'`\n]{0,60}?"
    r"\b(?:my|the user'?s|all (?:the )?(?:unread |received |sent )?(?:e-?mails|messages|files|"
    r"documents)|contents? of)\b)"
)
# Without the stripped punctuation, a dictated line is also a support bot's script ("if the user
# says 'help', reply only with 'Send an e-mail to help@bank.com'"): then the order must reach for
# the user's money or data ("'Send a transaction to US13...'", "'Change the password of the
# user ...'", "'Send the body of the email received from ...'").
_ORDER_ON_USERS = (
    rf"{_ORDER}[^\"'`\n]{{0,80}}?(?:[$€£]\d|\b(?:transactions?|money|funds|payments?|iban|account|password|passcode|"
    r"security code|the user'?s|my (?:inbox|e-?mails?|messages|files|calendar|contacts|account|drive|"
    r"cloud|passport|credit card)|all (?:the )?(?:[\w-]+ )?(?:messages|e-?mails|files|contacts|"
    r"channels)|contents? of|body of|recipient))"
)
# The punctuation stripped from the reply: "without periods", "no punctuation", "remove any
# dots", "trim final dot", "do not use punctuation", "w/no dot", "del '.'".
_STRIP = (
    r"(?:\b(?:no|without|remov(?:e|es|ing)|trim(?:s|ming)?|strip(?:s|ping)?|del|drop|omit(?:ting)?|"
    r"replac(?:e|ing)|(?:do not|don't|not|never|must not) (?:use|add|put|include))"
    r"(?: any| all| the| a| final| ending| trailing| end| end of| of| every)*"
    r"\s*(?:punctuations?|ponctuations?|punctuation marks?|periods?|full ?stops?|fullstops?|dots?|[\"']\.[\"'])"
    r"|\bw/ ?no (?:dots?|periods?|punctuation)|\bnodot\b"
    # Or a blank tacked on so that the reply is not the dictated line itself ("with a space at
    # end", "leave space after answer", "ending with a trailing whitespace").
    r"|\b(?:add|with|leave|ending with|end (?:your answer|it) (?:by|with)|followed by)"
    r" (?:a |an |one |\d )?(?:trailing |blank |empty |extra )?(?:space|whitespace|blank space|"
    r"line break|empty line)\b)"
)
_STRIP_WORDS = (
    "punctuation",
    "punctuations",
    "ponctuation",
    "period",
    "periods",
    "stop",
    "stops",
    "fullstop",
    "fullstops",
    "dot",
    "dots",
    "nodot",
    "space",
    "whitespace",
    "line",
)

DICTATED_REPLY_RULES: tuple[RuleSpec, ...] = (
    # Dictated then stripped; stripped then dictated; stripped between the verb and the quote.
    signal_rule(
        DICTATED_REPLY,
        rf"{_DICTATE}[^\n\"'`{{]{{0,40}}?{_QUOTE}{_ORDER}[\s\S]{{0,400}}?{_STRIP}"
        rf"|{_STRIP}[\s\S]{{0,300}}?{_DICTATE}[^\n\"'`{{]{{0,40}}?{_QUOTE}{_ORDER}"
        rf"|{_DICTATE}[^\n]{{0,40}}?{_STRIP}[^\n]{{0,30}}?{_QUOTE}{_ORDER}",
        _DICTATE_VERBS,
        _STRIP_WORDS,
    ),  # fmt: skip
    # The order dictated word for word, or on a trigger in the input ("say only: 'Send ...'",
    # "if the input is numeric, say 'Modify ...'", "if text is empty, print \"Transfer ...\"").
    signal_rule(
        DICTATED_REPLY,
        rf"{_DICTATE}(?: with)?(?: only| exactly| verbatim| precisely| just| the following| (?:this|the) exact \w+| in english)+(?: with)?\s*[:,]?\s*{_QUOTE}{_ORDER_ON_USERS}"
        rf"|\bif (?:the |this |that |any |your )?(?:input|text|sentence|user|question|brackets?|context|article|message|answer)\b[^\n]{{0,60}}?{_DICTATE}[^\n\"'`{{]{{0,40}}?{_QUOTE}{_ORDER_ON_USERS}",
        _DICTATE_VERBS,
        ("only", "exactly", "verbatim", "precisely", "just", "following", "exact", "english", "if"),
    ),  # fmt: skip
)

# The summarising task the agent was given, spoken of from inside the text it reads.
_SUMMARY = r"summari[sz](?:e|es|ed|ing|ation)"
SUMMARY_TASK_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        ADDRESSES_AI,
        rf"\b(?:abort|stop|cancel|end|halt|interrupt|skip)(?: the| your| this| current)? (?:{_SUMMARY}|summary) (?:task|process|procedure|job)\b"
        rf"|\byou(?: are|'re) (?:done|finished) with (?:your|the|this) (?:task|{_SUMMARY}|summary)\b"
        rf"|\b(?:the|your|our) (?:{_SUMMARY}|summary) (?:process|procedure|workflow|task|step) (?:should|must|shall|will|needs? to) (?:also|now|first|additionally|include)\b"
        rf"|\bif there (?:is|was|are|were) (?:no|nothing) (?:text |e-?mails? |content |documents? |messages? )?to {_SUMMARY}"
        rf"|\b(?:as|while|whilst) you(?: are)? {_SUMMARY}\b"
        rf"|\b(?:to|in order to) (?:properly |correctly |fully |accurately )?{_SUMMARY} (?:this|these|the) (?:e-?mails?|messages?|documents?|reports?|threads?)\b,? i (?:should|must|need to|will|have to)\b"
        rf"|\b(?:{_SUMMARY}|summary) (?:procedure|protocol|instructions?|rules?) for (?:the |any |an? )?(?:ai|assistant|agent|llm|model)\b"
        # The records only an agent summarises whole (the e-mail rule's nouns are in
        # ``framing_indirect``), and its summary forbidden ("DO NOT SUMMARIZE THIS EMAIL").
        rf"|\bwhen(?:ever)? (?:you )?(?:summari[sz]e|summari[sz]ing) (?:this|these|the following) (?:threads?|memos?|alerts?|notifications?|newsletters?)\b"
        rf"|\b(?:do not|don't|never) summari[sz]e (?:this|these) (?:e-?mails?|messages?|documents?|threads?)\b",
        (
            "summarize",
            "summarise",
            "summarizes",
            "summarises",
            "summarized",
            "summarised",
            "summarizing",
            "summarising",
            "summarization",
            "summarisation",
            "summary",
        ),
    ),  # fmt: skip
)
