"""The shell blocks of the docs hold up when copied: each ``manage.py`` line names a command that
exists with arguments its own parser accepts, and each ``export`` sets a variable the server or
an SDK reads. (The README's blocks also run against a live server: test_readme_blocks.py.)"""

from __future__ import annotations

import re
import shlex

import pytest
from django.core.management import CommandError, get_commands, load_command_class

from tests.docs.markdown import ROOT, blocks, documents, prose_lines
from tests.docs.test_configuration import CONFIGURATION, documented

SHELL = {"sh", "bash", "shell"}
PAGES = [*documents(), ROOT / "sdk" / "typescript" / "README.md"]


def shell_lines() -> list[tuple[str, list[str]]]:
    """(page:line, argv) of every command in the pages' shell blocks, comments dropped."""
    found = []
    for page in PAGES:
        for block in blocks(page.read_text(encoding="utf-8")):
            if block.language not in SHELL or block.fragment:
                continue
            joined = re.sub(r"\\\n\s*", " ", block.code)
            for offset, line in enumerate(joined.splitlines()):
                argv = shlex.split(line, comments=True)
                if argv:
                    found.append((f"{page.relative_to(ROOT)}:{block.line + 1 + offset}", argv))
    return found


_INLINE = re.compile(
    r"`(\S*python3? manage\.py [^`\[]*)`"
)  # a synopsis ("[--org SLUG]") is not a command


def inline_commands() -> list[tuple[str, list[str]]]:
    """(page:line, argv) of each whole command in the pages' inline code, e.g. "… or in the
    repository with `.venv/bin/python manage.py apikey create --org <slug> …`"."""
    found = []
    for page in PAGES:
        numbered = prose_lines(page.read_text(encoding="utf-8"), keep_code=True)
        text = "\n".join(line for _, line in numbered)
        for match in _INLINE.finditer(text):
            line = numbered[text.count("\n", 0, match.start())][0]
            argv = shlex.split(match.group(1).replace("\n", " "))
            found.append((f"{page.relative_to(ROOT)}:{line}", argv))
    return found


def _manage_lines() -> list[tuple[str, list[str]]]:
    return [
        (where, argv[2:])
        for where, argv in shell_lines() + inline_commands()
        if argv[1:2] == ["manage.py"]
    ]


def parse(argv: list[str]) -> None:
    """Parse a manage.py command line as the command would: CommandError when it would refuse."""
    commands = get_commands()
    if not argv or argv[0] not in commands:
        raise CommandError(f"no such command: {argv[:1]}")
    command = load_command_class(commands[argv[0]], argv[0])
    command.create_parser("manage.py", argv[0]).parse_args(argv[1:])


def test_the_docs_have_manage_lines_to_check():
    names = {argv[0] for _, argv in _manage_lines()}
    assert {"apikey", "invite_owner", "migrate", "qcluster", "timekeeper"} <= names, names


@pytest.mark.parametrize(
    ("where", "argv"), _manage_lines(), ids=[where for where, _ in _manage_lines()]
)
def test_each_manage_line_is_accepted_by_its_command(where, argv):
    try:
        parse(argv)
    except CommandError as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"{where}: manage.py {shlex.join(argv)}: {exc}")


def test_the_parse_check_refuses_what_the_command_would():
    with pytest.raises(CommandError):
        parse(["export_traces", "--org", "demo"])  # OUT is required
    with pytest.raises(CommandError):
        parse(["apikey", "create", "--org", "demo", "--nmae", "x"])
    with pytest.raises(CommandError):
        parse(["no_such_command"])


def _sdk_variables() -> set[str]:
    read = set()
    for sources in ("sdk/python/src", "sdk/typescript/src"):
        for path in (ROOT / sources).rglob("*"):
            if path.suffix in {".py", ".ts"}:
                read |= set(re.findall(r"\"(EXECLAVE_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    return read


def test_each_exported_variable_is_one_something_reads():
    known = set(documented(CONFIGURATION.read_text(encoding="utf-8"))) | _sdk_variables()
    exported = [
        (where, word.split("=", 1)[0])
        for where, argv in shell_lines()
        if argv[0] == "export"
        for word in argv[1:]
    ]
    assert len(exported) >= 10
    assert [f"{where}: {name}" for where, name in exported if name not in known] == []
