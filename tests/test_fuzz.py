"""Fuzz targets: only DocumentError subclasses may ever escape the entry points.

The normal suite runs each target briefly. A long run is one environment
variable away::

    BOILERSTRIP_FUZZ_EXAMPLES=100000 pytest tests/test_fuzz.py -p no:cacheprovider --timeout=0

(``clean_text``'s "never raises on any str" and idempotency are property tests
in tests/test_properties.py; the target here feeds it what those strategies do
not: control characters, surrogates, huge runs and HTML-ish text.)
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import clean_html, clean_text
from pipeline.document import Document
from pipeline.errors import DocumentError
from pipeline.io.jsonl import parse_record
from pipeline.stages.decode import decode, decode_bytes, decode_html_bytes

EXAMPLES = int(os.environ.get("BOILERSTRIP_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None if EXAMPLES > 1000 else 2000, derandomize=EXAMPLES <= 1000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], database=None)

# Bytes that steer decoding down its different paths.
MAGIC = [b"\x89PNG\r\n\x1a\n", b"%PDF-", b"\x1f\x8b", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
         b"\x00\x00\xfe\xff", b"<html>", b"<meta charset=\"shift_jis\">", b"<?xml version=\"1.0\" encoding=\"utf-16\"?>",
         b"<meta charset=\"x-user-defined\">", b"\x00", b"\r\n", b"\xc3\xa9", b"\x92", b"\xe2\x80\x99", b"&amp;"]
raw_bytes = st.one_of(
    st.binary(max_size=600),
    st.lists(st.one_of(st.sampled_from(MAGIC), st.binary(max_size=40)), max_size=12).map(b"".join),
    st.text(max_size=200).map(lambda t: t.encode("utf-16-le")),
)

TAGS = ["html", "head", "body", "title", "meta", "p", "div", "article", "script", "style", "table", "tr", "td", "ul",
        "li", "a", "br", "h1", "svg", "template", "noscript", "iframe", "!--", "![CDATA[", "?xml"]


@st.composite
def html_ish(draw) -> str:
    pieces = draw(st.lists(st.one_of(
        st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
        st.sampled_from(['<meta charset="utf-8">', '<meta property="og:site_name" content="">',
                         '<script type="application/ld+json">{"@type": "NewsArticle", "author": [}</script>',
                         '<link rel="canonical" href="javascript:x">', "&#0;", "&#xD800;", "&amp", "<p x='",
                         '<time datetime="9999-99-99">', '<meta name="date" content="0000-00-00">']),
        st.text(max_size=30),
        st.just("The council approved the harbour plan on Monday after a long debate. "),
    ), max_size=40))
    return "".join(pieces)


@FUZZ
@given(st.one_of(st.text(max_size=300), html_ish(),
                 st.lists(st.sampled_from(["\x00", "\ud800", "\u2028", "\x85", "\r", "\n", "\u200b", "a", "Ã©", "&#"]),
                          max_size=60).map("".join)))
def test_clean_text_never_raises(text):
    doc = clean_text(text)
    doc.to_json_line().encode("utf-8")  # the record can always be written


@FUZZ
@given(raw_bytes)
@example(b"\xff\xfe\x00")  # a UTF-16 BOM with an odd byte after it
@example(b"<meta charset=\"utf-7\">+AGEAYgBj-")
def test_decode_raises_only_document_errors(data):
    for fn in (decode_bytes, decode_html_bytes):
        try:
            text, encoding, _ = fn(data)
        except DocumentError:
            continue
        assert isinstance(text, str) and text.strip() and encoding
    for fmt in (None, "text", "html"):
        try:
            decode(Document(id="f", raw=data, format=fmt))
        except DocumentError:
            pass


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12,
)
records = st.fixed_dictionaries({}, optional={
    "id": json_values, "text": st.one_of(st.text(max_size=80), json_values), "html": st.one_of(html_ish(), json_values),
    "url": json_values, "date": st.one_of(st.text(max_size=25), json_values),
})


@FUZZ
@given(st.one_of(
    st.binary(max_size=300),
    records.map(lambda r: json.dumps(r).encode()),
    records.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.integers(min_value=1, max_value=3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(min_value=1, max_value=3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
))
@example(b"[" * 100_000)
@example(b'{"id": "\\ud800", "text": "x"}')
@example(b'{"id": 1e400, "text": "x"}')
@example(b'{"text": "x", "date": "\\udc00"}')
def test_parse_record_raises_only_document_errors(line):
    try:
        doc = parse_record(line, 3, "f:3")
    except DocumentError as exc:
        assert str(exc).startswith("line 3: ")
        return
    assert doc.id and (doc.text or doc.html)
    json.dumps({"id": doc.id, "url": doc.url, "date": doc.date}, ensure_ascii=False).encode("utf-8")


@FUZZ
@given(html_ish())
@example("<html><body>" + "<div>" * 300 + "x")
@example("<html><body><p>\ud800 lone</p></body></html>")
@example("<?xml version='1.0' encoding='utf-8'?><html><body><p>Text</p></body></html>")
@example("\x00<html>\x00</html>")
# Found by this target: jusText's cleaner raised ValueError ("All strings must be XML
# compatible") moving a control character after a dropped <script> (fixed in extract()).
@example('<html><body><script type="application/ld+json">{"@type": "NewsArticle", "author": [}</script>\x1f')
# Found by the long run: htmldate's cleaning asserted (AssertionError) on a tree whose root is an <svg>.
@example("<svg><html>")
# Found by the long run: jusText's cleaner raised ValueError on a tree whose root is a comment.
@example("<body><!--><html>")
def test_clean_html_raises_only_document_errors(html):
    try:
        doc = clean_html(html)
    except DocumentError:
        return
    doc.to_json_line().encode("utf-8")
