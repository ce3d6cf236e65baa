"""The cache of rule factors speeds loading up and can never change a result."""

from __future__ import annotations

import json

import pipeline.rules.factor_cache as factor_cache
import pipeline.rules.loader as rules_module
from pipeline.rules import load_rules
from pipeline.rules.factor_cache import FILE_NAME, FactorCache, cache_dir


def _factors(ruleset):
    return [(rule.id, rule.factors) for rule in ruleset]


def test_second_load_reads_the_factors_instead_of_deriving_them(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    first = load_rules()
    assert (tmp_path / FILE_NAME).is_file()

    def refuse(pattern, flags):
        raise AssertionError("derived although cached")

    monkeypatch.setattr(factor_cache, "necessary_factors", refuse)
    assert _factors(load_rules()) == _factors(first)


def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    expected = _factors(load_rules())
    for content in ("{not json", json.dumps({"version": "other", "factors": {}}), json.dumps([1, 2]),
                    json.dumps({"version": factor_cache._code_version(), "factors": {"k": [3]}})):
        (tmp_path / FILE_NAME).write_text(content, encoding="utf-8")
        assert _factors(load_rules()) == expected


def test_wrong_cached_factors_are_caught_by_the_examples(tmp_path, monkeypatch):
    """A cache edited by hand cannot hide a rule: factors that miss a 'match' example are dropped."""
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    load_rules()
    data = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    data["factors"] = {key: ["zzzz-never"] for key in data["factors"]}
    (tmp_path / FILE_NAME).write_text(json.dumps(data), encoding="utf-8")
    rules = load_rules()
    assert all(rule.factors is None for rule in rules if not rule.beside_only)
    assert all(rule.factors == frozenset() for rule in rules if rule.beside_only)  # never in the line pass anyway


def test_an_unwritable_or_disabled_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(blocker / "cache"))
    assert len(load_rules()) > 0
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", "off")
    assert cache_dir() is None and len(load_rules()) > 0
    assert FactorCache().directory is None


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("BOILERSTRIP_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "boilerstrip"
    assert rules_module.FactorCache is FactorCache


def test_loading_the_rules_leaves_no_pattern_in_the_regex_modules_cache(monkeypatch):
    """The loader's checks compile patterns through regex's own cache, which the rules never read
    again (each keeps its own compiled pattern); left there, they stay resident while the
    screen's automaton is built, the height of a run's memory. A first load and a warm one."""
    import regex._main

    for cache in ("off", None):
        if cache:
            monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", cache)
        else:
            monkeypatch.delenv("BOILERSTRIP_CACHE_DIR", raising=False)
        load_rules()
        assert not regex._main._cache


def test_deriving_factors_keeps_no_memo_between_patterns(monkeypatch):
    """A load that derives every rule's factors (a first run, or the cache off) must not keep
    the walk's memos: kept, the scores' cache alone held about 48 MiB for the process's life."""
    from pipeline.rules import factors

    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", "off")
    load_rules()
    assert factors._score.cache_info().currsize == 0
    assert not factors._MEMO
