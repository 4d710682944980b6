"""Classification and URL detectors."""

from __future__ import annotations

import pytest

from policies.detectors.classification import classify_texts, level_exceeds
from policies.detectors.urls import find_urls, host_matches, valid_domain_pattern


@pytest.mark.parametrize(
    ("text", "level", "reason"),
    [
        ("Lunch menu for Friday", "public", None),
        ("this is internal to the team", "public", None),  # ordinary English is not a stamp
        ("INTERNAL - roadmap draft", "internal", "marker:internal"),
        ("For internal use only", "internal", "marker:internal_label"),
        ("Confidential: Q3 numbers", "confidential", "marker:confidential"),
        ("Attorney-client privileged", "confidential", "marker:privileged"),
        ("RESTRICTED", "restricted", "marker:restricted"),
        ("TOP SECRET", "restricted", "marker:top_secret"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "restricted", "pattern:private_key"),
        ("aws key AKIAIOSFODNN7EXAMPLE", "restricted", "pattern:aws_access_key"),
        ("db: postgres://app:s3cret@db.internal/prod", "restricted", "pattern:connection_string"),
        ("password = hunter2!", "restricted", "pattern:password"),
        # A restricted key written with a hyphen (its gate once lacked "rk-")
        ("key rk-live-4eC39HqLyjWDarjtT1zdp7dc", "restricted", "pattern:api_key"),
        ("token ghp_" + "a1B2" * 9, "restricted", "pattern:github_token"),
        # A link with no user and password in it is no connection string
        ("docs at https://example.com/a:b and mail@example.com", "public", None),
    ],
)
def test_classification_rules(text, level, reason):
    result = classify_texts([text])
    assert result.level == level
    if reason:
        assert reason in result.reasons


def test_classification_by_pii_and_custom_markers():
    assert classify_texts(["x"], pii_types=["email"]).level == "confidential"
    assert classify_texts(["x"], pii_types=["iban"]).level == "restricted"
    assert (
        classify_texts(["Falcon launch"], extra_markers={"restricted": ["falcon"]}).level
        == "restricted"
    )
    assert level_exceeds("confidential", "internal") and not level_exceeds("public", "internal")


def test_find_urls_in_nested_json():
    payload = {
        "request": {"url": "api.partner.com/v2/orders", "headers": {"Host": "ignored.example"}},
        "notes": ["see https://Docs.Example.com/a?b=1).", "and www.shop.example.org/cart"],
        "webhook_url": "https://hooks.example.net/x",
        "host": "10.0.0.7:8443",
        "text": "nothing here",
    }
    found = sorted((u.host, u.path) for u in find_urls(payload))
    assert found == [
        ("10.0.0.7", "$.host"),
        ("api.partner.com", "$.request.url"),
        ("docs.example.com", "$.notes[0]"),
        ("hooks.example.net", "$.webhook_url"),
        ("ignored.example", "$.request.headers.Host"),
        ("www.shop.example.org", "$.notes[1]"),
    ]


def test_idn_hosts_compare_as_punycode():
    (found,) = find_urls({"u": "https://bücher.example/x"})
    assert found.host == "xn--bcher-kva.example"
    assert host_matches(found.host, "*.example") and not host_matches(found.host, "buecher.example")


@pytest.mark.parametrize(
    ("host", "pattern", "expected"),
    [
        ("a.example.com", "*.example.com", True),
        ("a.b.example.com", "*.example.com", True),
        ("example.com", "*.example.com", False),
        ("badexample.com", "*.example.com", False),
        ("example.com", "EXAMPLE.com.", True),
        ("api-7.example.com", "api-*.example.com", True),
        ("api.x.example.com", "api-*.example.com", False),
        ("10.1.2.3", "10.0.0.0/8", True),
        ("11.1.2.3", "10.0.0.0/8", False),
        ("anything.at.all", "*", True),
    ],
)
def test_host_patterns(host, pattern, expected):
    assert host_matches(host, pattern) is expected


def test_domain_pattern_validation():
    assert all(
        valid_domain_pattern(p)
        for p in ["example.com", "*.example.com", "api-*.x.io", "10.0.0.0/8", "*"]
    )
    assert not any(valid_domain_pattern(p) for p in ["", "exa mple.com", "http://x.com", "a..b"])
