"""Find URLs and hosts in nested JSON and match hosts against wildcard domain patterns.

Found: ``scheme://...`` URLs anywhere in a string, ``www.`` hosts in text, and bare
hosts (``api.example.com:443/v1``) stored under URL-like keys (``url``, ``host``,
``endpoint``, ``*_url`` ...). Hosts are lower-cased, stripped of a trailing dot and
IDNA-encoded, so a look-alike Unicode domain compares by its punycode form.

Domain patterns:
- ``example.com`` - that host only;
- ``*.example.com`` - any subdomain at any depth (not the apex: list both to allow both);
- ``api-*.example.com`` - ``*`` inside a label matches within that label;
- ``10.0.0.0/8`` or ``2001:db8::/32`` - IP hosts inside the network;
- ``*`` - any host.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from policies.detectors.walk import Leaf, iter_leaves

_URL_RE = re.compile(r"\b(?:https?|ftps?|wss?|sftp)://[^\s\"'<>\\^`{|}]+", re.I)
_WWW_RE = re.compile(
    r"(?<![\w.@/-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}(?::\d{1,5})?(?:/[^\s\"'<>]*)?",
    re.I,
)
_BARE_HOST_RE = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\.?(?::\d{1,5})?(?:/\S*)?$|"
    r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?:/\S*)?$",
    re.I,
)
_URL_KEYS = frozenset(
    {"url", "uri", "href", "link", "endpoint", "host", "hostname", "domain", "server", "origin",
     "webhook", "callback", "redirect", "target", "base", "baseurl", "address"}
)  # fmt: skip
_TRAILING = ".,;:!?'\""


@dataclass(frozen=True, slots=True)
class FoundUrl:
    host: str
    scheme: str  # "" for a bare host
    path: str  # JSON path where it was found
    location: str = "input"

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "scheme": self.scheme,
            "location": self.location,
            "path": self.path,
        }


def normalise_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def _clean_url(url: str) -> str:
    url = url.rstrip(_TRAILING)
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(_TRAILING)
    return url


def _host_of(url: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    return normalise_host(host), parts.scheme.lower()


def _is_url_key(key: str) -> bool:
    k = key.lower().replace("-", "_")
    return (
        k in _URL_KEYS
        or k.endswith(("_url", "_uri", "_host", "_endpoint", "_domain"))
        or k.endswith("url")
    )


def urls_in_leaves(leaves: Iterable[Leaf], *, location: str = "input") -> list[FoundUrl]:
    found: list[FoundUrl] = []
    for leaf in leaves:
        text = leaf.text
        hits = 0
        if "://" in text:
            for m in _URL_RE.finditer(text):
                parsed = _host_of(_clean_url(m.group()))
                if parsed:
                    found.append(FoundUrl(parsed[0], parsed[1], leaf.path, location))
                    hits += 1
        if "www." in text.lower():
            for m in _WWW_RE.finditer(text):
                parsed = _host_of("//" + _clean_url(m.group()))
                if parsed and not any(f.host == parsed[0] and f.path == leaf.path for f in found):
                    found.append(FoundUrl(parsed[0], "", leaf.path, location))
                    hits += 1
        if not hits and leaf.key and _is_url_key(leaf.key) and _BARE_HOST_RE.match(text.strip()):
            parsed = _host_of("//" + text.strip())
            if parsed:
                found.append(FoundUrl(parsed[0], "", leaf.path, location))
    return found


def find_urls(value: Any, *, location: str = "input") -> list[FoundUrl]:
    """Every URL or host in a JSON value, with the JSON path it was found at."""
    return urls_in_leaves(iter_leaves(value), location=location)


@functools.lru_cache(maxsize=4096)
def _compile_pattern(pattern: str) -> tuple[str, Any]:
    pattern = pattern.strip().lower().rstrip(".")
    if pattern == "*":
        return "any", None
    if "/" in pattern:
        try:
            return "network", ipaddress.ip_network(pattern, strict=False)
        except ValueError:
            pass
    if pattern.startswith("*.") and "*" not in pattern[2:]:
        return "suffix", "." + normalise_host(pattern[2:])
    if "*" in pattern:
        labels = pattern.split(".")
        regex = r"\.".join(".*" if label == "*" and i == 0 else re.escape(label).replace(r"\*", "[^.]*")
                           for i, label in enumerate(labels))  # fmt: skip
        return "regex", re.compile(rf"^{regex}$")
    return "exact", normalise_host(pattern)


def host_matches(host: str, pattern: str) -> bool:
    kind, arg = _compile_pattern(pattern)
    if kind == "any":
        return True
    if kind == "exact":
        return host == arg
    if kind == "suffix":
        return host.endswith(arg)
    if kind == "network":
        try:
            return ipaddress.ip_address(host) in arg
        except ValueError:
            return False
    return arg.match(host) is not None


def host_matches_any(host: str, patterns: Iterable[str]) -> bool:
    return any(host_matches(host, p) for p in patterns)


def valid_domain_pattern(pattern: str) -> bool:
    """Used by threshold validation: hostnames with optional ``*`` labels, IPs, networks."""
    p = pattern.strip().lower()
    if not p or len(p) > 253 or any(c.isspace() for c in p):
        return False
    if p == "*":
        return True
    if "/" in p or ":" in p:
        try:
            ipaddress.ip_network(p, strict=False)
            return True
        except ValueError:
            return False
    return (
        re.fullmatch(
            r"(?:\*|[a-z0-9*](?:[a-z0-9*-]{0,61}[a-z0-9*])?)(?:\.[a-z0-9*](?:[a-z0-9*-]{0,61}[a-z0-9*])?)*",
            p,
        )
        is not None
    )
