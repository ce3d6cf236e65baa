"""The flags a record can carry: what happened to a document besides removals.

Every flag any stage raises is named here, once, with its meaning; stages use
these constants instead of string literals, and a test checks that the README
lists exactly these flags. ``rule-timeout:<id>`` is the one family: the id of
the rule that ran out of time follows the colon.
"""

from __future__ import annotations

# decode
BOM_REMOVED = "bom-removed"
ENCODING_DETECTED = "encoding-detected"
INVALID_UTF8_BYTES_REPAIRED = "invalid-utf8-bytes-repaired"
HTTP_HEADERS_REMOVED = "http-headers-removed"
# repair (and extract, for a page's source)
MOJIBAKE_REPAIRED = "mojibake-repaired"
HTML_ENTITIES_UNESCAPED = "html-entities-unescaped"
CONTROL_CHARS_REMOVED = "control-chars-removed"
SURROGATES_REPAIRED = "surrogates-repaired"
LIGATURES_EXPANDED = "ligatures-expanded"
INVISIBLE_CHARS_REMOVED = "invisible-chars-removed"
UNICODE_SPACES_REPLACED = "unicode-spaces-replaced"
LINE_BREAKS_NORMALIZED = "line-breaks-normalized"
# extract
NO_MAIN_CONTENT = "no-main-content"
# strip
RULE_TIMEOUT = "rule-timeout"
# metadata (and JSONL records)
UNPARSED_DATE = "unparsed-date"
# normalize
EMPTY_AFTER_CLEANING = "empty-after-cleaning"

#: Every flag and what it means (``rule-timeout`` stands for ``rule-timeout:<id>``).
FLAGS: dict[str, str] = {
    BOM_REMOVED: "the input started with a byte-order mark, which was removed",
    ENCODING_DETECTED: "the bytes were not UTF-8: a legacy encoding was detected (see `encoding`)",
    INVALID_UTF8_BYTES_REPAIRED: "stray single-byte characters inside UTF-8 were read as cp1252",
    HTTP_HEADERS_REMOVED: "a leading HTTP response header block was set aside",
    MOJIBAKE_REPAIRED: "text decoded in the wrong encoding was repaired (ftfy)",
    HTML_ENTITIES_UNESCAPED: "HTML entities (`&amp;`, `&#39;`) were unescaped",
    CONTROL_CHARS_REMOVED: "control characters or terminal escapes were removed",
    SURROGATES_REPAIRED: "lone surrogates were repaired or replaced",
    LIGATURES_EXPANDED: "Latin ligatures (`ﬁ`) were expanded",
    INVISIBLE_CHARS_REMOVED: "zero-width and other invisible characters were removed",
    UNICODE_SPACES_REPLACED: "no-break and other Unicode spaces became plain spaces",
    LINE_BREAKS_NORMALIZED: "CRLF and CR line breaks became LF",
    NO_MAIN_CONTENT: "a page where no extractor found any main text",
    RULE_TIMEOUT: "`rule-timeout:<id>`: the rule exceeded its time limit on a line and was skipped there",
    UNPARSED_DATE: "a date was given or captured that is not a real date; it was dropped",
    EMPTY_AFTER_CLEANING: "nothing was left after cleaning; the record is kept with empty text",
}


def rule_timeout(rule_id: str) -> str:
    """The flag of a rule that ran out of time (``rule-timeout:<id>``)."""
    return f"{RULE_TIMEOUT}:{rule_id}"
