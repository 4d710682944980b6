"""Public pages: help, security disclosure, privacy, /.well-known/security.txt, the favicon, and
the in-app docs (SDK READMEs rendered from the repository, policy types, API references)."""

from __future__ import annotations

import posixpath
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from governance.models import Plan
from policies.types import PolicyType

from ..docs_content import MODES, approval_fields, policy_types

ROOT = Path(settings.BASE_DIR)
# Response times per plan (the help page and docs/console.md say the same).
SUPPORT = [
    (Plan.FREE.label, "Community: GitHub issues and discussions", "best effort"),
    (Plan.PRO.label, "E-mail", "first answer within 1 business day"),
    (
        Plan.ENTERPRISE.label,
        "E-mail and a named contact; urgent line for outages",
        "1 hour for outages (24×7), 4 business hours otherwise",
    ),
]


def _public_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _link_for(request: HttpRequest, name: str, capability: str) -> str | None:
    """A public page's link to a member page: for visitors (the page asks them to sign in) and
    members who may use it; None for a signed-in member it would answer 404."""
    from ..navigation import may

    if request.user.is_authenticated and not may(request, capability):
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    from governance.models import PLAN_RETENTION_DAYS

    return render(
        request,
        "console/help.html",
        {
            "support": SUPPORT,
            "onboarding_url": _link_for(request, "console:onboarding", "agents.manage"),
            "support_email": settings.EXECLAVE_SUPPORT_EMAIL,
            "retention": [
                (Plan.FREE.label, f"{PLAN_RETENTION_DAYS[Plan.FREE]} days"),
                (Plan.PRO.label, f"{PLAN_RETENTION_DAYS[Plan.PRO]} days"),
                (Plan.ENTERPRISE.label, "365 days by default, custom or unlimited"),
            ],
            "policy_types": PolicyType.choices,
        },
    )


@require_GET
def security_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/security.html",
        {"contact": settings.EXECLAVE_SECURITY_CONTACT, "public_url": _public_url(request)},
    )


@require_GET
def privacy_page(request: HttpRequest) -> HttpResponse:
    def url(name):
        try:
            return reverse(name)
        except NoReverseMatch:
            return None

    return render(
        request,
        "console/privacy.html",
        {
            "dsr_url": _link_for(request, "privacy:requests", "dsr.read"),
            "my_data_url": url("privacy:me"),
            "privacy_email": settings.EXECLAVE_PRIVACY_EMAIL,
        },
    )


def security_txt_expiry(now: datetime | None = None) -> datetime:
    """RFC 9116 asks for an expiry under a year away; the file is generated, so it always
    says the first day of the month six months ahead (stable for caches within a month)."""
    now = (now or timezone.now()).astimezone(UTC)
    month = now.month + 6
    year = now.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=UTC)


@require_GET
@cache_control(max_age=86400, public=True)
def security_txt(request: HttpRequest) -> HttpResponse:
    base = _public_url(request)
    contact = settings.EXECLAVE_SECURITY_CONTACT
    if "@" in contact and not contact.startswith(("mailto:", "https://")):
        contact = "mailto:" + contact
    lines = [
        f"Contact: {contact}",
        f"Expires: {security_txt_expiry().strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Policy: {base}{reverse('console:security')}",
        "Preferred-Languages: en",
        f"Canonical: {base}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=604800, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    path = finders.find("favicon.ico")
    if not path:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115


# --- docs -----------------------------------------------------------------------------------------
# Guides rendered from the repository's own Markdown (one source for the repository and the app).
GUIDES = {
    "python": ("Python SDK", "sdk/python/README.md"),
    "typescript": ("TypeScript SDK", "sdk/typescript/README.md"),
}


def _guide_href(path: str, href: str) -> str | None:
    """Where a README's link goes on this site. Relative links name files of the repository
    (``../typescript/README.md``, ``../../docs/api.md``), which the site does not serve: the
    other guides become their pages, the repository's README the docs index, and the rest lose
    their link (the text stays) instead of answering 404."""
    if not href or href.startswith(("#", "/")) or ":" in href.split("/")[0]:
        return href
    target, _, fragment = href.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    for slug, (_title, guide_path) in GUIDES.items():
        if resolved == guide_path:
            return reverse("console:docs-guide", args=[slug]) + (f"#{fragment}" if fragment else "")
    if resolved == "README.md":
        return reverse("console:docs")
    return None


@lru_cache(maxsize=8)
def _render_markdown(path: str, mtime: float) -> str:
    # Headings get GitHub's ids, so a section's link (``/docs/python/#install``, or a README's
    # ``#…`` and ``other/README.md#…`` links) lands where it does on GitHub.
    md = MarkdownIt("commonmark", {"html": False}).enable("table").use(anchors_plugin, max_level=4)
    tokens = md.parse((ROOT / path).read_text(encoding="utf-8"))
    for block in tokens:
        for token in block.children or ():
            if token.type == "link_open":
                href = _guide_href(path, str(token.attrGet("href") or ""))
                if href is None:
                    token.tag, token.attrs, token.meta["unlinked"] = "span", {}, True
                else:
                    token.attrSet("href", href)
        # Close the links opened above as spans with spans too.
        opened: list = []
        for token in block.children or ():
            if token.type == "link_open":
                opened.append(token)
            elif token.type == "link_close" and opened and opened.pop().meta.get("unlinked"):
                token.tag = "span"
    # A code block wider than the page scrolls sideways: tabindex lets a keyboard scroll it (axe's
    # scrollable-region-focusable). Raw HTML is off, so every <pre> here is one markdown-it made.
    return md.renderer.render(tokens, md.options, {}).replace("<pre>", '<pre tabindex="0">')


def available_guides() -> list[tuple[str, str]]:
    return [(slug, title) for slug, (title, path) in GUIDES.items() if (ROOT / path).is_file()]


@require_GET
def docs_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/docs_index.html",
        {
            "guides": available_guides(),
            "public_url": _public_url(request),
            "onboarding_url": _link_for(request, "console:onboarding", "agents.manage"),
            "policy_types": policy_types(),
            "approval_fields": approval_fields(),
            "modes": MODES,
        },
    )


@require_GET
def docs_guide(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in GUIDES:
        raise Http404("No such guide.")
    title, path = GUIDES[slug]
    file = ROOT / path
    if not file.is_file():
        raise Http404("This guide is not part of this installation.")
    html = _render_markdown(path, file.stat().st_mtime)
    return render(
        request,
        "console/docs_guide.html",
        {"title": title, "html": mark_safe(html), "guides": available_guides(), "slug": slug},  # noqa: S308 — markdown-it with HTML off escapes raw HTML
    )
