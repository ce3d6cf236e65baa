"""Boilerplate-removal quality on the labeled held-out corpus (tests/corpus/).

Each corpus file is a clean, line-labeled article (see tests/corpus/README.md)
plus a list of encoding damages. This script damages each article into the
bytes a scraper would have saved, runs the full pipeline on those bytes, and
measures:

* boilerplate recall: share of ``B`` lines absent from the output;
* prose kept intact: share of ``P`` paragraphs (or their ``K`` form) present
  verbatim as output paragraphs;
* title accuracy and metadata accuracy (date, publisher, author headers).

    python -m benchmarks.corpus_eval            # summary
    python -m benchmarks.corpus_eval --verbose  # every miss, per file
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)

from pipeline import CleanOptions, clean_bytes
from pipeline.stages.repair import repair_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
HOLDOUT_CORPUS = ROOT / "tests" / "corpus_holdout"
DEV_CORPUS = ROOT / "tests" / "corpus_dev"
FRESH_CORPUS = ROOT / "tests" / "corpus_fresh"  # held out until the widen-rules branch; a development corpus since
DAMAGES = ("mojibake", "cp1252", "utf16", "bom", "crlf", "nbsp", "entities", "zerowidth", "none")


@dataclass
class Article:
    name: str
    damages: tuple[str, ...]
    meta: dict[str, str]
    source_lines: list[str]  # the scraped text, line by line, before damage
    title: str | None
    prose: list[str]  # paragraphs that must survive verbatim (K form where given)
    boilerplate: list[str]


def parse_article(path: Path) -> Article:
    meta: dict[str, str] = {}
    source: list[str] = []
    prose: list[str] = []
    boilerplate: list[str] = []
    title = None
    body_started = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not body_started and raw.startswith("# "):
            key, _, value = raw[2:].partition(":")
            meta[key.strip().lower()] = value.strip()
            continue
        body_started = True
        if raw.strip() == "":
            source.append("")
            continue
        tag, content = raw[:2], raw[2:]
        if tag == "K ":
            if not prose:
                raise ValueError(f"{path.name}:{number}: K line without a P line before it")
            prose[-1] = content
            continue
        if tag not in ("T ", "P ", "B "):
            raise ValueError(f"{path.name}:{number}: unknown tag {tag!r}")
        source.append(content)
        if tag == "T ":
            title = content
        elif tag == "P ":
            prose.append(content)
        else:
            boilerplate.append(content)
    damages = tuple(d.strip() for d in meta.pop("damage", "none").replace(",", " ").split() if d.strip())
    unknown = set(damages) - set(DAMAGES)
    if unknown:
        raise ValueError(f"{path.name}: unknown damage(s) {sorted(unknown)}")
    if {"cp1252", "zerowidth"} <= set(damages):
        raise ValueError(f"{path.name}: damage 'zerowidth' cannot be saved as 'cp1252' (cp1252 has no U+200B)")
    return Article(path.name, damages, meta, source, title, prose, boilerplate)


def _every_other(lines: list[str], change) -> list[str]:
    return [change(line) if i % 2 == 0 else line for i, line in enumerate(lines)]


def damage(article: Article) -> bytes:
    """The bytes a scraper would have saved: deterministic for a given article."""
    lines = list(article.source_lines)
    d = set(article.damages)
    if "entities" in d:
        lines = _every_other(lines, lambda line: line.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&quot;"))
    if "nbsp" in d:
        lines = _every_other(lines, lambda line: line.replace(" ", "\u00a0", 3))
    if "zerowidth" in d:
        lines = [line.replace(" ", " \u200b", 2) if i % 3 == 0 else line for i, line in enumerate(lines)]
    text = "\n".join(lines) + "\n"
    if "mojibake" in d:
        text = text.encode("utf-8").decode("sloppy-windows-1252")
    if "crlf" in d:
        text = text.replace("\n", "\r\n")
    if "cp1252" in d:
        return text.encode("cp1252")
    if "utf16" in d:
        return text.encode("utf-16")
    if "bom" in d:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def canonical(line: str) -> str:
    return repair_text(line)[0]


@dataclass
class Score:
    boilerplate_total: int = 0
    boilerplate_removed: int = 0
    prose_total: int = 0
    prose_kept: int = 0
    titles_total: int = 0
    titles_right: int = 0
    meta_total: int = 0
    meta_right: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)

    @property
    def boilerplate_recall(self) -> float:
        return self.boilerplate_removed / self.boilerplate_total if self.boilerplate_total else 1.0

    @property
    def prose_kept_rate(self) -> float:
        return self.prose_kept / self.prose_total if self.prose_total else 1.0

    def summary(self) -> dict[str, object]:
        return {
            "boilerplate_lines": self.boilerplate_total,
            "boilerplate_removed": self.boilerplate_removed,
            "boilerplate_recall": round(self.boilerplate_recall, 4),
            "prose_paragraphs": self.prose_total,
            "prose_kept_intact": self.prose_kept,
            "prose_kept_rate": round(self.prose_kept_rate, 4),
            "titles": f"{self.titles_right}/{self.titles_total}",
            "metadata_fields": f"{self.meta_right}/{self.meta_total}",
        }


def evaluate(corpus: Path = CORPUS, options: CleanOptions | None = None) -> Score:
    score = Score()
    for path in sorted(corpus.glob("*.txt")):
        article = parse_article(path)
        doc = clean_bytes(damage(article), id=path.name, options=options)
        paragraphs = set(doc.text.split("\n\n")) if doc.text else set()
        misses: list[str] = []
        for line in article.boilerplate:
            score.boilerplate_total += 1
            if canonical(line) in paragraphs or canonical(line) == doc.title:
                misses.append(f"kept boilerplate: {line!r}")
            else:
                score.boilerplate_removed += 1
        for line in article.prose:
            score.prose_total += 1
            if canonical(line) in paragraphs:
                score.prose_kept += 1
            else:
                misses.append(f"lost prose: {line!r}")
        score.titles_total += 1
        expected_title = canonical(article.title) if article.title else None
        if doc.title == expected_title:
            score.titles_right += 1
        else:
            misses.append(f"title: expected {expected_title!r}, got {doc.title!r}")
        for key in ("date", "publisher", "author"):
            if key in article.meta:
                score.meta_total += 1
                if getattr(doc, key) == article.meta[key]:
                    score.meta_right += 1
                else:
                    misses.append(f"{key}: expected {article.meta[key]!r}, got {getattr(doc, key)!r}")
        if misses:
            score.misses[path.name] = misses
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--no-line-model", action="store_true", help="rules only")
    args = parser.parse_args(argv)
    score = evaluate(args.corpus, CleanOptions(line_model=not args.no_line_model))
    if args.json:
        print(json.dumps(score.summary(), indent=2))
    else:
        for key, value in score.summary().items():
            print(f"{key:>22}: {value}")
    if args.verbose:
        for name, misses in score.misses.items():
            print(f"\n{name}")
            for miss in misses:
                print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
