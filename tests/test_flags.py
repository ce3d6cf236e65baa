"""The flag vocabulary: one module names every flag, and the README lists exactly those."""

from __future__ import annotations

import re

from pipeline import flags

from .conftest import ROOT


def _readme_flags() -> set[str]:
    """The backticked names in the first column of the README's flags table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Flags\n", 1)[1].split("\n## ", 1)[0]
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|", section, re.M)}


def test_the_readme_lists_exactly_the_flags_of_the_vocabulary():
    documented = {name.replace(":<id>", "") for name in _readme_flags()}
    assert documented == set(flags.FLAGS)


def test_every_flag_constant_is_in_the_vocabulary():
    constants = {value for name, value in vars(flags).items() if name.isupper() and isinstance(value, str)}
    assert constants == set(flags.FLAGS)
    assert flags.rule_timeout("ad-marker") == "rule-timeout:ad-marker"


def test_stages_raise_flags_only_from_the_vocabulary():
    """No stage writes a flag as a string literal: every one comes from pipeline.flags."""
    names = "|".join(re.escape(f) for f in flags.FLAGS)
    for path in (ROOT / "pipeline").rglob("*.py"):
        if path.name == "flags.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            assert not re.search(rf"""["'](?:{names})["']""", line), f"{path}: {line.strip()}"
