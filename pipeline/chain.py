"""The cleaning chain: the stages in order, shared by the Python API, the CLI, batch runs and ``evaluate``.

The chain is the one list of stages, split at its natural seam:

* **prepare** (decode, extract, repair): what depends on the input alone and on
  the input limits, never on the rules;
* **finish** (strip, templates, line model, after-furniture, metadata, normalize, duplicates,
  filters): what the rules, the corpus-level tables, the line model and the output options decide.

Everything that cleans a document runs this list, and nothing else names the
stage modules: that is what makes ``boilerstrip clean`` and the batch tasks
produce byte-identical records, and what makes adding a stage one line here
plus its module.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from pipeline import __version__
from pipeline.codehash import code_fingerprint
from pipeline.document import Document, Reject
from pipeline.errors import DocumentError
from pipeline.options import CleanOptions
from pipeline.stages import Stage
from pipeline.stages.after_furniture import AfterFurniture
from pipeline.stages.decode import Decode
from pipeline.stages.duplicates import Duplicates
from pipeline.stages.extract import Extract
from pipeline.stages.filters import Filters
from pipeline.stages.line_model import LineModelStage
from pipeline.stages.metadata import Metadata
from pipeline.stages.normalize import Normalize
from pipeline.stages.repair import Repair
from pipeline.stages.strip import Strip
from pipeline.stages.templates import Templates

#: The chain, in order, cut into segments (batch runs one Luigi task per segment and shard).
SEGMENTS: dict[str, tuple[type[Stage], ...]] = {
    "prepare": (Decode, Extract, Repair),
    "finish": (Strip, Templates, LineModelStage, AfterFurniture, Metadata, Normalize, Duplicates, Filters),
}
SEGMENT_NAMES = tuple(SEGMENTS)

#: clean_stream cleans this many documents (or this many bytes of input) at a time.
CHUNK_DOCUMENTS = 64
CHUNK_BYTES = 4 * 1024 * 1024

K = TypeVar("K")
R = TypeVar("R")
#: Set BOILERSTRIP_DEBUG to let a bug (an exception that is not a DocumentError) stop the run
#: with its traceback instead of becoming a reject.
_DEBUG = bool(os.environ.get("BOILERSTRIP_DEBUG"))


def digest(*parts: object) -> str:
    """A short stable hash of JSON-able parts (batch keys, fingerprints)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


class Chain:
    """The stages of the named segments (all of them by default), built once for ``options``.

    Building loads what the stages need (the rules); running a document is then
    a loop over the stages. A stage that raises turns the document into a
    :class:`~pipeline.document.Reject` naming that stage (:meth:`stream`), or
    lets the error through (:meth:`__call__`).
    """

    def __init__(self, options: CleanOptions | None = None, segments: Sequence[str] = SEGMENT_NAMES) -> None:
        self.options = options if options is not None else CleanOptions()
        unknown = [name for name in segments if name not in SEGMENTS]
        if unknown:
            raise ValueError(f"no chain segment {', '.join(unknown)} (segments: {', '.join(SEGMENT_NAMES)})")
        self.segments = tuple(segments)
        self.stages: tuple[Stage, ...] = tuple(cls(self.options) for name in segments for cls in SEGMENTS[name])

    def __call__(self, doc: Document) -> Document:
        """Run every stage on ``doc``; a DocumentError (or a bug) propagates."""
        for stage in self.stages:
            doc = stage(doc)
        return doc

    def fingerprint(self) -> str:
        """What these stages' output depends on besides the input: the package version, its code
        (:func:`~pipeline.codehash.code_fingerprint`) and every stage's own fingerprint (options
        read, rules, model, library versions)."""
        return digest(__version__, code_fingerprint(), [(stage.name, stage.fingerprint()) for stage in self.stages])

    def stream(self, items: Iterable[tuple[K, Document | Reject]],
               timings: dict[str, float] | None = None, jobs: int = 1) -> Iterator[tuple[K, Document | Reject]]:
        """The documents of a stream of ``(key, item)`` pairs, cleaned, in order, each with its
        key; a document a stage refuses (or fails on) comes back as a Reject naming that stage;
        a Reject from the reader comes back unchanged.

        Documents are cleaned a chunk at a time, stage by stage rather than
        document by document, so each stage's tables (the rule screen's
        automaton, the regex engine's patterns, CLD2's model, ftfy's) stay in
        the processor's cache: 15% faster on the benchmark corpus. A chunk holds
        at most CHUNK_DOCUMENTS documents and CHUNK_BYTES of input, so memory
        stays bounded however long the stream. ``timings`` (if given) collects the
        seconds spent in each stage.

        With ``jobs`` above 1, ``jobs`` worker processes clean the chunks
        (:mod:`pipeline.parallel`); the results are the same, in the same order,
        except that documents come back without ``raw`` and ``html`` (no record
        field is made of them).
        """
        if jobs > 1:
            from pipeline.parallel import clean_chunks_in_parallel

            yield from clean_chunks_in_parallel(self.options, self.segments, filter(None, chunked(items)), jobs,
                                                timings, None)
            return
        for chunk in chunked(items):
            yield from self._run_chunk(chunk, timings)

    def stream_rendered(self, items: Iterable[tuple[K, Document | Reject]], render: Callable[[Document], R],
                        timings: dict[str, float] | None = None,
                        jobs: int = 1) -> Iterator[tuple[K, R | Reject]]:
        """:meth:`stream`, with each finished document turned into ``render(document)`` where it
        was cleaned: in the worker process with ``jobs`` above 1. When what the caller writes is
        a serialised record, handing back that string instead of the document saves pickling
        the document in the worker and unpickling it in the parent (about 10% of all the work
        with two processes). ``render`` must be picklable (a module-level function or a
        ``functools.partial`` of one)."""
        if jobs > 1:
            from pipeline.parallel import clean_chunks_in_parallel

            yield from clean_chunks_in_parallel(self.options, self.segments, filter(None, chunked(items)), jobs,
                                                timings, render)
            return
        for key, item in self.stream(items, timings):
            yield key, (render(item) if isinstance(item, Document) else item)

    def _run_chunk(self, chunk: list[tuple[K, Document | Reject]],
                  timings: dict[str, float] | None) -> list[tuple[K, Document | Reject]]:
        """Clean one chunk in place, stage by stage (what :meth:`stream` does with each chunk, in
        this process or in a worker's: :mod:`pipeline.parallel`)."""
        for stage in self.stages:
            started = time.perf_counter()
            for index, (key, item) in enumerate(chunk):
                if isinstance(item, Document):
                    try:
                        chunk[index] = (key, stage(item))
                    except Exception as exc:  # reported by the caller; the rest of the chunk goes on
                        if _DEBUG and not isinstance(exc, DocumentError):
                            raise  # BOILERSTRIP_DEBUG: a bug stops the run with its traceback
                        chunk[index] = (key, Reject.of(item.id, item.path, stage.name, exc))
            if timings is not None:
                timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - started
        return chunk


def chunked(items: Iterable[tuple[K, Document | Reject]]) -> Iterator[list[tuple[K, Document | Reject]]]:
    """``items`` cut into chunks of at most CHUNK_DOCUMENTS documents and CHUNK_BYTES of input
    (the last one possibly empty)."""
    chunk: list[tuple[K, Document | Reject]] = []
    size = 0
    for key, item in items:
        chunk.append((key, item))
        if isinstance(item, Document):
            size += len(item.raw or b"") + len(item.html or "") + len(item.text)
        if len(chunk) >= CHUNK_DOCUMENTS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    yield chunk


def clean_document(doc: Document, options: CleanOptions | None = None) -> Document:
    """Run the whole chain on ``doc``: decode (if it has raw bytes), extract (if it is HTML),
    repair, strip, metadata, normalise.

    Raises a :class:`~pipeline.errors.DocumentError` subclass for input that
    cannot be decoded or parsed, or exceeds a limit of ``options``.
    """
    return chain_for(options)(doc)


#: Chains built for the API's one-document calls, by their options (see :func:`chain_for`).
_CHAINS: dict[CleanOptions, Chain] = {}
#: Distinct options kept at most; a caller cycling through more starts again.
_CHAINS_KEPT = 16


def chain_for(options: CleanOptions | None = None) -> Chain:
    """The chain for ``options``, built once per process for equal options.

    ``clean_bytes`` and its siblings clean one document a call, and building a chain (every
    stage, each looking up its rules and model) cost about 0.06 ms a document, over 5% of a
    short document's cleaning. Stages keep no state between documents, so one chain serves
    every call. Options carrying their own rules, template table or duplicate marks are not
    cached: those objects do not take part in the options' equality."""
    options = options if options is not None else CleanOptions()
    if options.rules is not None or options.templates is not None or options.duplicate_marks is not None:
        return Chain(options)
    chain = _CHAINS.get(options)
    if chain is None:
        if len(_CHAINS) >= _CHAINS_KEPT:
            _CHAINS.clear()
        chain = _CHAINS[options] = Chain(options)
    return chain


def clean_text(text: str, *, id: str = "<text>", rule_dirs: Iterable[str] = (),
               ascii_punctuation: bool = False) -> Document:
    """Clean a string; return the finished :class:`Document` (``.to_record()`` for a dict).

    Never raises on any ``str``: empty input gives an empty record flagged
    ``empty-after-cleaning``. So no line-length limit applies here (a caller
    handing over a string has already decided to clean it); ``clean_bytes``,
    ``clean_html``, the command line and batch runs apply ``max_line_chars``.
    """
    options = CleanOptions(rule_dirs=tuple(rule_dirs), ascii_punctuation=ascii_punctuation, max_line_chars=0)
    return clean_document(Document(id=id, text=text, encoding=None), options)


def clean_bytes(data: bytes, *, id: str = "<bytes>", path: str | None = None, format: str | None = None,
                url: str | None = None, options: CleanOptions | None = None) -> Document:
    """Clean raw bytes (decoded as described in :mod:`pipeline.stages.decode`).

    ``format`` is "text", "html" or None to sniff; ``url`` helps extraction
    from HTML and is kept in the record.
    """
    return clean_document(Document(id=id, path=path, raw=data, format=format, url=url), options)


def clean_html(html: str, *, id: str = "<html>", url: str | None = None,
               options: CleanOptions | None = None) -> Document:
    """Clean an HTML page given as a string: main content, page metadata, then the text stages."""
    return clean_document(Document(id=id, html=html, format="html", url=url), options)
