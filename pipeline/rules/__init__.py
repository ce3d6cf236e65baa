"""Boilerplate rules: the model (:mod:`.model`), the TOML loader (:mod:`.loader`), and the
screen that decides which rules can match which lines (:mod:`.screened`, :mod:`.factors`,
:mod:`.screen`, with :mod:`.factor_cache`)."""

from pipeline.rules.loader import cached_rules, default_rules_dir, load_rules
from pipeline.rules.model import Rule, RuleSet

__all__ = ["Rule", "RuleSet", "cached_rules", "default_rules_dir", "load_rules"]
