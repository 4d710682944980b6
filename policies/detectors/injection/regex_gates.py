"""What every match of a rule's regular expression must contain, read from its parse tree:
the literal prefixes a match can start with (``literal_starts``), the substrings every match
holds (``required_substrings``) and which of them it holds as whole words (``word_needs``).
``rules.Rule`` turns these into the gates that decide whether a regex is tried at all.
"""

from __future__ import annotations

import re
from re import _compiler as sre_compiler  # type: ignore[attr-defined]
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

# Beyond this many prefixes a plain scan is cheaper. (Measured: a rule with 56 verbs in five
# languages, found by str.find, costs 60 % of the scan of its regex on the texts it opens on.)
MAX_STARTS = 64
MAX_CARRIED = 20  # how many continuations a short literal head is extended with
# A head of alternatives ("(?:has|have|with) (?:no|zero)") is carried into what follows when
# one of them is shorter than this: "with" alone is tried at every "with" of a text, "with no"
# and "with zero" rarely, and the text's words rule most such prefixes out without a scan
# (``rules.needle_in``).
CARRY_SHORTER_THAN = 6
# A start that is no string: "at the start of a line" (an alternative that is only ``^``,
# as in ``(?:^|\n|>)\s*assistant:``); tried at 0 and after each newline.
LINE_START = "\x00^"
_LINE_ANCHORS = (sre_constants.AT_BEGINNING, sre_constants.AT_BEGINNING_STRING)


# A regex's parse tree (``re._parser.parse``): what ``compile_parsed`` and the ``*_of`` readers
# below share, so a rule's regex is parsed once, not once for each (session 15: four parses per
# rule were ~70 % of importing the detector).
Parsed = sre_parse.SubPattern


def parse(regex: str, flags: int = 0) -> Parsed:
    """The parse tree ``re.compile(regex, flags)`` builds (raises ``re.error`` as it does). The
    flags other than verbose do not change the tree, only how ``compile_parsed`` reads it."""
    return sre_parse.parse(regex, int(flags))


def compile_parsed(regex: str, parsed: Parsed, flags: int) -> re.Pattern[str]:
    """``re.compile(regex, flags)`` from ``parse(regex, flags)``, without parsing it again:
    ``re._compiler.compile``'s steps after its parse (the same code, groups and pattern
    string; ``Pattern.__eq__`` holds, tests/policies/test_injection_rule_engine.py). Where this
    Python's private compiler differs, ``re.compile``."""
    flags = int(flags)  # as ``re.compile`` passes them: ``RegexFlag & ...`` runs in Python
    try:
        code = sre_compiler._code(parsed, flags)
        groupindex = parsed.state.groupdict
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        return sre_compiler._sre.compile(  # type: ignore[no-any-return]
            regex,
            flags | parsed.state.flags,
            code,
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
    except (AttributeError, TypeError):
        return re.compile(regex, flags)


def _lookaround(item: tuple) -> bool:
    """``(?<=...)``, ``(?<!...)``, ``(?=...)`` or ``(?!...)``: it consumes nothing (a lookbehind
    looks at what precedes a match, ``match(text, pos)`` seeing the whole string; a lookahead
    at what follows ``pos``), so a literal after it still begins every match."""
    return item[0] in (sre_constants.ASSERT, sre_constants.ASSERT_NOT)


def _zero_width_group(item: tuple) -> bool:
    """A group whose every alternative is only lookarounds and anchors: it consumes nothing
    either. ``signals.NOT_ADVISED_AGAINST`` is one, ``(?:(?<=why not )|(?<!not )(?<!never ))``:
    read as a branch it hid the literal start after it, and its rules ran at every position
    (review12)."""
    op, av = item
    if op is sre_constants.SUBPATTERN:
        return all(_zero_width(x) for x in av[-1])
    if op is sre_constants.BRANCH:
        return all(all(_zero_width(x) for x in alt) for alt in av[1])
    return False


def _zero_width(item: tuple) -> bool:
    return item[0] is sre_constants.AT or _lookaround(item) or _zero_width_group(item)


def _strings(item: tuple) -> set[str] | None:
    """The strings an item matches when they are a few literals ("has|have|with", "[,;]"),
    else ``None``."""
    op, av = item
    if op is sre_constants.LITERAL:
        return {chr(av)}
    if op is sre_constants.IN:
        if not all(kind is sre_constants.LITERAL for kind, _ in av):
            return None
        return {chr(value) for _, value in av}
    if op is sre_constants.SUBPATTERN:
        return _sequence_strings(list(av[-1]))
    if op is sre_constants.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            got = _sequence_strings(list(alt))
            if got is None:
                return None
            out |= got
        return out if len(out) <= MAX_CARRIED else None
    return None


def _sequence_strings(items: list) -> set[str] | None:
    out = {""}
    for item in items:
        got = _strings(item)
        if got is None:
            return None
        out = {a + b for a in out for b in got}
        if len(out) > MAX_CARRIED:
            return None
    return out


def _prefixes(items: list, depth: int = 0, carry: bool = True) -> set[str] | None:
    """Literal strings one of which begins every match of a parsed pattern, or ``None``.
    ``carry``: heads of short alternatives are carried into what follows them."""
    if depth > 8:
        return None
    i = 0
    while i < len(items) and _zero_width(items[i]):
        i += 1  # \\b, lookarounds and friends constrain, they do not consume
    if i == len(items):
        return None
    op, av = items[i]
    if carry and op in (sre_constants.BRANCH, sre_constants.SUBPATTERN) and i + 1 < len(items):
        heads = _strings(items[i])
        if heads and min(map(len, heads)) < CARRY_SHORTER_THAN:
            rest = _prefixes(items[i + 1 :], depth + 1, carry)
            if rest and LINE_START not in rest and len(heads) * len(rest) <= MAX_CARRIED:
                return {h + r for h in heads for r in rest}
    if op is sre_constants.LITERAL:
        chars = []
        while i < len(items) and items[i][0] is sre_constants.LITERAL:
            chars.append(chr(items[i][1]))
            i += 1
        head = "".join(chars)
        # The parser factors "ps|p.s" into "p(?:s|.s)": carry on into what follows, or
        # "p" alone would be tried at every p of the text. (A longer head is rare enough:
        # each further prefix costs one more scan of the text.)
        rest = _prefixes(items[i:], depth + 1, carry) if i < len(items) and len(head) < 3 else None
        if not rest or LINE_START in rest or len(rest) > MAX_CARRIED:
            return {head}
        return {head + r for r in rest}
    if op is sre_constants.SUBPATTERN:
        return _prefixes(list(av[-1]), depth + 1, carry)
    if op is sre_constants.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            if list(alt) in ([(sre_constants.AT, a)] for a in _LINE_ANCHORS):
                out.add(LINE_START)
                continue
            got = _prefixes(list(alt), depth + 1, carry)
            if not got:
                return None
            out |= got
        return out
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, _high, body = av
        inner = _prefixes(list(body), depth + 1, carry)
        if inner is None or low > 0:
            return inner
        rest = _prefixes(items[i + 1 :], depth + 1, carry)  # the optional part may be absent
        return None if rest is None else inner | rest
    if op is sre_constants.IN:
        chars = set()
        for kind, value in av:
            if kind is not sre_constants.LITERAL:
                return None
            chars.add(chr(value))
        return chars
    return None


def _literal(items: list) -> str | None:
    """The string a parsed sequence matches when it is literals only (groups allowed)."""
    out = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            out.append(chr(av))
        elif op is sre_constants.SUBPATTERN:
            inner = _literal(list(av[-1]))
            if inner is None:
                return None
            out.append(inner)
        elif op is sre_constants.AT:
            continue
        else:
            return None
    return "".join(out)


def _leading_literal(items: list) -> str:
    out = []
    for op, av in items:
        if op is sre_constants.AT and not out:
            continue
        if op is not sre_constants.LITERAL:
            break
        out.append(chr(av))
    return "".join(out)


# The gates' whole-word test (``whole_words``). A needle that every match holds as a
# whole word ("guardrails" in ``\b(?:its|your) (?:guardrails|filters)\b``) need not be
# looked for by ``str.find`` when the text has no such word: a set lookup says so. Which of
# a needle's words are whole is read from the regex around it: a word boundary, a line or
# string edge, or a character that is no word character (a space, ``\s+``, punctuation).
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_LEFT_EDGES = (sre_constants.AT_BOUNDARY, *_LINE_ANCHORS)
_RIGHT_EDGES = (sre_constants.AT_BOUNDARY, sre_constants.AT_END, sre_constants.AT_END_STRING)
_NON_WORD_CATEGORIES = (sre_constants.CATEGORY_SPACE, sre_constants.CATEGORY_NOT_WORD)
_WORD_RUN = re.compile(r"\w+")

Need = tuple[str, frozenset[str]]  # a needle, and the words every match holds it as whole


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what ``\w`` matches in a str pattern


def _non_word(item: tuple) -> bool:
    """``item`` consumes at least one character, and none that is a word character."""
    op, av = item
    if op is sre_constants.LITERAL:
        return not _is_word_char(chr(av))
    if op is sre_constants.IN:
        return all(
            (kind is sre_constants.LITERAL and not _is_word_char(chr(value)))
            or (kind is sre_constants.CATEGORY and value in _NON_WORD_CATEGORIES)
            for kind, value in av
        )
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        body = list(av[2])
        return av[0] >= 1 and len(body) == 1 and _non_word(body[0])
    return False


def _edge_before(items: list, i: int, inherited: bool) -> bool:
    """Whether a word ends right before ``items[i]``: no word character precedes it there."""
    j = i
    while j < len(items) and items[j][0] is sre_constants.AT:  # zero-width, at the same place
        if items[j][1] in _LEFT_EDGES:
            return True
        j += 1
    j = i - 1
    while j >= 0:
        op, av = items[j]
        if op is sre_constants.AT and av in _LEFT_EDGES:
            return True
        if op not in _ZERO_WIDTH:
            return _non_word(items[j])
        j -= 1
    return inherited


def _edge_after(items: list, i: int, inherited: bool) -> bool:
    """Whether a word ends right after ``items[i - 1]``: no word character follows there."""
    j = i - 1
    while j >= 0 and items[j][0] is sre_constants.AT:
        if items[j][1] in _RIGHT_EDGES:
            return True
        j -= 1
    j = i
    while j < len(items):
        op, av = items[j]
        if op is sre_constants.AT and av in _RIGHT_EDGES:
            return True
        if op not in _ZERO_WIDTH:
            return _non_word(items[j])
        j += 1
    return inherited


def _whole_words(needle: str, left: bool, right: bool) -> frozenset[str]:
    """The words of ``needle`` that are whole words of any text holding it at a match:
    those with a non-word character (or a bounded edge of the needle) on both sides."""
    words = set()
    for m in _WORD_RUN.finditer(needle):
        # ``word_set`` splits at "_" (punctuation to it): such a word is no word there.
        if (m.start() > 0 or left) and (m.end() < len(needle) or right) and "_" not in m.group():
            words.add(m.group())
    return frozenset(words)


def _required(
    items: list, depth: int = 0, left: bool = False, right: bool = False
) -> list[frozenset[Need]]:
    """Any-of substring sets that every match of the sequence contains, each substring with
    its whole words. ``left``/``right``: whether no word character adjoins the sequence."""
    out: list[frozenset[Need]] = []
    run: list[str] = []
    run_start = 0

    def flush(end: int) -> None:
        if len(run) >= 3:
            needle = "".join(run)
            whole = _whole_words(
                needle, _edge_before(items, run_start, left), _edge_after(items, end, right)
            )
            out.append(frozenset([(needle, whole)]))
        run.clear()

    for i, (op, av) in enumerate(items):
        if op is sre_constants.LITERAL:
            if not run:
                run_start = i
            run.append(chr(av))
            continue
        flush(i)
        if depth > 6:
            continue
        before, after = _edge_before(items, i, left), _edge_after(items, i + 1, right)
        if op is sre_constants.SUBPATTERN:
            out.extend(_required(list(av[-1]), depth + 1, before, after))
        elif op is sre_constants.BRANCH:
            group = set()
            for alt in av[1]:
                alt = list(alt)
                lit = _literal(alt)
                lead = lit if lit is not None else _leading_literal(alt)
                if len(lead.strip()) < 2:
                    group = set()
                    break
                lead_left = _edge_before(alt, 0, before)
                if lit is not None:
                    lead_right = _edge_after(alt, len(alt), after)
                else:  # the leading literals (after any zero-width items), then what follows
                    k = 0
                    while alt[k][0] is sre_constants.AT:
                        k += 1
                    while k < len(alt) and alt[k][0] is sre_constants.LITERAL:
                        k += 1
                    lead_right = _edge_after(alt, k, after)
                group.add((lead, _whole_words(lead, lead_left, lead_right)))
            if group:
                out.append(frozenset(group))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
            out.extend(_required(list(av[2]), depth + 1))
    flush(len(items))
    return out


def _shortest(group: frozenset[Need]) -> int:
    return min(len(needle) for needle, _ in group)


def required_substrings(regex: str) -> tuple[tuple[tuple[Need, ...], ...], ...]:
    try:
        tree = parse(regex)
    except (re.error, TypeError, ValueError, IndexError):
        return ()
    return required_substrings_of(tree)


def required_substrings_of(tree: Parsed) -> tuple[tuple[tuple[Need, ...], ...], ...]:
    """``required_substrings`` of a regex's parse tree (``parse``)."""
    parsed = list(tree)
    body = [item for item in parsed if item[0] is not sre_constants.AT]
    # Zero-width items around the one item of ``body`` (``\b(?:a|b)\b``) bound its edges.
    first = next((i for i, item in enumerate(parsed) if item[0] is not sre_constants.AT), 0)
    left = _edge_before(parsed, first, False)
    right = _edge_after(parsed, first + 1, False)
    if len(body) == 1 and body[0][0] is sre_constants.BRANCH:
        alternatives = [list(alt) for alt in body[0][1][1]]
    elif len(body) == 1 and body[0][0] is sre_constants.SUBPATTERN:
        group = list(body[0][1][-1])
        inner = [i for i in group if i[0] is not sre_constants.AT]
        if len(inner) == 1 and inner[0][0] is sre_constants.BRANCH:
            at = group.index(inner[0])
            left = _edge_before(group, at, left)
            right = _edge_after(group, at + 1, right)
            alternatives = [list(alt) for alt in inner[0][1][1]]
        else:
            alternatives = [parsed]
            left = right = False
    else:
        alternatives = [parsed]
        left = right = False
    needs = []
    for alt in alternatives:
        # Short needles ("a", "no") are in every text: they cost a scan and prune nothing.
        groups = [g for g in _required(alt, 0, left, right) if _shortest(g) >= 3]
        groups.sort(key=lambda g: -_shortest(g))
        # A fixed order inside each group: which needle is looked for first moves no result.
        needs.append(tuple(tuple(sorted(g)) for g in groups[:2]))
    # An alternative with nothing required makes the whole gate useless.
    return () if any(not n for n in needs) else tuple(needs)


def word_needs(
    needs: tuple[tuple[tuple[Need, ...], ...], ...],
) -> tuple[tuple[frozenset[str], ...], ...]:
    """Per alternative of ``needs``, for each group whose every needle has whole words, one
    of them per needle (the longest: the rarest in text). A text with none of a group's words
    holds no needle of it where a match would: ``Rule._gate`` skips the alternative."""
    out = tuple(
        tuple(
            frozenset(max(sorted(whole), key=len) for _, whole in group)
            for group in alternative
            if all(whole for _, whole in group)
        )
        for alternative in needs
    )
    return out if any(out) else ()


def literal_starts(regex: str) -> tuple[str, ...]:
    try:
        tree = parse(regex)
    except (re.error, TypeError, ValueError, IndexError):
        return ()
    return literal_starts_of(tree)


def literal_starts_of(tree: Parsed) -> tuple[str, ...]:
    """``literal_starts`` of a regex's parse tree (``parse``)."""
    for carry in (True, False):  # carried heads may make too many: then the heads alone
        try:
            found = _prefixes(list(tree), 0, carry)
        except (re.error, TypeError, ValueError, IndexError):
            return ()
        if not found:
            return ()
        # A prefix that extends another adds nothing: "you" already finds "your". (Counted
        # after this, not before: "ignore", "ignorer", "ignorez" are one scan, not three.)
        kept = sorted(found, key=len)
        minimal = [p for i, p in enumerate(kept) if not any(p.startswith(q) for q in kept[:i])]
        if len(minimal) <= MAX_STARTS:
            return tuple(minimal)
    return ()


def _opens_at_boundary(items: list) -> bool:
    for i, (op, av) in enumerate(items):
        if op is sre_constants.AT and av is sre_constants.AT_BOUNDARY:
            return True
        if _zero_width((op, av)):
            continue
        if op is sre_constants.SUBPATTERN:
            return _opens_at_boundary(list(av[-1]) + items[i + 1 :])
        if op is sre_constants.BRANCH:
            return all(_opens_at_boundary(list(alt) + items[i + 1 :]) for alt in av[1])
        return False
    return False


def opens_at_word_boundary(regex: str) -> bool:
    """Whether every match of ``regex`` begins where ``\\b`` holds: a ``\\b`` comes before
    anything that consumes, in every alternative, after any lookarounds ("(?<!not )\\b(?:no|
    without)"; session 14: such rules were tried at every "no" of "know" and "cannot")."""
    try:
        tree = parse(regex)
    except (re.error, TypeError, ValueError, IndexError):
        return False
    return opens_at_word_boundary_of(tree)


def opens_at_word_boundary_of(tree: Parsed) -> bool:
    """``opens_at_word_boundary`` of a regex's parse tree (``parse``)."""
    try:
        return _opens_at_boundary(list(tree))
    except (re.error, TypeError, ValueError, IndexError):
        return False


def top_level_alternatives(regex: str) -> list[str]:
    """``a|b(c|d)|e`` -> ``["a", "b(c|d)", "e"]``: the regex's outermost alternatives."""
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if regex[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(regex[start:i])
            start = i + 1
        i += 1
    parts.append(regex[start:])
    return parts
