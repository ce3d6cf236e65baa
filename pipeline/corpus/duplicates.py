"""Exact and near-duplicate detection over a corpus of clean records (issue 12).

Shaped like datatrove's MinHash deduplication, for a batch cut into shards:

1. **Signatures**, per shard (:func:`signature`): from a record's clean
   ``text``, casefolded and cut into ``\\w+`` tokens (a Chinese or Japanese
   character is a token of its own, since those scripts put no spaces between
   words), the set of word ``shingle``-grams is summarised by a MinHash of
   ``num_perm`` 32-bit values (rensa's R-MinHash, a fixed seed: the same bytes
   in every process and on every machine; Python's ``hash()`` is never used),
   beside a BLAKE2b hash of the normalised text (the tokens joined by single
   spaces) for exact duplicates. A :class:`Signature` is written to a shard's
   file with :func:`write_signatures` (:meth:`Signature.to_bytes`: about
   ``num_perm * 4 + 40`` bytes plus the id) and read back with
   :func:`read_signatures`.
2. **Clusters**, in one merge step (:func:`find_duplicates`): documents with
   the same exact hash are duplicates; the others are candidates when their
   MinHashes agree on a whole band of ``rows`` values (``bands`` bands, LSH),
   and a candidate pair is a near duplicate when its estimated Jaccard
   similarity (the share of equal MinHash values) is at least ``threshold``.
   Pairs are joined by union-find into clusters.
3. **Marks**: the record kept from a cluster is the earliest by date when
   every member has a date, else the smallest id (then the earliest in input
   order); every other member gets ``duplicate_of`` (the kept id) and
   ``duplicate_similarity`` (its estimated Jaccard similarity to the kept
   record, 3 digits; 1.0 for an exact duplicate). A member joined through a
   chain (A~B, B~C) can be less similar to the kept record than the threshold.
   A document with fewer than ``min_tokens`` (20) tokens is never marked and
   never kept for another (empty records are not duplicates of each other).

**Parameters, by measurement** (``python -m benchmarks.duplicates_eval``;
docs/batch.md, "Duplicates"). 1,020 source articles (962 real texts of the
wceb-dev set, 58 labelled news articles of tests/corpus*) were rendered as
scraped pages and copied with another site's template, headline, byline,
photo captions, an editor's note, the last paragraph dropped or four words
changed, one at a time and all at random ("syndicated"); originals and copies
were cleaned as a batch cleans them. Estimated Jaccard similarity, 5-word
shingles, 128 values:

================================  ======  ======  ==================
pairs                             median  max     share >= 0.6
================================  ======  ======  ==================
the five seeds (paraphrases)      0.000   0.031   0 of 10
closest different articles        0.008   0.219   0 of 100
articles from one sentence pool   0.211   0.398   0 of 19,900
syndicated copies                 0.953           98.9% (of 1,020)
every copy (8,160)                                99.7%
================================  ======  ======  ==================

* ``threshold = 0.6``: every seed pair stays below a tenth of it; 98.9% of
  syndicated copies reach it (96.2% would reach 0.7, 91.6% 0.8: the issue's
  0.8 would miss one in twelve). What falls below is mostly very short
  articles (under ~100 words: 93% of those reach 0.6), where a caption or four
  changed words move a large share of the shingles, and copies the cleaner cut
  differently. Clustering everything at once: precision 1.0, recall 0.989 for
  one syndicated copy per article.
* ``shingle = 5``: 3-word shingles bring articles that share stock phrasing
  up to 0.55 (exact Jaccard, sentence pool), too close to any threshold; 7 or
  9 words lose recall (syndicated 5th percentile 0.71, 0.68 against 0.74).
* ``num_perm = 128``: the estimate's standard deviation is about 0.04 near the
  threshold; 512 bytes a document.
* ``bands = 32, rows = 4``: a pair becomes a candidate with probability
  ``1 - (1 - J**4)**32``: 0.988 at J = 0.6, 0.9998 at 0.7, 0.05 at 0.2.
* ``window = 16``: where many documents share phrasing, LSH buckets grow
  large; each document is compared with at most 16 dissimilar earlier members
  of a bucket (among the 64 nearest), so the work stays linear. 100,000
  documents from one sentence pool: 17 million comparisons, 45 to 60 s, every
  copy found; 100,000 ordinary ones: 6,600 comparisons, 1 to 2 s.

**Memory.** The merge keeps, per document, the MinHash (512 bytes) and exact
hash (16 bytes) packed in byte arrays, its id, its date (interned) and token
count; LSH runs one band at a time, so its index holds one key per document
at once. Measured peak: about 770 bytes a document above the process's own
(15 MB for 20,000 documents, 80 MB for 100,000).
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_WORDS = re.compile(r"\w+")
_WORDS_CJK = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")

_FILE_MAGIC = b"boilerstrip-signatures 1 "
_FIXED = struct.Struct("<16sIH")  # exact hash, token count, number of MinHash values
_LENGTH = struct.Struct("<I")


@dataclass(frozen=True)
class DuplicateParams:
    """What decides a signature (``shingle``, ``num_perm``, ``seed``) and a duplicate (the rest)."""

    #: words per shingle
    shingle: int = 5
    #: MinHash values per document (32-bit each)
    num_perm: int = 128
    #: the MinHash's seed: fixed, so signatures compare across processes and runs
    seed: int = 1
    #: LSH bands x rows per band (``bands * rows <= num_perm``)
    bands: int = 32
    rows: int = 4
    #: estimated Jaccard similarity at or above which two documents are near duplicates
    threshold: float = 0.6
    #: documents with fewer tokens are never marked (nor kept for another)
    min_tokens: int = 20
    #: in an LSH bucket, each document is compared with at most this many earlier documents
    #: that turn out dissimilar (bounds the work when many documents share phrasing)
    window: int = 16

    def __post_init__(self) -> None:
        if self.shingle < 1 or self.num_perm < 1 or self.bands < 1 or self.rows < 1:
            raise ValueError("shingle, num_perm, bands and rows must be positive")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands * rows ({self.bands} * {self.rows}) exceeds num_perm ({self.num_perm})")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")

    def signature_fingerprint(self) -> str:
        """What makes two signatures comparable: a key for the tasks that compute them
        (a new rensa release may hash differently, so its version is part of it)."""
        return f"rensa-rminhash-{_rensa_version()}:k{self.shingle}:p{self.num_perm}:s{self.seed}:w1"

    def fingerprint(self) -> str:
        """The signature fingerprint and everything the merge step reads: a key for its task."""
        return (f"{self.signature_fingerprint()}:b{self.bands}x{self.rows}:t{self.threshold!r}"
                f":m{self.min_tokens}")


DEFAULT_PARAMS = DuplicateParams()


@cache
def _rensa_version() -> str:
    from importlib.metadata import version

    return version("rensa")


# --- signatures -------------------------------------------------------------------------------

def tokens(text: str) -> list[str]:
    """The normalised tokens of a text: casefolded ``\\w+`` runs; each Chinese or Japanese
    character is a token of its own."""
    folded = text.casefold()
    return (_WORDS_CJK if _HAS_CJK.search(folded) else _WORDS).findall(folded)


def shingles(words: Sequence[str], size: int) -> list[str]:
    """The ``size``-word shingles of a token list (with repeats); a shorter list is one shingle."""
    if len(words) < size:
        return [" ".join(words)] if words else []
    return [" ".join(gram) for gram in zip(*(words[i:] for i in range(size)), strict=False)]


class Signature(NamedTuple):
    """What the merge step needs of one document."""

    id: str
    #: ISO date (``YYYY-MM-DD``) or None
    date: str | None
    #: BLAKE2b-128 of the normalised text
    exact_hash: bytes
    #: the MinHash: ``num_perm`` unsigned 32-bit values, little-endian
    minhash: bytes
    #: number of tokens of the text
    tokens: int

    def values(self) -> tuple[int, ...]:
        """The MinHash values as integers."""
        return struct.unpack(f"<{len(self.minhash) // 4}I", self.minhash)

    def to_bytes(self) -> bytes:
        """A compact binary form (:meth:`from_bytes` reads it)."""
        ident = self.id.encode("utf-8", "surrogatepass")
        date = b"" if self.date is None else self.date.encode("utf-8", "surrogatepass")
        if len(date) > 255:
            raise ValueError(f"date too long: {self.date!r}")
        return b"".join((_LENGTH.pack(len(ident)), ident, bytes((len(date),)), date,
                         _FIXED.pack(self.exact_hash, self.tokens, len(self.minhash) // 4), self.minhash))

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        view = memoryview(data)
        (id_length,) = _LENGTH.unpack_from(view, 0)
        at = _LENGTH.size
        ident = bytes(view[at:at + id_length]).decode("utf-8", "surrogatepass")
        at += id_length
        date_length = view[at]
        at += 1
        date = bytes(view[at:at + date_length]).decode("utf-8", "surrogatepass") if date_length else None
        at += date_length
        exact, count, values = _FIXED.unpack_from(view, at)
        at += _FIXED.size
        minhash = bytes(view[at:])
        if len(minhash) != values * 4:
            raise ValueError(f"signature of {ident!r}: {len(minhash)} MinHash bytes, expected {values * 4}")
        return cls(ident, date, exact, minhash, count)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the MinHash in base64, the exact hash in hex)."""
        return {"id": self.id, "date": self.date, "exact_hash": self.exact_hash.hex(),
                "minhash": base64.b64encode(self.minhash).decode("ascii"), "tokens": self.tokens}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Signature:
        return cls(data["id"], data["date"], bytes.fromhex(data["exact_hash"]),
                   base64.b64decode(data["minhash"]), int(data["tokens"]))


def signature(id: str, text: str, date: str | None = None, params: DuplicateParams = DEFAULT_PARAMS) -> Signature:
    """The signature of one document's clean text."""
    import rensa

    words = tokens(text)
    exact = hashlib.blake2b(" ".join(words).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    minhash = rensa.RMinHash(num_perm=params.num_perm, seed=params.seed)
    minhash.update(shingles(words, params.shingle))
    values = struct.pack(f"<{params.num_perm}I", *minhash.digest())
    return Signature(id, date, exact, values, len(words))


@cache
def _lane_mask(lanes: int) -> int:
    return int.from_bytes(b"\x01\x00\x00\x00" * lanes, "little")


def _similarity(a: bytes | memoryview, b: bytes | memoryview) -> float:
    """The share of equal 32-bit values of two MinHashes of the same length. As one big
    integer: XOR, fold each 32-bit lane onto its lowest bit, count the lanes left nonzero
    (1 us for 128 values, 6 us with a loop over them)."""
    lanes = len(a) // 4
    x = int.from_bytes(a, "little") ^ int.from_bytes(b, "little")
    x |= x >> 1
    x |= x >> 2
    x |= x >> 4
    x |= x >> 8
    x |= x >> 16
    return (lanes - (x & _lane_mask(lanes)).bit_count()) / lanes


def estimated_jaccard(a: Signature, b: Signature) -> float:
    """The share of equal MinHash values: an unbiased estimate of the shingle sets' Jaccard similarity."""
    if len(a.minhash) != len(b.minhash) or not a.minhash:
        raise ValueError("signatures of different sizes")
    return _similarity(a.minhash, b.minhash)


class _Writer(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _Reader(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def readline(self, size: int = ..., /) -> bytes: ...


def write_signatures(stream: _Writer, signatures: Iterable[Signature],
                     params: DuplicateParams = DEFAULT_PARAMS) -> int:
    """Write a signature file (a header naming ``params.signature_fingerprint()``, then one
    length-prefixed :meth:`Signature.to_bytes` record per document); return the count."""
    stream.write(_FILE_MAGIC + params.signature_fingerprint().encode("ascii") + b"\n")
    count = 0
    for sig in signatures:
        if len(sig.minhash) != params.num_perm * 4:
            raise ValueError(f"signature of {sig.id!r} has {len(sig.minhash) // 4} values, expected {params.num_perm}")
        data = sig.to_bytes()
        stream.write(_LENGTH.pack(len(data)) + data)
        count += 1
    return count


def read_signatures(stream: _Reader, params: DuplicateParams = DEFAULT_PARAMS) -> Iterator[Signature]:
    """Read a file :func:`write_signatures` wrote, one signature at a time. A file written with
    other parameters (or another rensa release) is an error, not a silent mismatch."""
    header = stream.readline(4096)
    expected = _FILE_MAGIC + params.signature_fingerprint().encode("ascii") + b"\n"
    if header != expected:
        raise ValueError(f"not a signature file for {params.signature_fingerprint()}: header {header[:200]!r}")
    while True:
        prefix = stream.read(_LENGTH.size)
        if not prefix:
            return
        if len(prefix) != _LENGTH.size:
            raise ValueError("truncated signature file")
        (length,) = _LENGTH.unpack(prefix)
        data = stream.read(length)
        if len(data) != length:
            raise ValueError("truncated signature file")
        yield Signature.from_bytes(data)


# --- clusters ---------------------------------------------------------------------------------

class Mark(NamedTuple):
    """What a duplicate record gets."""

    #: the kept record's id
    duplicate_of: str
    #: estimated Jaccard similarity to the kept record, 3 digits (1.0 for an exact duplicate)
    similarity: float
    #: the kept record's position in the input
    kept_index: int
    #: same normalised text as the kept record
    exact: bool

    def fields(self) -> dict[str, Any]:
        """The record's fields: ``{"duplicate_of": ..., "duplicate_similarity": ...}``."""
        return {"duplicate_of": self.duplicate_of, "duplicate_similarity": self.similarity}


class Member(NamedTuple):
    id: str
    #: position in the input
    position: int
    similarity: float
    exact: bool


class Cluster(NamedTuple):
    kept: str
    kept_index: int
    #: the duplicates, in input order
    members: tuple[Member, ...]

    def to_json(self) -> dict[str, Any]:
        """One line of ``duplicates.jsonl``."""
        return {"kept": self.kept, "size": len(self.members) + 1,
                "duplicates": [{"id": m.id, "similarity": m.similarity, "exact": m.exact} for m in self.members]}


@dataclass
class Duplicates:
    #: position in the input -> mark, for every duplicate
    marks: dict[int, Mark]
    #: in the order of their kept record's position
    clusters: list[Cluster]
    documents: int
    #: exact duplicates, near duplicates (among ``marks``)
    exact: int = 0
    near: int = 0
    #: LSH candidate pairs whose similarity was computed, and those at or above the threshold
    pairs_checked: int = 0
    pairs_matched: int = 0
    params: DuplicateParams = field(default_factory=DuplicateParams)

    def by_id(self) -> dict[str, Mark]:
        """Id -> mark. Ids should be unique; when two records share an id, use :attr:`marks`."""
        found: dict[str, Mark] = {}
        for cluster in self.clusters:
            for member in cluster.members:
                found[member.id] = self.marks[member.position]
        return found


class _Table:
    """Signatures in columns: the MinHashes and exact hashes packed in byte arrays."""

    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        self.ids: list[str] = []
        self.dates: list[str | None] = []
        self.tokens = array("I")
        self.exact = bytearray()
        self.minhash = bytearray()
        self._dates: dict[str, str] = {}

    def add(self, sig: Signature) -> None:
        if len(sig.minhash) != self.num_perm * 4:
            raise ValueError(f"signature of {sig.id!r} has {len(sig.minhash) // 4} values, expected {self.num_perm}")
        if len(sig.exact_hash) != 16:
            raise ValueError(f"signature of {sig.id!r}: exact hash of {len(sig.exact_hash)} bytes, expected 16")
        self.ids.append(sig.id)
        self.dates.append(None if sig.date is None else self._dates.setdefault(sig.date, sig.date))
        self.tokens.append(sig.tokens)
        self.exact += sig.exact_hash
        self.minhash += sig.minhash

    def __len__(self) -> int:
        return len(self.ids)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = array("Q", range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_duplicates(signatures: Iterable[Signature], params: DuplicateParams = DEFAULT_PARAMS) -> Duplicates:
    """Cluster ``signatures`` (in input order: the order breaks ties) into duplicates."""
    table = _Table(params.num_perm)
    for sig in signatures:
        table.add(sig)
    size = len(table)
    raw = memoryview(table.minhash)
    exact = bytes(table.exact)
    width = params.num_perm * 4
    threshold = params.threshold

    def similarity(a: int, b: int) -> float:
        return _similarity(raw[a * width:(a + 1) * width], raw[b * width:(b + 1) * width])

    groups = _UnionFind(size)
    eligible = array("Q", (i for i in range(size) if table.tokens[i] >= params.min_tokens))

    # exact duplicates: one representative per normalised text goes on to LSH
    first: dict[bytes, int] = {}
    representatives = array("Q")
    for i in eligible:
        j = first.setdefault(exact[i * 16:(i + 1) * 16], i)
        if j == i:
            representatives.append(i)
        else:
            groups.union(j, i)
    del first

    # near duplicates: LSH, one band at a time (the index holds one key per document)
    checked = matched = 0
    window = params.window
    band_bytes = params.rows * 4
    for band in range(params.bands):
        offset = band * band_bytes
        buckets: dict[bytes, int] = {}
        collisions: dict[int, list[int]] = {}
        for i in representatives:
            start = i * width + offset
            j = buckets.setdefault(bytes(raw[start:start + band_bytes]), i)
            if j != i:
                collisions.setdefault(j, [j]).append(i)
        del buckets
        for bucket in collisions.values():
            for position in range(1, len(bucket)):
                later = bucket[position]
                budget = window
                for earlier in reversed(bucket[max(0, position - 4 * window):position]):
                    if groups.find(earlier) == groups.find(later):
                        continue
                    checked += 1
                    if similarity(earlier, later) >= threshold:
                        matched += 1
                        groups.union(earlier, later)
                    else:
                        budget -= 1
                        if not budget:
                            break

    components: dict[int, list[int]] = {}
    for i in eligible:
        root = groups.find(i)  # the smallest index of its component
        if root != i:
            components.setdefault(root, [root]).append(i)
    marks: dict[int, Mark] = {}
    clusters: list[Cluster] = []
    exact_count = 0
    for members in components.values():
        dated = all(table.dates[i] is not None for i in members)
        kept = min(members, key=(lambda i: (table.dates[i], table.ids[i], i)) if dated
                   else (lambda i: (table.ids[i], i)))
        kept_hash = exact[kept * 16:(kept + 1) * 16]
        found: list[Member] = []
        for i in sorted(members):
            if i == kept:
                continue
            is_exact = exact[i * 16:(i + 1) * 16] == kept_hash
            score = 1.0 if is_exact else round(similarity(kept, i), 3)
            exact_count += is_exact
            marks[i] = Mark(table.ids[kept], score, kept, is_exact)
            found.append(Member(table.ids[i], i, score, is_exact))
        clusters.append(Cluster(table.ids[kept], kept, tuple(found)))
    clusters.sort(key=lambda c: c.kept_index)
    return Duplicates(marks=marks, clusters=clusters, documents=size, exact=exact_count,
                      near=len(marks) - exact_count, pairs_checked=checked, pairs_matched=matched, params=params)
