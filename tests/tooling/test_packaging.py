"""The server's and the Python SDK's packaging metadata as today's setuptools reads it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("pyproject", ["pyproject.toml", "sdk/python/pyproject.toml"])
def test_the_licence_is_an_spdx_string_read_by_the_setuptools_asked_for(pyproject):
    # A TOML table ({ text = "Apache-2.0" }) made make run's install print setuptools'
    # deprecation notice three times, with a deadline (2027-02-18) after which builds stop.
    data = tomllib.loads((ROOT / pyproject).read_text())
    assert data["project"]["license"] == "Apache-2.0"
    (setuptools,) = [r for r in data["build-system"]["requires"] if r.startswith("setuptools")]
    minimum = re.fullmatch(r"setuptools>=(\d+)", setuptools)
    assert minimum and int(minimum.group(1)) >= 77  # the first to read an SPDX expression
