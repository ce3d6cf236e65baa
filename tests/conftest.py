"""Shared test helpers and paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
EXPECTED = FIXTURES / "expected"
SHARED = ROOT.parent / "shared"


def eval_data_dir() -> Path:
    """The trafilatura evaluation set: ``$BOILERSTRIP_EVAL_DATA``, as benchmarks/eval_gate.py
    reads it, else ../shared/datasets/trafilatura-eval."""
    return Path(os.environ.get("BOILERSTRIP_EVAL_DATA") or SHARED / "datasets" / "trafilatura-eval")


@pytest.fixture(scope="session", autouse=True)
def _private_factor_cache(tmp_path_factory):
    """Tests never read or write the user's cache of rule factors (pipeline/factor_cache.py)."""
    os.environ["BOILERSTRIP_CACHE_DIR"] = str(tmp_path_factory.mktemp("factor-cache"))


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed command line in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BOILERSTRIP_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="session")
def rules():
    from pipeline.rules import load_rules

    return load_rules()
