"""A leading HTTP response header block, recognised and set aside.

``curl -si URL | boilerstrip clean`` hands over the status line and headers
before the page. Cleaned as text, they would become the first paragraphs of
the article. The block is parsed with the standard library's own HTTP header
parser, and it tells three things the bytes alone cannot: whether the response
succeeded, what kind of payload follows (``Content-Type``), and its charset.
Several blocks in a row (``curl -L`` through redirects, ``100 Continue``) are
all skipped; the last one describes the payload.
"""

from __future__ import annotations

import http.client
import io
import re
import zlib
from dataclasses import dataclass

#: An HTTP/1.x, /2 or /3 status line, as curl prints it.
_STATUS_LINE = re.compile(rb"HTTP/(?:1\.[01]|2(?:\.0)?|3) (\d{3})(?: [^\r\n]*)?\r?\n")
#: Payload types read as a page or as text; anything else is not a document.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
#: Largest payload a compressed body may inflate to (the default --max-bytes).
MAX_INFLATED_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class HttpResponse:
    """The last header block of a response and the payload after it."""

    status: int
    #: the media type without parameters ("text/html"), None when not sent
    content_type: str | None
    charset: str | None
    content_encoding: str | None
    body: bytes

    @property
    def format(self) -> str | None:
        """"html" or "text" when the media type says so, None when it is absent or other."""
        if self.content_type in HTML_TYPES:
            return "html"
        if self.content_type in TEXT_TYPES:
            return "text"
        return None

    @property
    def is_document(self) -> bool:
        """Whether the payload can be an article: no type, or a text or HTML type."""
        return self.content_type is None or self.format is not None


def split_http_response(data: bytes) -> HttpResponse | None:
    """The response's last header block and its payload, or None when ``data`` does not
    start with an HTTP status line (or its headers do not parse as HTTP headers)."""
    match = _STATUS_LINE.match(data)
    if match is None:
        return None
    response = None
    while match is not None:
        stream = io.BytesIO(data)
        stream.seek(match.end())
        try:
            headers = http.client.parse_headers(stream)
        except http.client.HTTPException:
            return None
        data = data[stream.tell():]
        raw_type = headers.get("Content-Type")
        response = HttpResponse(
            status=int(match.group(1)),
            content_type=headers.get_content_type() if raw_type else None,
            charset=headers.get_content_charset(),
            content_encoding=(headers.get("Content-Encoding") or "").strip().lower() or None,
            body=data,
        )
        match = _STATUS_LINE.match(data)
    assert response is not None
    return response


def inflate(response: HttpResponse, limit: int = MAX_INFLATED_BYTES, complete: bool = False) -> bytes:
    """The payload with its ``Content-Encoding`` undone where the bytes really are
    compressed: ``curl --compressed`` decodes the body but still prints the header.
    gzip and deflate are undone with zlib, ``br`` with Brotli's own bindings (imported
    only for such a body). At most ``limit`` bytes are inflated. With ``complete``, a
    compressed stream that stops before its end is an error too (a WARC record holds the
    whole response; ``curl -si`` output keeps the text it got).

    Raises ``ValueError`` for a corrupt or oversized compressed body.
    """
    body = response.body
    if response.content_encoding == "br":
        return _unbrotli(body, limit)
    if response.content_encoding in ("gzip", "x-gzip") and body.startswith(b"\x1f\x8b"):
        wbits = 16 + zlib.MAX_WBITS
    elif response.content_encoding == "deflate" and body[:1] == b"\x78":
        wbits = zlib.MAX_WBITS
    else:
        return body
    inflater = zlib.decompressobj(wbits)
    try:
        payload = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"corrupt {response.content_encoding} body ({exc})") from None
    if len(payload) > limit:
        raise ValueError(f"{response.content_encoding} body inflates past {limit:,} bytes")
    if complete and not inflater.eof:
        raise ValueError(f"corrupt {response.content_encoding} body (the compressed stream stops before its end)")
    return payload


def _unbrotli(body: bytes, limit: int) -> bytes:
    """A ``Content-Encoding: br`` body decompressed. Brotli has no magic bytes, so a body
    that is already markup (decoded upstream, header kept) is taken as it is."""
    import brotli

    decompressor = brotli.Decompressor()
    try:
        payload = decompressor.process(body, output_buffer_limit=limit + 1)
    except brotli.error as exc:
        if body.lstrip()[:1] == b"<":
            return body
        raise ValueError(f"corrupt br body ({exc or 'brotli error'})") from None
    if len(payload) > limit or not decompressor.is_finished():
        if len(payload) > limit:
            raise ValueError(f"br body inflates past {limit:,} bytes")
        raise ValueError("corrupt br body (truncated)")
    return bytes(payload)
