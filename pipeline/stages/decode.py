"""Stage 1: bytes to text (or to an HTML page's source), with the encoding recorded.

Order of evidence, strongest first: known binary signatures (refuse), a BOM,
the NUL-byte pattern of BOM-less UTF-16/32, strict UTF-8, UTF-8 with a few
stray single-byte characters (common when cp1252 quotes get pasted into a
UTF-8 file), and only then the legacy encodings. A detector is never asked
first: on short texts it mistakes UTF-8 for exotic code pages, while strict
UTF-8 decoding almost never succeeds by accident.

Legacy encodings (single- and multi-byte code pages) are settled in
:mod:`pipeline.stages.codepages`, whose docstring explains how: a cp1252 fast path,
then charset-normalizer, its near-ties settled by which reading could be the
text of one language.

HTML pages add one piece of evidence, their declared charset (``<meta
charset>`` or ``http-equiv``), which ranks after a BOM and after strict
UTF-8: pages that declare ISO-8859-1 but are served as UTF-8 are common,
while a real ISO-8859-1 page with accents is practically never valid UTF-8.
Whether the bytes are HTML at all is sniffed the way browsers do (WHATWG
MIME sniffing: the first tag after leading whitespace).
"""

from __future__ import annotations

import codecs

import regex

from pipeline import flags as F
from pipeline.document import Document
from pipeline.errors import (
    EmptyInputError,
    UndecodableInputError,
    UnsupportedInputError,
)
from pipeline.io.http import inflate, split_http_response
from pipeline.stages import Stage
from pipeline.stages.codepages import WESTERN, decode_legacy

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)

_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip data (name the file *.gz to have it decompressed)"),
    (b"\x7fELF", "ELF executable"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"(\xb5/\xfd", "zstd data"),
)
_BINARY_PREFIXES = tuple(signature for signature, _ in _BINARY_SIGNATURES)

_UTF8_MULTIBYTE = regex.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
# A byte that can start a UTF-8 multi-byte sequence becomes "L", one that can
# continue it "C": without an "LC" pair there is no sequence at all.
_UTF8_PAIRS = bytes(
    ord("L") if 0xC2 <= b <= 0xF4 else ord("C") if 0x80 <= b <= 0xBF else ord(" ") for b in range(256)
)
# Control characters that never occur in text (tab, LF, FF, CR, ESC excluded).
_BINARY_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_BINARY_CONTROL_RATIO = 0.05
# Every byte but those control characters: deleting them leaves the controls.
_NOT_BINARY_CONTROL_BYTES = bytes(b for b in range(256) if not _BINARY_CONTROL.match(chr(b)))
# Encodings in which a control character can only come from the same byte, so
# that bytes without one decode to text without one.
_CONTROLS_ARE_BYTES = frozenset({"utf-8", "utf-8-sig", WESTERN})


def _cp1252_for_stray_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read an invalid UTF-8 byte as cp1252 (latin-1 if undefined)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error  # a decoding handler: encoding with it is not supported
    byte = error.object[error.start : error.start + 1]
    try:
        char = byte.decode("cp1252")
    except UnicodeDecodeError:
        char = byte.decode("latin-1")
    return char, error.start + 1


codecs.register_error("boilerstrip-cp1252", _cp1252_for_stray_bytes)


def _sniff_utf16_32(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16/32 by where its NUL bytes fall.

    Text in Latin, Cyrillic, Greek... scripts has a zero high byte in most
    code units; for UTF-16-LE that puts NULs at odd offsets.
    """
    if len(data) < 4 or data.find(b"\x00", 0, 4096) < 0:  # find: no copy of the sample
        return None
    sample = data[:4096]
    candidates: list[tuple[str, int, int, tuple[int, ...]]] = []
    if len(data) % 4 == 0:
        candidates += [("utf-32-le", 1, 4, (1, 2, 3)), ("utf-32-be", 1, 4, (0, 1, 2))]
    if len(data) % 2 == 0:
        candidates += [("utf-16-le", 1, 2, (1,)), ("utf-16-be", 1, 2, (0,))]
    for name, _, width, zero_offsets in candidates:
        units = len(sample) // width
        zeros = sum(
            1
            for i in range(units)
            if all(sample[i * width + off] == 0 for off in zero_offsets)
        )
        if units and zeros / units >= 0.6:
            try:
                data.decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


def _mostly_utf8(data: bytes) -> bool:
    """True when valid UTF-8 sequences outnumber the stray high bytes."""
    if b"LC" not in data.translate(_UTF8_PAIRS):
        return False  # no sequence can start anywhere (plain cp1252 text): skip the slow scan
    sequences = _UTF8_MULTIBYTE.findall(data)
    stray = len(data) - len(data.translate(None, _HIGH_BYTES)) - sum(map(len, sequences))
    return bool(sequences) and stray <= len(sequences)


# --- Decoding -----------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode by the order of evidence (see the module docstring): ``(text, encoding, flags)``."""
    if data.startswith(_BOM_PREFIXES):
        for bom, name in _BOMS:
            if data.startswith(bom):
                try:
                    text = data[len(bom) :].decode(name)
                except UnicodeDecodeError as exc:
                    raise UndecodableInputError(f"starts with a {name} byte-order mark but is not {name}: {exc.reason}") from None
                return text, name + "-sig" if name == "utf-8" else name, (F.BOM_REMOVED,)
    if sniffed := _sniff_utf16_32(data):
        return data.decode(sniffed), sniffed, ()
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="boilerstrip-cp1252"), "utf-8", (F.INVALID_UTF8_BYTES_REPAIRED,)
    text, encoding = decode_legacy(data)
    return text, encoding, (F.ENCODING_DETECTED,)


def decode_bytes(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode ``data``; return ``(text, encoding name, flags)``.

    Raises :class:`UndecodableInputError` for binary data and
    :class:`EmptyInputError` when there is nothing but whitespace.
    """
    if data.startswith(_BINARY_PREFIXES):
        kind = next(kind for signature, kind in _BINARY_SIGNATURES if data.startswith(signature))
        raise UndecodableInputError(f"binary data, not text ({kind})")
    text, encoding, flags = _decode(data)
    if not text or text.isspace():  # the same test as text.strip() == "", without the copy
        raise EmptyInputError("empty input (no text)" if not text else "input is whitespace only")
    if encoding not in _CONTROLS_ARE_BYTES or data.translate(None, _NOT_BINARY_CONTROL_BYTES):
        sample = text[:65536]
        if len(_BINARY_CONTROL.findall(sample)) > _BINARY_CONTROL_RATIO * len(sample):
            raise UndecodableInputError(f"binary data, not text (too many control characters for {encoding})")
    return text, encoding, flags


# WHATWG MIME sniffing, "rules for identifying an unknown MIME type": after
# optional whitespace, one of these tags followed by a space or '>' means HTML.
_HTML_START = regex.compile(
    rb"^[\t\n\x0c\r ]*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|meta|!--)[\t\n\x0c\r />]",
    regex.IGNORECASE,
)
# The whitespace both patterns allow before the first '<'.
_HTML_SPACE = b"\t\n\x0c\r "
_XML_WITH_HTML = regex.compile(rb"^[\t\n\x0c\r ]*<\?xml[^>]*>[\s\S]{0,1024}?<(?:!doctype\s+html|html)[\s>]", regex.IGNORECASE)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = regex.compile(rb"<meta\b[^>]{0,512}?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", regex.IGNORECASE)
_XML_ENCODING = regex.compile(rb"^<\?xml[^>]{0,200}?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})", regex.IGNORECASE)
#: How far into a page its charset declaration is looked for (WHATWG says
#: 1024 bytes; real pages put long <script> blocks first, so look further).
CHARSET_PRESCAN_BYTES = 8192
# Labels browsers decode with a superset codec (WHATWG Encoding Standard): pages
# labelled ISO-8859-1 use cp1252's quotes and dashes, GB2312 pages use GBK, ...
_CHARSET_ALIASES = {
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "x-user-defined"), WESTERN),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5"), "cp1254"),
    **dict.fromkeys(("iso-8859-11", "tis-620", "tis620"), "cp874"),
    **dict.fromkeys(("gb2312", "gb_2312", "gb_2312-80", "x-gbk", "chinese"), "gbk"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "ksc5601", "korean"), "cp949"),
}


def sniff_format(data: bytes) -> str:
    """"html" when the bytes start like an HTML document (after a BOM), else "text"."""
    head = data[:2048]
    if head.startswith(_BOM_PREFIXES):
        for bom, name in _BOMS:
            if head.startswith(bom):
                if name == "utf-8":
                    head = head[len(bom):]
                else:  # UTF-16/32: look at the characters, not the bytes
                    head = head[len(bom):].decode(name, errors="ignore").encode("utf-8")
                break
    if head.lstrip(_HTML_SPACE)[:1] != b"<":
        return "text"  # both patterns need a '<' first: skip them for plain text
    return "html" if _HTML_START.match(head) or _XML_WITH_HTML.match(head) else "text"


def charset_codec(label: str) -> str | None:
    """Python's codec for a charset label as browsers read it (ISO-8859-1 -> cp1252), or None."""
    label = label.strip().lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The codec a page declares for itself (meta charset or XML declaration), if Python knows it."""
    head = data[:CHARSET_PRESCAN_BYTES]
    m = _XML_ENCODING.match(head.lstrip()) or _META_CHARSET.search(head)
    return charset_codec(m.group(1).decode("ascii")) if m else None


def _decode_as_declared(data: bytes, declared: str | None) -> tuple[str, str, tuple[str, ...]] | None:
    """``data`` read in the charset its page or HTTP header declares, or None to go by the bytes.

    The declaration ranks after a BOM and after strict UTF-8: pages that declare
    ISO-8859-1 but are served as UTF-8 are common, while a real ISO-8859-1 page
    with accents is practically never valid UTF-8.
    """
    if not declared or declared in ("utf-8", "utf-16", "utf-32") or data.startswith(_BOM_PREFIXES + _BINARY_PREFIXES):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(declared)
    except UnicodeDecodeError:
        return None  # the declaration is wrong too: fall back to the evidence of the bytes
    return (text, declared, ()) if text.strip() else None


def decode_html_bytes(data: bytes, declared: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode an HTML page: BOM, then strict UTF-8, then the declared charset (``declared``,
    from an HTTP header, else the page's own), then detection.

    Raises like :func:`decode_bytes` for binary and empty input.
    """
    return _decode_as_declared(data, declared or declared_charset(data)) or decode_bytes(data)


#: How a WARC file (a crawl archive) starts; it is records of headers and payloads, not an article.
_WARC_MAGIC = (b"WARC/1.0\r\n", b"WARC/1.1\r\n", b"WARC/1.0\n", b"WARC/1.1\n", b"WARC/0.")


def _payload(doc: Document) -> tuple[bytes, str | None, str | None, tuple[str, ...]]:
    """The bytes to decode, the format and charset an HTTP header block says, and flags.

    Raises :class:`UnsupportedInputError` for a WARC file, and for an HTTP response
    that is not a page (an error status, a redirect, an image).
    """
    raw = doc.raw or b""
    if raw.lstrip()[:16].startswith(_WARC_MAGIC):
        raise UnsupportedInputError("a WARC file (crawl archive), which is not read as text: name it .warc, "
                                    ".warc.gz or .wet, or give --input-format warc")
    response = split_http_response(raw)
    if response is None:
        return raw, None, None, ()
    if not 200 <= response.status < 300:
        raise UnsupportedInputError(f"an HTTP response with status {response.status}, not a page's content")
    if not response.is_document:
        raise UnsupportedInputError(f"an HTTP response of type {response.content_type}, not text or HTML")
    try:
        body = inflate(response)
    except ValueError as exc:
        raise UndecodableInputError(f"HTTP body: {exc}") from None
    charset = charset_codec(response.charset) if response.charset else None
    return body, response.format, charset, (F.HTTP_HEADERS_REMOVED,)


def decode(doc: Document) -> Document:
    """Stage function: fill ``text`` (or ``html``), ``format`` and ``encoding`` from ``raw``.

    A leading HTTP header block (``curl -si``) is set aside first; its
    Content-Type decides the format unless the caller did, and its charset
    counts as the declared one (as does ``doc.charset``, which a WARC reader
    takes from the record's HTTP header).
    """
    if doc.raw is None:
        raise ValueError("decode() needs a document with raw bytes")
    data, http_format, charset, http_flags = _payload(doc)
    if charset is None and doc.charset:  # declared by the transport (a WARC record's HTTP header)
        charset = charset_codec(doc.charset)
    kind = doc.format or http_format or sniff_format(data)
    if kind == "html":
        html, encoding, flags = decode_html_bytes(data, charset)
        return doc.evolve(html=html, format=kind, encoding=encoding, add_flags=http_flags + flags)
    text, encoding, flags = _decode_as_declared(data, charset) or decode_bytes(data)
    return doc.evolve(text=text, format=kind, encoding=encoding, add_flags=http_flags + flags)


class Decode(Stage):
    """Bytes to text, or to a page's source (documents that arrive as text pass through)."""

    name = "decode"

    def __call__(self, doc: Document) -> Document:
        return decode(doc) if doc.raw is not None else doc
