"""The chain's fingerprint follows the package's code, so a batch reruns after a code change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pipeline.chain
from pipeline import CleanOptions
from pipeline.chain import Chain
from pipeline.codehash import PACKAGE_DIR, code_fingerprint


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    shutil.copytree(PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__", "*.gz"))
    return root


def test_a_changed_added_or_renamed_module_changes_the_code_fingerprint(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    before = code_fingerprint(root)
    assert code_fingerprint(_copy(tmp_path / "again")) == before  # a copy is the same code

    stage = root / "stages" / "metadata.py"
    stage.write_text(stage.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    changed = code_fingerprint.__wrapped__(root)
    assert changed != before

    (root / "stages" / "new_stage.py").write_text("X = 1\n", encoding="utf-8")
    added = code_fingerprint.__wrapped__(root)
    assert added not in (before, changed)

    (root / "stages" / "new_stage.py").rename(root / "stages" / "other_stage.py")
    assert code_fingerprint.__wrapped__(root) not in (before, changed, added)


def test_what_is_not_python_source_leaves_it_alone(tmp_path: Path) -> None:
    """Compiled caches and data files (the model has its own hash in the fingerprint) are not code."""
    root = _copy(tmp_path)
    before = code_fingerprint.__wrapped__(root)
    (root / "__pycache__").mkdir(exist_ok=True)
    (root / "__pycache__" / "chain.cpython-311.pyc").write_bytes(b"\0")
    (root / "notes.txt").write_text("not code\n", encoding="utf-8")
    assert code_fingerprint.__wrapped__(root) == before


def test_the_chain_fingerprint_changes_with_the_code(monkeypatch) -> None:
    chain = Chain(CleanOptions(), ["finish"])
    before = chain.fingerprint()
    assert before == Chain(CleanOptions(), ["finish"]).fingerprint()  # stable for the same code
    monkeypatch.setattr(pipeline.chain, "code_fingerprint", lambda: "0" * 16)
    assert chain.fingerprint() != before
