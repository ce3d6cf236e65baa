"""Property tests: cleaning never raises, is deterministic and idempotent.

Idempotency is checked on the rendered article (title, blank line, body),
which is what ``--format text`` prints: feeding the output back in must give
the same output.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import clean_text
from pipeline.rules import load_rules
from pipeline.stages.repair import repair_text

RULES = load_rules()
BOILERPLATE = [ex for rule in RULES for ex in rule.match]
PROSE = [ex for rule in RULES for ex in rule.no_match] + [
    "The council approved the budget on Tuesday after a long debate.",
    "Opposition members said the plan ignored rural schools.",
    "A Short Headline Line",
]
DAMAGE = ["", "\u200b", "\u00a0", "  ", "\t", "&amp;", "â€™", "\r", "\x00", "\ufeff", "\u2028", "Ã©"]

lines = st.one_of(
    st.sampled_from(BOILERPLATE),
    st.sampled_from(PROSE),
    st.text(max_size=60),
    st.just(""),
)


@st.composite
def documents(draw):
    chosen = draw(st.lists(lines, max_size=25))
    damaged = [line + draw(st.sampled_from(DAMAGE)) for line in chosen]
    return draw(st.sampled_from(["\n", "\r\n", "\n\n"])).join(damaged)


PROPERTY_SETTINGS = settings(max_examples=int(__import__("os").environ.get("PROPERTY_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(st.one_of(documents(), st.text(max_size=400)))
def test_clean_is_idempotent_on_rendered_text(text):
    once = clean_text(text).rendered()
    assert clean_text(once).rendered() == once


@PROPERTY_SETTINGS
@given(st.text(max_size=2000))
def test_never_raises_and_output_is_canonical(text):
    doc = clean_text(text)
    assert "\n\n\n" not in doc.text and doc.text == doc.text.strip()
    assert all(line == line.strip() and "  " not in line for line in doc.text.split("\n"))


@settings(max_examples=50, deadline=None)
@given(documents())
def test_deterministic(text):
    assert clean_text(text).to_json_line() == clean_text(text).to_json_line()


@PROPERTY_SETTINGS
@given(documents())
def test_removed_accounts_for_every_dropped_line(text):
    """Every non-blank input line is in the output (title or body) or has a removal record."""
    doc = clean_text(text)
    recorded = {r.line for r in doc.removed}
    kept = set(doc.text.split("\n\n")) | {doc.title}
    for number, line in enumerate(repair_text(text)[0].split("\n"), start=1):
        if line and number not in recorded:
            assert line in kept, f"line {number} {line!r} vanished without a record"
