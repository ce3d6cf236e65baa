"""Deterministic generator of scraped-looking news documents, for benchmarks and batch tests.

    python -m benchmarks.generate_corpus OUT_DIR --count 3000 [--seed 7] [--bad 5]

Documents mix prose paragraphs (assembled from a pool of news sentences),
boilerplate of the families the rules cover (written here, not taken from the
rule examples), and encoding damage (mojibake, cp1252, UTF-16, BOM, CRLF,
NBSP, entities). ``--bad N`` adds N undecodable files. No network, no
randomness beyond ``random.Random(seed)``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (sloppy-windows-1252 for mojibake)

SUBJECTS = [
    "The city council", "Regional health officials", "The central bank", "Local fishermen", "The prime minister",
    "A coalition of farmers", "Investigators", "The football club", "Hospital managers", "The energy regulator",
    "Residents of the northern district", "The transport ministry", "Union leaders", "The university",
    "Emergency crews", "Opposition lawmakers", "The museum’s director", "Shipping companies",
]
VERBS = [
    "said on Tuesday that", "warned that", "announced that", "confirmed late on Friday that", "argued that",
    "told reporters that", "insisted that", "acknowledged that", "revealed in a statement that",
]
CLAUSES = [
    "the budget for road repairs would rise by 12 percent next year",
    "water levels in the reservoir had fallen to their lowest point since 1976",
    "the new rail line would open two months later than planned",
    "prices for heating oil were expected to ease before the winter",
    "a review of the contract would be completed by the end of March",
    "more than 4,000 households were still without power after the storm",
    "the hospital would hire 150 nurses to cut waiting times",
    "talks with the union had made “real progress” over the weekend",
    "the café owners’ complaint about parking fees would be heard in court",
    "the stadium’s capacity would be reduced during the renovation",
    "exports of machinery to Asia had grown for a third straight quarter",
    "the school would reopen once inspectors had approved the new roof",
]
CODA = [
    "", " The decision is expected to be debated next week.", " Critics called the plan “too little, too late”.",
    " Officials said they would share more details on Friday.", " The figures have not been independently verified.",
]
HEADLINES = [
    "Council Backs Plan For New Tram Line", "Storm Leaves Thousands Without Power", "Bank Holds Rates As Inflation Eases",
    "Farmers Protest Over Water Rules", "Hospital To Hire Hundreds Of Nurses", "Court Hears Café Parking Dispute",
]
BOILERPLATE_TOP = [
    "Skip to main content", "Home > News > Local", "By Maria Keller", "Published: 14 March 2024", "5 min read",
    "Listen to this article", "No time to read?", "Get a summary", "Share on Facebook", "Facebook Twitter Email",
]
BOILERPLATE_MIDDLE = [
    "Advertisement", "- ADVERTISEMENT -", "Story continues below advertisement",
    "Your browser does not support the video tag.", "Photo: Reuters", "(Photo by Ana Ruiz/AFP via Getty Images)",
    "Sign up for our morning newsletter", "Download our free app",
]
RELATED = [
    ["Read more:", "Storm closes mountain pass", "Rail strike talks collapse"],
    ["RELATED STORIES", "Bank warns of slower growth", "Museum reopens after repairs", "Port traffic hits record"],
    ["You may also like"],
]
BOILERPLATE_TAIL = [
    ["Previous Article", "Flood warnings lifted in the valley", "Next Article", "Council election date set"],
    ["Comments", "Leave a Reply", "Your email address will not be published. Required fields are marked *"],
    ["© 2024 Example Media Group. All rights reserved.", "Terms of Use | Privacy Policy"],
    ["Legal Disclaimer:", "Example Wire provides the information “as is” without warranty of any kind."],
    [],
]


def paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(1, 3)):
        sentences.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}.")
    return " ".join(sentences) + rng.choice(CODA)


def document(rng: random.Random) -> str:
    lines: list[str] = []
    if rng.random() < 0.7:
        lines.append(rng.choice(HEADLINES))
    lines += rng.sample(BOILERPLATE_TOP, rng.randint(0, 4))
    for _ in range(rng.randint(4, 14)):
        lines.append(paragraph(rng))
        roll = rng.random()
        if roll < 0.15:
            lines.append(rng.choice(BOILERPLATE_MIDDLE))
        elif roll < 0.22:
            lines += rng.choice(RELATED)
    lines += rng.choice(BOILERPLATE_TAIL)
    separator = rng.choice(["\n", "\n\n", "\n\n\n"])
    return separator.join(lines) + "\n"


def damage(text: str, rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.05:
        text = text.replace("'", "&#39;").replace("&", "&amp;")
    elif roll < 0.10:
        text = text.replace(" ", "\u00a0", 5)
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    roll = rng.random()
    if roll < 0.06:
        return text.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8")  # mojibake
    if roll < 0.12:
        return text.encode("cp1252")
    if roll < 0.15:
        return text.encode("utf-16")
    if roll < 0.18:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def generate(out_dir: Path, count: int, seed: int = 7, bad: int = 0, per_dir: int = 500) -> list[Path]:
    """Write ``count`` documents (and ``bad`` undecodable files) under ``out_dir``; return their paths."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = out_dir / f"batch-{i // per_dir:03d}" / f"doc-{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(damage(document(rng), rng))
        paths.append(path)
    for i in range(bad):
        path = out_dir / "bad" / f"bad-{i:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((b"\x89PNG\r\n\x1a\n" if i % 2 == 0 else b"%PDF-1.4\n") + rng.randbytes(200))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out_dir, args.count, args.seed, args.bad)
    print(f"wrote {len(paths)} files under {args.out_dir}")


if __name__ == "__main__":
    main()
