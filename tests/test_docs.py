"""The user docs stay what a person can read: small files, links that resolve."""

from __future__ import annotations

import re
from collections import Counter

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_docs_are_small_and_not_garbled():
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        assert len(text) < 100_000, path
        repeated = [line for line, n in Counter(line for line in text.splitlines() if len(line) > 40).items() if n > 3]
        assert not repeated, (path, repeated[:2])


def test_relative_links_resolve():
    for path in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            assert (path.parent / target).exists(), (path, target)
