"""The package's own code, hashed, so that a batch reruns what a code change may affect.

A batch keys each segment's files on the chain's fingerprint (:meth:`pipeline.chain.Chain.fingerprint`).
Options, rules, the model's hash and library versions were always part of it, but a change to the
code was not: a fix to how titles are taken, say, left yesterday's files standing unless someone
remembered to bump a version constant, and the package version changes only at a release.

Which code a stage runs cannot be told from its module alone: the stages import one another's
helpers, and lazily (inside functions) the modules that import the chain itself, so following the
imports ends at the whole package anyway. The fingerprint therefore takes the source of every
Python module of the package. A change to the command line or the batch layer reruns a batch too:
a rerun too many costs time, a rerun too few leaves stale output.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

#: The package directory whose ``*.py`` files are hashed.
PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def code_fingerprint(root: Path = PACKAGE_DIR) -> str:
    """A short hash of the source of every Python module under ``root``, by relative path: equal
    exactly when no module was added, removed, renamed or changed. (A few milliseconds, once a
    process: the files are small.)"""
    sha = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        sha.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]
