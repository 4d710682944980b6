"""docs/configuration.md lists every environment variable the server reads, with its default, and
nothing it does not read; each SDK guide's option table lists every variable its SDK reads.

The variables are found in the code itself: calls of ``config.env``'s helpers (``env_int("X",
default)``…) and ``os.environ`` reads, in the settings and in the apps. Where the code gives a
literal default, the table's default cell must say it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.docs.markdown import ROOT, prose_lines

CONFIGURATION = ROOT / "docs" / "configuration.md"
_ENV_HELPER = re.compile(r"^env_(str|bool|int|float|list|url|rate)$")
_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")


def _server_code() -> list[str]:
    """The settings' package and every installed app that is a folder of this repository."""
    packages = [settings.SETTINGS_MODULE] + list(settings.INSTALLED_APPS)
    tops = dict.fromkeys(name.split(".")[0] for name in packages)
    return [top for top in tops if (ROOT / top / "__init__.py").exists()]


def _python_files() -> list[Path]:
    files = [ROOT / "manage.py"]
    for folder in _server_code():
        files += [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    return files


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def variables_read(files: list[Path]) -> dict[str, object]:
    """Each variable the code reads -> its literal default (``...`` when none is literal)."""
    found: dict[str, object] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = default = None
            has_default = False
            if isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    continue
                func = node.func
                if isinstance(func, ast.Name) and _ENV_HELPER.match(func.id):
                    name = first.value
                    if len(node.args) > 1:
                        default, has_default = node.args[1], True
                    for kw in node.keywords:
                        if kw.arg == "default":
                            default, has_default = kw.value, True
                elif (
                    isinstance(func, ast.Attribute)
                    and func.attr in {"get", "setdefault"}
                    and _is_environ(func.value)
                ):
                    name = first.value
                    if len(node.args) > 1:
                        default, has_default = node.args[1], True
            elif isinstance(node, ast.Subscript) and _is_environ(node.value):
                if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                    name = node.slice.value
            elif (
                isinstance(node, ast.Compare)  # "X" in os.environ / "X" not in os.environ
                and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)
                and any(_is_environ(c) for c in node.comparators)
            ):
                name = node.left.value
            if not name or not _NAME.match(name):
                continue
            literal = (
                default.value
                if has_default and isinstance(default, ast.Constant) and default.value is not None
                else ...
            )
            if found.get(name, ...) is ...:
                found[name] = literal
    return found


def documented(text: str) -> dict[str, str]:
    """Each variable of the table's first column -> its default cell."""
    rows: dict[str, str] = {}
    for number, line in prose_lines(text, keep_code=True):
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
        assert names, f"configuration.md:{number}: no variable in the first column"
        assert len(cells) >= 3 and cells[1], f"configuration.md:{number}: no default given"
        parts = [p.strip() for p in cells[1].split(", ")]
        if len(names) > 1 and len(parts) != len(names):
            pytest.fail(
                f"configuration.md:{number}: {len(names)} variables but {len(parts)} defaults "
                "(one per variable, separated by ', ')"
            )
        for i, name in enumerate(names):
            assert name not in rows, f"configuration.md:{number}: {name} is listed twice"
            rows[name] = parts[i] if len(names) > 1 else cells[1]
    return rows


def _spelled(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 5.0 is documented as 5
    return str(value)


def test_every_variable_the_server_reads_is_documented_and_nothing_else():
    read = variables_read(_python_files())
    table = documented(CONFIGURATION.read_text(encoding="utf-8"))
    assert sorted(set(read) - set(table)) == [], "read by the code, missing in configuration.md"
    assert sorted(set(table) - set(read)) == [], "in configuration.md, read nowhere"


def test_each_literal_default_is_the_documented_one():
    read = variables_read(_python_files())
    table = documented(CONFIGURATION.read_text(encoding="utf-8"))
    wrong = [
        f"{name}: code {_spelled(default)!r}, docs {table[name]!r}"
        for name, default in sorted(read.items())
        if default is not ... and name in table and _spelled(default) not in table[name]
    ]
    assert wrong == []


def test_the_checker_finds_what_it_should(tmp_path):
    # The checker itself can fail: a helper call, an os.environ read and a membership test are
    # found with their literal defaults; a table row with two names and one default is refused.
    code = tmp_path / "settings.py"
    code.write_text(
        "import os\n"
        "A = env_int('ALPHA_SIZE', 20_000, minimum=0)\n"
        "B = env_str('BETA_URL', default='x')\n"
        "C = os.environ.get('GAMMA_MODE', 'on')\n"
        "D = 'DELTA' in os.environ\n"
        "E = env_str('EPSILON', str(1))\n"
    )
    assert variables_read([code]) == {
        "ALPHA_SIZE": 20000,
        "BETA_URL": "x",
        "GAMMA_MODE": "on",
        "DELTA": ...,
        "EPSILON": ...,
    }
    assert documented("| `A_B`, `C_D` | `1`, `2` | x |\n") == {"A_B": "`1`", "C_D": "`2`"}
    with pytest.raises(pytest.fail.Exception):
        documented("| `A_B`, `C_D` | `1` | x |\n")


@pytest.mark.parametrize(
    ("guide", "sources"),
    [
        ("sdk/python/README.md", "sdk/python/src"),
        ("sdk/typescript/README.md", "sdk/typescript/src"),
    ],
)
def test_each_sdk_guide_lists_every_variable_its_sdk_reads(guide, sources):
    read = set()
    for path in (ROOT / sources).rglob("*"):
        if path.suffix in {".py", ".ts"}:
            read |= set(re.findall(r"\"(EXECLAVE_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert read, sources
    text = (ROOT / guide).read_text(encoding="utf-8")
    table = {
        name
        for _, line in prose_lines(text, keep_code=True)
        if line.startswith("|")
        for name in re.findall(r"`(EXECLAVE_[A-Z_]+)`", line)
    }
    assert sorted(read - table) == [], f"{guide}: variables missing from its option table"
