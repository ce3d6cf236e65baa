"""The examples in the package's docstrings run as tests: a docstring's ``>>>`` example that
stops being true fails the suite, so the docs of a function cannot drift from what it does.
(``pytest`` collects ``tests/`` only; this file runs the modules' examples.)"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
#: the modules whose docstrings hold an example, found by their text
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py") if ">>> " in path.read_text(encoding="utf-8"))


def test_the_examples_are_found():
    assert "pipeline.shape" in MODULES and "pipeline.stages.metadata" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, name
