"""A cache of the screen's factors, and of which rule tables passed validation, across processes.

Deriving the factors of the built-in rules (parsing each pattern with the
``regex`` module's parser and walking the tree, see :mod:`pipeline.rules.factors`)
takes about a third of a second, twice the time of compiling the patterns,
and a command-line run over one file pays it every time. The factors depend
only on the pattern, its flags, the ``regex`` version and the screen's code,
so they are kept in ``rule-factors.json`` under the user's cache directory
(``$BOILERSTRIP_CACHE_DIR``, else ``$XDG_CACHE_HOME/boilerstrip``, else
``~/.cache/boilerstrip``); ``BOILERSTRIP_CACHE_DIR=off`` disables it.

Compiling the patterns costs another 0.6 s, and a run over one short file needs only
the few rules whose factors occur in it. So the cache also remembers which rule tables
passed every check of the loader (a pattern that compiles, does not match the empty
line, names only known groups, and matches its ``match`` examples and none of its
``no_match`` ones), keyed on a hash of the whole table and of the loader's code. A table
seen before is then built without compiling its pattern, which is compiled when the
rule is first tried (:attr:`pipeline.rules.model.Rule.compiled`). A changed table, or
changed loader, is checked in full again; a table that failed is never remembered.

The cache can only make loading faster, never change a result: entries are
keyed on all of the above, the loader still checks every factor set against
the rule's ``match`` examples, and a cache that cannot be read or written is
ignored (the factors are then derived as without it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import regex

from pipeline.errors import OutputError
from pipeline.io.writers import open_output
from pipeline.rules import bounds, factors, screened
from pipeline.rules.bounds import line_length_bound
from pipeline.rules.factors import Factors, necessary_factors

FILE_NAME = "rule-factors.json"
T = TypeVar("T")
#: A cache holding more entries than this (many rule files over time) starts afresh.
MAX_ENTRIES = 4096


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is disabled."""
    configured = os.environ.get("BOILERSTRIP_CACHE_DIR")
    if configured:
        return None if configured.lower() in ("off", "0", "none") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "boilerstrip")


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Changes whenever the code that derives factors (the walk and the screened form) or the
    regex module changes."""
    digest = hashlib.sha256()
    for module in (factors, screened, bounds):
        assert module.__file__ is not None  # modules of this package, loaded from their files
        digest.update(Path(module.__file__).read_bytes())
    for validation in ("loader.py", "model.py"):  # what "a table passed every check" means
        digest.update((Path(__file__).parent / validation).read_bytes())
    digest.update(regex.__version__.encode())
    return digest.hexdigest()[:16]


def _key(pattern: str, flags: int) -> str:
    return hashlib.sha256(f"{int(flags)}\x1f{pattern}".encode("utf-8", "surrogatepass")).hexdigest()[:24]


def table_key(table: dict[str, Any]) -> str:
    """A hash of a whole ``[[rule]]`` table: equal exactly when no key or value differs."""
    text = json.dumps(table, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class CheckedTable(NamedTuple):
    """What the loader found of a rule table that passed every check."""

    #: the compiled pattern's flags, its inline ones included (they key the screen factors)
    flags: int
    #: how many top-level branches the rule is searched by (:mod:`pipeline.rules.branches`); 0: as a whole
    branches: int


class FactorCache:
    """Factors by pattern: read once when created, written back by :meth:`save` if it grew."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else cache_dir()
        self.entries: dict[str, list[str] | None] = {}
        #: the tables that passed every check, by :func:`table_key`: their compiled flags and
        #: how many branches they are searched by (0: as a whole)
        self.checked: dict[str, list[int]] = {}
        #: the line length bound each pattern states (:mod:`pipeline.rules.bounds`; None: none), by pattern key
        self.bounds: dict[str, int | None] = {}
        self._read()
        self.added = 0

    def _read(self) -> None:
        if self.directory is None:
            return
        try:
            data = json.loads((self.directory / FILE_NAME).read_text(encoding="utf-8"))
            if data.get("version") == _code_version() and isinstance(data.get("factors"), dict):
                self.entries = {k: v for k, v in data["factors"].items()
                                if v is None or (isinstance(v, list) and all(isinstance(s, str) and s for s in v))}
                checked = data.get("checked", {})
                if isinstance(checked, dict):
                    self.checked = {k: v for k, v in checked.items()
                                    if isinstance(v, list) and len(v) == 2
                                    and all(isinstance(n, int) and not isinstance(n, bool) for n in v)}
                found = data.get("bounds", {})
                if isinstance(found, dict):
                    self.bounds = {k: v for k, v in found.items()
                                   if v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0)}
        except (OSError, ValueError, AttributeError):
            pass  # missing, unreadable or corrupt: start afresh

    def checked_table(self, table: dict[str, Any]) -> CheckedTable | None:
        """What the loader found of ``table`` when it passed every check before, else None."""
        found = self.checked.get(table_key(table))
        return None if found is None else CheckedTable(*found)

    def remember_checked(self, table: dict[str, Any], checked: CheckedTable) -> None:
        """Record that ``table`` passed every check, and what the loader found of it."""
        key = table_key(table)
        if self.checked.get(key) != list(checked):
            self.checked[key] = [int(checked.flags), int(checked.branches)]
            self.added += 1

    def factors(self, pattern: str, flags: int) -> Factors | None:
        """The factors of a pattern, from the cache or derived (and remembered)."""
        def derive() -> list[str] | None:
            found = necessary_factors(pattern, flags)
            return None if found is None else sorted(found)

        cached = self._cached(self.entries, pattern, flags, derive)
        return None if cached is None else frozenset(cached)

    def line_bound(self, pattern: str, flags: int) -> int | None:
        """The longest line ``pattern`` can match, as its start states it (None: no bound),
        from the cache or derived (and remembered)."""
        return self._cached(self.bounds, pattern, flags, lambda: line_length_bound(pattern, flags))

    def _cached(self, store: dict[str, T], pattern: str, flags: int, derive: Callable[[], T]) -> T:
        """``store``'s entry for a pattern, derived and remembered when it has none."""
        key = _key(pattern, flags)
        if key not in store:
            store[key] = derive()
            self.added += 1
        return store[key]

    def save(self) -> None:
        """Write the cache back (atomically) if it grew; a failure only means no cache next time."""
        if self.directory is None or not self.added:
            return
        entries = self.entries if len(self.entries) <= MAX_ENTRIES else {}
        checked = self.checked if len(self.checked) <= MAX_ENTRIES else {}
        found_bounds = self.bounds if len(self.bounds) <= MAX_ENTRIES else {}
        with contextlib.suppress(OutputError):  # a cache that cannot be written is no error
            with open_output(self.directory / FILE_NAME) as out:
                json.dump({"version": _code_version(), "factors": entries, "checked": checked,
                           "bounds": found_bounds}, out,
                          ensure_ascii=False)
        self.added = 0
