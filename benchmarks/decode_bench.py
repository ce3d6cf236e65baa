"""Time the decode stage per encoding class, and check what each class decodes to.

    python -m benchmarks.generate_corpus /tmp/decode-corpus --count 2000 --seed 7
    python -m benchmarks.decode_bench /tmp/decode-corpus [--repeat 5]

Classes are read off the bytes the generator writes: a UTF-8 BOM, a UTF-16
BOM, valid UTF-8 (with or without mojibake, which is repair's job) and
everything else, which the generator only makes by encoding to cp1252. For
that class the expected text is the cp1252 reading of the bytes, so the
script also reports every document decoded to anything else. Times are the
fastest of ``--repeat`` passes, in milliseconds per document.
"""

from __future__ import annotations

import argparse
import codecs
import time
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.document import Document
from pipeline.stages.decode import decode


def encoding_class(data: bytes) -> str:
    """The generator's encoding damage that produced ``data``."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8 + BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16 + BOM"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def time_class(docs: list[tuple[str, bytes]], repeat: int) -> float:
    """Fastest pass over ``docs``, in milliseconds per document."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for doc_id, raw in docs:
            decode(Document(id=doc_id, raw=raw))
        best = min(best, time.perf_counter() - start)
    return best / len(docs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    classes: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for path in sorted(args.corpus.rglob("*.txt")):
        data = path.read_bytes()
        classes[encoding_class(data)].append((path.name, data))

    print(f"{'class':<14} {'docs':>5} {'KB/doc':>7} {'ms/doc':>8}  encodings found")
    for name, docs in sorted(classes.items()):
        found = Counter(decode(Document(id=i, raw=raw)).encoding for i, raw in docs)
        size = sum(len(raw) for _, raw in docs) / len(docs) / 1000
        ms = time_class(docs, args.repeat)
        print(f"{name:<14} {len(docs):>5} {size:>7.2f} {ms:>8.4f}  {dict(found.most_common())}")
        if name == "cp1252":
            wrong = [i for i, raw in docs if decode(Document(id=i, raw=raw)).text != raw.decode("cp1252")]
            print(f"{'':<14} {len(wrong)} decoded differently from cp1252 {wrong[:10]}")


if __name__ == "__main__":
    main()
