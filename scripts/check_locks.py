"""Fail when a lock file no longer covers what pyproject.toml asks for.

Offline and fast (no resolver): every requirement of the server (dependencies and the ``dev``
extra) and of the SDK frameworks venv (the SDK's ``all`` extra and requirements/*.in) must be
pinned in its lock file at a version its specifier accepts. Run ``make lock`` to fix."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, str]:
    found = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def project_requirements(pyproject: Path, *extras: str) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    wanted = list(project.get("dependencies", []))
    for extra in extras:
        wanted += project.get("optional-dependencies", {}).get(extra, [])
    return wanted


def input_requirements(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def problems(lock: Path, wanted: list[str]) -> list[str]:
    if not lock.exists():
        return [f"{lock.relative_to(ROOT)} is missing"]
    pinned = pins(lock)
    found = []
    for text in wanted:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            found.append(f"{requirement.name} is not in {lock.relative_to(ROOT)}")
        elif not requirement.specifier.contains(version, prereleases=True):
            found.append(
                f"{requirement.name}=={version} in {lock.relative_to(ROOT)} "
                f"does not satisfy {requirement}"
            )
    return found


def main() -> int:
    found = problems(
        ROOT / "requirements/server.txt",
        project_requirements(ROOT / "pyproject.toml", "dev"),
    )
    found += problems(
        ROOT / "requirements/sdk-frameworks.txt",
        project_requirements(ROOT / "sdk/python/pyproject.toml", "all")
        + input_requirements(ROOT / "requirements/sdk-frameworks.in"),
    )
    for problem in found:
        print(f"lock files: {problem}", file=sys.stderr)
    if found:
        print("lock files: run `make lock` and commit requirements/*.txt", file=sys.stderr)
        return 1
    print("lock files: in step with pyproject.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
