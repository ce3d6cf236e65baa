"""A plain (non-editable) install ships the built-in rules inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (path,) = out.glob("boilerstrip-*.whl")
    return path


def test_wheel_contains_every_rule_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for rule_file in (ROOT / "rules").glob("*.toml"):
        assert f"pipeline/data/rules/{rule_file.name}" in names
    assert "pipeline/cli.py" in names


def test_unpacked_wheel_loads_its_own_rules_and_cleans(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import pipeline, pipeline.rules as r;"
        "d = r.default_rules_dir();"
        "print(pipeline.__file__); print(d); print(len(r.load_rules()));"
        "print(pipeline.clean_text('Advertisement\\nThe council met on Monday.').text)"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    module_file, rules_dir, count, text = result.stdout.splitlines()
    assert module_file.startswith(str(site)) and rules_dir.startswith(str(site))
    assert int(count) == len(list(__import__("pipeline").load_rules()))
    assert text == "The council met on Monday."
