"""Small WARC and WET files built byte by byte for the tests (no crawler, no network).

Each record is ``WARC/1.1`` headers, a blank line, the block and ``\\r\\n\\r\\n``, as the
WARC 1.1 specification frames it; ``warc_file`` joins records into a file, with one
gzip member per record for ``.gz`` names (as crawlers and Common Crawl write them).
"""

from __future__ import annotations

import gzip
from pathlib import Path

DATE = "2024-10-19T08:30:00Z"
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 500: "Internal Server Error"}


def page(title: str, *paragraphs: str, charset_meta: str | None = None) -> str:
    """An article page: a title, a headline and the paragraphs, with a navigation bar."""
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")


def http_response(body: bytes, content_type: str | None = "text/html; charset=utf-8", status: int = 200,
                  headers: tuple[str, ...] = ()) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines += list(headers) + [f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def record(warc_type: str, block: bytes, *, uri: str | None = None, record_id: str = "1",
           content_type: str | None = None, length: int | None = None, date: str = DATE) -> bytes:
    """One WARC record; ``length`` overrides Content-Length (to build a damaged one)."""
    if content_type is None:
        content_type = {"response": "application/http; msgtype=response",
                        "request": "application/http; msgtype=request",
                        "conversion": "text/plain", "warcinfo": "application/warc-fields"}.get(warc_type, "text/plain")
    headers = ["WARC/1.1", f"WARC-Type: {warc_type}", f"WARC-Record-ID: <urn:uuid:{record_id}>", f"WARC-Date: {date}"]
    if uri:
        headers.append(f"WARC-Target-URI: {uri}")
    headers += [f"Content-Type: {content_type}", f"Content-Length: {len(block) if length is None else length}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def response(uri: str, record_id: str, body: bytes, **http: object) -> bytes:
    return record("response", http_response(body, **http), uri=uri, record_id=record_id)  # type: ignore[arg-type]


def warcinfo() -> bytes:
    return record("warcinfo", b"software: boilerstrip-tests\r\nformat: WARC File Format 1.1\r\n", record_id="info")


def request(uri: str, record_id: str) -> bytes:
    return record("request", f"GET {uri} HTTP/1.1\r\nHost: example.org\r\n\r\n".encode(), uri=uri, record_id=record_id)


def warc_file(path: Path, *records: bytes) -> Path:
    """Write the records to ``path``: one gzip member each when the name ends in ``.gz``."""
    if path.name.endswith(".gz"):
        path.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records))
    else:
        path.write_bytes(b"".join(records))
    return path


ARTICLES = [
    ("Harbour Ferry Strike Ends", "The ferry workers' union accepted a new pay offer on Tuesday after three weeks of talks.",
     "Services between the islands will resume on Thursday morning, the operator said in a statement.",
     "Passengers with cancelled bookings can claim a refund until the end of the month."),
    ("Library Reopens After Flood", "The central library reopened on Monday, eight months after a flood damaged its basement.",
     "Volunteers dried and catalogued more than four thousand books during the closure.",
     "The reading room now has new shelving and a raised floor for the archive."),
    ("Orchard Harvest Breaks Record", "Apple growers in the valley picked their largest harvest in twenty years this autumn.",
     "A warm spring and late rains helped the fruit grow larger than usual, growers said.",
     "Cider makers expect to buy a third more apples than last season."),
    ("Tram Line Extension Approved", "The city council approved a four-kilometre extension of the eastern tram line.",
     "Construction is expected to start next spring and to take about two years.",
     "The new line will serve two hospitals and the university's northern campus."),
]


def article(index: int, charset_meta: str | None = None) -> str:
    title, *paragraphs = ARTICLES[index]
    return page(title, *paragraphs, charset_meta=charset_meta)
