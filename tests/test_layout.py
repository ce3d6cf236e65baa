"""The architecture, checked: one chain names the stages; orchestration reaches them only through it."""

from __future__ import annotations

import ast
from pathlib import Path

from pipeline.chain import SEGMENTS

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def _imports(path: Path) -> set[str]:
    """Every module a file imports (``from a.b import c`` counts as a.b and a.b.c)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules() -> dict[str, set[str]]:
    return {str(path.relative_to(PACKAGE.parent)): _imports(path) for path in PACKAGE.rglob("*.py")}


def test_modules_that_import_luigi_reach_the_stages_only_through_the_chain():
    luigi_modules = {name: imports for name, imports in _modules().items()
                     if any(i == "luigi" or i.startswith("luigi.") for i in imports)}
    assert set(luigi_modules) >= {"pipeline/batch/tasks.py", "pipeline/batch/run.py"}
    for name, imports in luigi_modules.items():
        assert not [i for i in imports if i.startswith("pipeline.stages")], name
    assert "pipeline.chain" in luigi_modules["pipeline/batch/tasks.py"]


def test_only_the_chain_names_the_stage_classes():
    stage_classes = {f"{cls.__module__}.{cls.__name__}" for stages in SEGMENTS.values() for cls in stages}
    for name, imports in _modules().items():
        named = imports & stage_classes
        if name != "pipeline/chain.py":
            assert not named, f"{name} imports {sorted(named)}"


def test_the_chain_is_the_stages_in_order():
    assert {name: [cls.name for cls in stages] for name, stages in SEGMENTS.items()} == {
        "prepare": ["decode", "extract", "repair"], "finish": ["strip", "templates", "line-model", "after-furniture", "metadata", "normalize", "duplicates",
                                                              "filter"]}


def test_the_command_line_builds_its_parser_without_luigi():
    """`boilerstrip clean` starts in a fraction of a second: Luigi (0.4 s) loads only for batch."""
    import subprocess
    import sys

    probe = "import sys, pipeline.cli as c; c.build_parser(); print('luigi' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"


def test_one_document_calls_reuse_one_chain_per_options():
    """clean_bytes builds no chain per call; options that carry their own rules do not share."""
    from pipeline import CleanOptions
    from pipeline.chain import chain_for

    assert chain_for() is chain_for(CleanOptions())
    assert chain_for(CleanOptions(line_model=False)) is not chain_for()
    rules = CleanOptions().ruleset()
    assert chain_for(CleanOptions(rules=rules)) is not chain_for(CleanOptions(rules=rules))
