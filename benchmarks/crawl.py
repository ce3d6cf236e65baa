"""A deterministic test crawl for corpus-level cleaning (issue 12), with its ground truth and a scorer.

    python -m benchmarks.crawl OUT --sites 12 --pages 60 --seed 1 [--big-site-pages 2000]
                               [--layout dirs|jsonl] [--source gold|generated] [--truth FILE]
    python -m benchmarks.crawl --score RECORDS [RECORDS ...] --truth OUT-truth.json

The crawl is a set of invented news sites (``www.harbour-ledger.example``), each
wrapping its pages in its own template: header lines (masthead, slogan, menus,
a date line, a free-article counter), mid-article inserts (the site's newsletter
appeal, a "support us" box) and footer lines (ownership, tip line, copyright,
links). Some template lines are on every page verbatim, some vary from page to
page (a date, a counter), some are on only a share of the pages. Each page also
has boilerplate of its own (a byline with a time, a photo credit) that never
repeats.

Inside the templates: real article text (the gold texts of
``../shared/datasets/wceb-dev/gold.json``, read at run time and never copied
into the repository) or, with ``--source generated`` (what the tests use),
invented prose. Then:

* syndicated stories: one article on 2 to 4 sites, each copy in its site's
  template and slightly changed (headline wording, an editor's note, a caption,
  a dropped last paragraph, the original author's byline);
* exact duplicates: a page crawled twice on one site under a second URL, and a
  mirror host that copies some pages of one site byte for byte;
* paraphrase sets: one event written up independently by several sites (three
  sets written here, and the five seeds of ``fixtures/seeds/``), which are not
  duplicates;
* edge cases: a site with only two pages (nothing is template yet), a site whose
  every page quotes the same official statement (a recurring line that is
  content), and one big site (``--big-site-pages``).

OUT is the input tree: ``OUT/<host>/<NNNN>-<slug>.txt`` (``--layout dirs``,
grouping by input directory) or ``OUT/crawl.jsonl`` with ``{"id", "url",
"text"}`` records (``--layout jsonl``, grouping by URL host). The ground truth
goes outside it, to ``OUT-truth.json`` beside OUT unless ``--truth`` says
otherwise. ``score(records, truth)`` compares boilerstrip's JSONL records with
it; benchmarks/README.md describes both.

Same arguments, same bytes: all randomness comes from ``random.Random`` seeded
from ``--seed`` (each page from its own seed derived from the site and page
number), and everything is iterated in a fixed order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import ftfy

from benchmarks import generate_corpus

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "datasets" / "wceb-dev" / "gold.json"
SEEDS_DIR = ROOT / "fixtures" / "seeds"
EXPECTED_DIR = ROOT / "fixtures" / "expected"
TRUTH_VERSION = 1

# A site with fewer pages than this is "small": its template lines are in the
# truth but count apart (score's small_site_*), since nothing repeats enough there
# to be called template yet.
SMALL_SITE_PAGES = 3

# Line kinds in the truth.
TEMPLATE, HEADLINE, ARTICLE, QUOTE, BOILERPLATE = "template", "headline", "article", "quote", "boilerplate"

# ---------------------------------------------------------------------------
# Invented sites
# ---------------------------------------------------------------------------

PLACES = [
    "Harbour", "Eastport", "Kestrel Bay", "Millbrook", "Ashcombe", "Carden", "Northwick", "Selwyn", "Tarnmouth",
    "Oakhurst", "Brackenridge", "Lowell", "Fenmoor", "Whitcliff", "Ravensholm", "Dunmere", "Greyhaven",
    "Marlow Vale", "Stonebridge", "Elmsworth", "Corrin", "Halden", "Westmere", "Pellham", "Rookley", "Saltash Cove",
]
NOUNS = [
    "Ledger", "Courier", "Gazette", "Herald", "Post", "Tribune", "Chronicle", "Observer", "Dispatch", "Echo",
    "Mercury", "Sentinel", "Record", "Examiner", "Bulletin", "Beacon", "Journal", "Advertiser",
]
OWNERS = [
    "{place} Media Ltd", "Coastline Publishing plc", "Northern Print & Digital Ltd", "the {place} Community News Trust",
    "Meridian Local Titles Ltd", "Kingfisher Regional Media", "Alder & Finch Newspapers Ltd", "Bluewater News Group",
]
GROUPS = ["Meridian", "Kingfisher", "Lighthouse", "Northern Lights", "Riverside", "Oak Leaf"]
STREETS = ["Quay Street", "Market Place", "Mill Lane", "Station Road", "High Street", "Chapel Row", "Bridge Street"]
SECTIONS = [
    "News", "Local", "Politics", "Business", "Sport", "Opinion", "Culture", "Weather", "Property", "Jobs",
    "Obituaries", "Motoring", "Travel", "Food", "Schools", "Health", "Environment", "Puzzles", "Podcasts", "Video",
]
MENU_SEPARATORS = [" | ", " · ", " / ", " • "]
SLOGANS = [
    "Independent news for {place} since {founded}", "{place}'s trusted voice since {founded}",
    "Serving {place} and the surrounding villages since {founded}", "News, views and sport from {place}",
    "The paper that {place} reads", "Local news that matters, every day", "Reporting on {place} without fear or favour",
]
FIRST_NAMES = [
    "Maria", "Tom", "Aisha", "Daniel", "Priya", "Owen", "Grace", "Samuel", "Nadia", "Lewis", "Ruth", "Kwame",
    "Hannah", "Mateo", "Eleanor", "Rhys", "Sofia", "Callum", "Imogen", "Yusuf", "Bethan", "Marcus", "Leila", "Finn",
]
LAST_NAMES = [
    "Keller", "Ashworth", "Okafor", "Lindqvist", "Patel", "Marsh", "Duval", "Hughes", "Brennan", "Achterberg",
    "Moreno", "Fairbairn", "Nowak", "Quayle", "Sato", "Whitlock", "Osei", "Castellanos", "Pryce", "Iqbal",
]
ROLES = ["Reporter", "Chief Reporter", "Political Editor", "Health Correspondent", "Business Editor",
         "Local Democracy Reporter", "Court Reporter", "Environment Correspondent", "News Editor"]
AGENCIES = ["Reuters", "PA", "Getty Images", "Alamy", "AFP", "staff photographer"]
CAPTIONS = [
    "Residents gather outside the town hall", "The harbour at first light", "Campaigners hold up placards",
    "Councillors at the start of the meeting", "Work under way on the site", "The scene on Market Street",
    "Visitors queue at the entrance", "Volunteers sort donations", "The building was cordoned off",
    "Traffic backed up on the bypass", "A view of the estate from the hill", "Pupils arrive for the first day",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEATHER = ["light rain", "sunny intervals", "overcast", "fog", "showers", "clear skies", "strong winds", "drizzle"]
TRENDING = ["Bypass closure", "School places", "Harbour redevelopment", "Council tax", "Bus timetable",
            "Hospital parking", "Flood defences", "Town centre plans", "Local elections", "Festival line-up"]
BREAKING = ["Bypass closed in both directions after lorry fire", "Polling stations open for the by-election",
            "Flood warning issued for the lower valley", "Council leader resigns", "Power cut hits 3,000 homes"]

QUOTE_STATEMENT = (
    "“We are aware of the reports circulating this week and we are working closely with the relevant agencies "
    "to establish the facts. The safety and wellbeing of residents remains our first priority, and we will not be "
    "commenting further while inquiries are ongoing,” a spokesperson for {place} Borough Council said in a statement."
)


@dataclass
class Spec:
    """One template line of a site: fixed text, or a pattern filled per page (``varying``)."""

    id: str
    region: str  # header | insert | footer
    variant: str  # exact (every page, same text) | partial (same text, share of pages) | varying (every page, text varies)
    pattern: str
    share: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "region": self.region, "variant": self.variant, "share": self.share,
                "pattern": self.pattern}


@dataclass
class Site:
    host: str
    name: str
    place: str
    role: str  # regular | quote | small | mirror | big
    header: list[Spec] = field(default_factory=list)
    inserts: list[Spec] = field(default_factory=list)
    footer: list[Spec] = field(default_factory=list)
    separator: str = "\n"
    staff: list[tuple[str, str]] = field(default_factory=list)
    byline_style: int = 0
    photo_share: float = 0.5
    quote: str | None = None
    mirror_of: str | None = None

    @property
    def domain(self) -> str:
        return self.host.removeprefix("www.").removeprefix("news.")

    def to_json(self, pages: int) -> dict[str, Any]:
        return {
            "name": self.name, "role": self.role, "pages": pages, "small": pages < SMALL_SITE_PAGES,
            "separator": self.separator, "mirror_of": self.mirror_of, "quote": self.quote,
            "template": [s.to_json() for s in self.header + self.inserts + self.footer],
        }


def _slug(text: str, words: int = 6) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = re.findall(r"[a-z0-9]+", ascii_text)[:words]
    return "-".join(parts) or "page"


def _fill(pattern: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), pattern)


def _menu(rng: Random, sep: str, k: int) -> str:
    return sep.join(rng.sample(SECTIONS, k))


def make_site(rng: Random, place: str, noun: str, role: str) -> Site:
    name = f"The {place} {noun}"
    base = f"{_slug(place)}-{noun.lower()}"
    host = rng.choice([f"www.{base}.example", f"www.{base}.example", f"news.{base}.example", f"{base}.example"])
    site = Site(host=host, name=name, place=place, role=role)
    site.separator = rng.choice(["\n", "\n", "\n\n"])
    site.staff = [(rng.choice(FIRST_NAMES) + " " + rng.choice(LAST_NAMES), rng.choice(ROLES))
                  for _ in range(rng.randint(3, 7))]
    site.byline_style = rng.randrange(4)
    site.photo_share = rng.choice([0.0, 0.3, 0.5, 0.8])
    sep = rng.choice(MENU_SEPARATORS)
    values = {
        "name": name, "place": place, "domain": site.domain, "founded": rng.randint(1851, 1998),
        "owner": _fill(rng.choice(OWNERS), {"place": place}), "group": rng.choice(GROUPS),
        "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {place}",
        "phone": f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        "whatsapp": f"07700 {rng.randint(900000, 999999)}", "companyno": rng.randint(1000000, 9999999),
        "price": rng.choice([3, 4, 5, 6, 8]), "readers": f"{rng.randint(3, 40)},{rng.randint(100, 999)}",
    }

    # Header: the masthead always; 2 to 9 more lines in the site's own order.
    header_pool: list[tuple[str, str, float]] = [
        ("Skip to main content", "exact", 1.0),
        ("{name}", "exact", 1.0),
        (_fill(rng.choice(SLOGANS), values), "exact", 1.0),
        (_menu(rng, sep, rng.randint(5, 8)), "exact", 1.0),
        (_menu(rng, sep, rng.randint(3, 5)), "exact", 1.0),
        (rng.choice(["Subscribe | Sign in", "Sign in · Subscribe from £1", "Log in / Register", "My account"]),
         "exact", 1.0),
        (f"Edition: {place}{sep}National{sep}World", "exact", 1.0),
        (rng.choice(["{weekday}, {day} {month} {year}", "{weekday} {month} {day}, {year}", "{day}.{monthnum}.{year}"]),
         "varying", 1.0),
        ("You have read {k} of {n} free articles this month.", "varying", 1.0),
        (f"{place} {{temp}}°C, {{weather}}", "varying", 1.0),
        ("Trending: {trend}", "varying", 1.0),
        ("BREAKING: " + rng.choice(BREAKING), "partial", rng.choice([0.3, 0.4, 0.6])),
        (f"Cookies help us run {name}. By using this site you agree to our use of cookies. Accept | Manage",
         "partial", rng.choice([0.5, 0.7])),
        (f"Special offer: {name} digital for £1 a week for three months", "partial", rng.choice([0.4, 0.6])),
    ]
    chosen = [1] + sorted(rng.sample([i for i in range(len(header_pool)) if i != 1], rng.randint(2, 9)))
    chosen.sort(key=lambda i: (i != 0, i != 1, i))  # "Skip to main content" first, then the masthead
    for n, i in enumerate(chosen):
        pattern, variant, share = header_pool[i]
        site.header.append(Spec(f"header-{n + 1:02d}", "header", variant, _fill(pattern, values), share))

    insert_pool: list[tuple[str, str, float]] = [
        ("Sign up for the morning briefing from {name} and get the day's top {place} stories in your inbox before 7am.",
         "exact", 1.0),
        ("{name} is funded by its readers. Support independent journalism in {place} from £{price} a month.",
         "exact", 1.0),
        ("Know something we should look into? Our newsroom reads every message: newsdesk@{domain}", "exact", 1.0),
        ("Download our app for breaking {place} news on your phone, free.", "partial", rng.choice([0.5, 0.6])),
        ("Join {readers} readers in our {place} community group on Facebook.", "partial", rng.choice([0.4, 0.6])),
        ("Only {days} days left: a year of {name} for £{offer}.", "varying", 1.0),
        ("Members: you have {gifts} gift articles left to share this month.", "varying", 1.0),
    ]
    for n, i in enumerate(sorted(rng.sample(range(len(insert_pool)), rng.choice([0, 1, 1, 2, 2, 3, 4])))):
        pattern, variant, share = insert_pool[i]
        site.inserts.append(Spec(f"insert-{n + 1:02d}", "insert", variant, _fill(pattern, values), share))

    footer_pool: list[tuple[str, str, float]] = [
        ("About {name}", "exact", 1.0),
        ("{name} is published by {owner}, {address}.", "exact", 1.0),
        ("Got a story? Email tips@{domain} or call {phone}.", "exact", 1.0),
        (sep.join(rng.sample(["About us", "Contact", "Careers", "Advertise", "Privacy policy", "Terms",
                              "Cookie settings", "Accessibility"], rng.randint(4, 7))), "exact", 1.0),
        ("Follow {name} on Facebook, X and Instagram", "exact", 1.0),
        ("{name} follows the Editors' Code of Practice. Complaints: corrections@{domain}", "exact", 1.0),
        ("Registered in England and Wales, company number {companyno}.", "exact", 1.0),
        ("Part of the {group} network of local titles.", "exact", 1.0),
        ("Back to top", "exact", 1.0),
        ("© 2024 {owner}. All rights reserved.", "exact", 1.0),
        ("Tip us off: send photos and videos to {whatsapp} on WhatsApp.", "partial", rng.choice([0.5, 0.6])),
        ("Download our free {place} property guide", "partial", rng.choice([0.3, 0.5])),
        ("Page generated in 0.{ms} seconds", "varying", 1.0),
        ("{online} readers online now", "varying", 1.0),
    ]
    for n, i in enumerate(sorted(rng.sample(range(len(footer_pool)), rng.randint(3, 10)))):
        pattern, variant, share = footer_pool[i]
        site.footer.append(Spec(f"footer-{n + 1:02d}", "footer", variant, _fill(pattern, values), share))
    return site


def make_sites(rng: Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (place, noun) pairs, each place once while places last."""
    pairs = [(p, n) for p in PLACES for n in NOUNS]
    rng.shuffle(pairs)
    chosen: list[tuple[str, str]] = []
    places: set[str] = set()
    for pair in pairs:
        if len(chosen) == count:
            break
        if pair[0] not in places:
            chosen.append(pair)
            places.add(pair[0])
    for pair in pairs:
        if len(chosen) == count:
            break
        if pair not in chosen:
            chosen.append(pair)
    if len(chosen) < count:
        raise ValueError(f"at most {len(pairs)} sites")
    return chosen


# ---------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------


@dataclass
class Article:
    id: str
    source: str  # wceb | generated | paraphrase | seed
    headline: str | None
    paragraphs: list[str]
    labels: list[str] | None = None  # per paragraph (seeds): article | boilerplate

    def label(self, i: int) -> str:
        return self.labels[i] if self.labels else ARTICLE


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


STOPWORDS = frozenset(
    "the of and to a in that is was he for it with as his on be at by i this had not are but from or have an they "
    "which one you were her all she there would their we him been has when who will more no if out so said what up "
    "its about into than them can only other new some could time these two may then do first any my now such like "
    "our over me even most made after also did many before must through back years where much your way well down "
    "should because each just those people how too very make still own see work long get here between both life "
    "being under never day same another know while last might us great year off come since against go right take".split()
)


def english_looking(paragraphs: list[str]) -> bool:
    """Most letters ASCII and at least a quarter of the words among common English words."""
    text = " ".join(paragraphs)
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isascii() for c in letters) / len(letters) < 0.97:
        return False
    words = [w.strip(".,;:!?\"'()[]“”‘’").lower() for w in text.split()]
    return bool(words) and sum(w in STOPWORDS for w in words) / len(words) >= 0.3


def gold_paragraphs(text: str, dataset: str) -> list[str]:
    """Paragraphs of a gold text: CleanEval's are hard-wrapped blocks between blank lines; the others are one
    node per line, a line starting in lower case continuing the one before."""
    text = text.replace("\r", "")
    if dataset == "cleaneval":
        return [p for p in (_norm(b) for b in re.split(r"\n\s*\n", text)) if p]
    out: list[str] = []
    for line in text.split("\n"):
        s = _norm(line)
        if not s:
            continue
        if out and (s[0].islower() or s[0] in ",.;:)!?"):
            out[-1] += " " + s
        else:
            out.append(s)
    return out


def _clean_paragraph(p: str) -> bool:
    """Text boilerstrip's repair would leave as it is: no mojibake, lost characters, entities or controls."""
    return ("???" not in p and "&" not in p and "\ufffd" not in p and ftfy.fix_text(p) == p
            and not any(unicodedata.category(c) in ("Cc", "Cf", "Co") for c in p))


_DATE_WORDS = "|".join(MONTHS + WEEKDAYS + [m[:3] for m in MONTHS])
_GOLD_DEBRIS = re.compile(
    rf"^(?:by\s|posted\b|updated\b|last updated\b|published\b|copyright\b|©|click here\b|https?://|www\.)"
    rf"|^(?=.*\d)(?=.*\b(?:{_DATE_WORDS})\b)(?:\S+\s+){{0,7}}\S+$",
    re.IGNORECASE,
)


def _gold_debris(paragraph: str) -> bool:
    """A gold line that is not prose: three words or fewer, a bare date, a byline, a dateline, a copyright
    line, a link. CleanEval's gold keeps some; boilerstrip's line rules remove them on purpose, and
    counting them as article text would blur what a corpus-level pass loses."""
    return len(paragraph.split()) <= 3 or bool(_GOLD_DEBRIS.search(paragraph))


def _headline_from(paragraph: str) -> str | None:
    words = paragraph.split()
    if 3 <= len(words) <= 14 and sum(len(w) >= 3 and w.isalpha() for w in words) >= 2 and not paragraph.endswith((".", ":", ";", ",", "?", "!")) and paragraph[0].isupper():
        return paragraph
    return None


def _make_headline(paragraph: str) -> str:
    first = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0].rstrip(".!?")
    words = first.split()
    return " ".join(words[:10]) + ("…" if len(words) > 10 else "")


def load_gold(path: Path, rng: Random) -> list[Article]:
    """English-looking gold texts with 5 to 40 clean paragraphs, in a seeded order; a text of 16 or more
    paragraphs is cut into articles of 8 to 15."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    meta_path = path.with_name("meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    articles = []
    for key in sorted(gold):
        dataset = meta.get(key, {}).get("dataset") or key.rsplit("-", 1)[0]
        paragraphs = gold_paragraphs(gold[key], dataset)
        if not paragraphs or not english_looking(paragraphs):
            continue
        kept = [p for p in paragraphs if _clean_paragraph(p)]
        if len(kept) < 0.8 * len(paragraphs):
            continue
        kept = [p for p in kept if not _gold_debris(p) or p is kept[0] and _headline_from(p)]
        headline = _headline_from(kept[0]) if kept else None
        if headline:
            kept = kept[1:]
        if not 5 <= len(kept) <= 40:
            continue
        # A long text makes several articles of 8 to 12 paragraphs (there are more pages than texts).
        parts = max(1, len(kept) // 8) if len(kept) >= 16 else 1
        bounds = [round(i * len(kept) / parts) for i in range(parts + 1)]
        for i in range(parts):
            chunk = kept[bounds[i]:bounds[i + 1]]
            title = headline if i == 0 and headline else _make_headline(chunk[0])
            articles.append(Article(f"wceb:{key}" + (f"#{i + 1}" if parts > 1 else ""), "wceb", title, chunk))
    rng.shuffle(articles)
    return articles


GEN_SUBJECTS = generate_corpus.SUBJECTS + [
    "A spokesperson for {org}", "{person}, who chairs {org},", "{org}", "Councillor {person}", "Staff at {org}",
    "Parents in {area}", "Traders on {street}", "Volunteers from {org}", "Police in {area}", "{person}",
]
GEN_VERBS = generate_corpus.VERBS + ["wrote to members to say that", "claimed that", "pointed out that",
                                     "said at a public meeting that", "explained that", "conceded that"]
GEN_CLAUSES = [
    "the budget for {thing} would rise by {pct} percent next year",
    "{num} people had signed a petition against the plans for {thing}",
    "work on {thing} in {area} would start in {month} and take {weeks} weeks",
    "the cost of {thing} had climbed to £{money} million, {pct} percent over the original estimate",
    "{org} would hold a consultation on {thing} until the end of {month}",
    "a report on {thing} had found {num} separate safety problems",
    "{num} households in {area} had been affected since {month}",
    "the decision on {thing} had been delayed for a {ordinal} time",
    "an independent review of {thing} would be published in {month}",
    "bus fares in {area} would rise by {pct} pence from {month}",
    "{org} had received {num} complaints about {thing} this year",
    "the site on {street} would be turned into {num} affordable homes",
    "a grant of £{money} million would pay for {thing}",
    "nobody had been hurt but {num} people had been moved out of {area} as a precaution",
    "the proposals for {thing} would go before the planning committee in {month}",
] + generate_corpus.CLAUSES
GEN_THINGS = [
    "the harbour wall", "school meals", "the new bypass", "street lighting", "the leisure centre", "bus shelters",
    "the library roof", "flood defences", "the market hall", "cycle lanes", "the sewage works", "parking charges",
    "the care home", "the town square", "broadband in rural areas", "the swimming pool", "the bridge repairs",
]
GEN_ORGS = ["the Residents' Association", "the Chamber of Trade", "the parish council", "the health trust",
            "the water company", "the rail operator", "the fire service", "the housing association",
            "the civic society", "the harbour commissioners", "the school's governors", "the wildlife trust"]
GEN_AREAS = ["the Old Town", "Riverside", "the northern estate", "Hill Top", "the marina", "Abbey Fields",
             "the industrial park", "Church End", "the seafront", "Upper Green"]
GEN_STREETS = ["Mill Lane", "Station Road", "the High Street", "Bridge Street", "Chapel Row", "Quay Street"]
GEN_ORDINALS = ["second", "third", "fourth"]
GEN_HEAD_SUBJECTS = ["Council", "Residents", "Traders", "Parents", "Health trust", "Police", "Campaigners",
                     "Water firm", "Rail operator", "Planners", "Fire crews", "Volunteers", "Harbour board"]
GEN_HEAD_VERBS = ["back", "reject", "delay", "approve", "question", "fight", "review", "celebrate", "warn over",
                  "push for", "win battle over", "raise cash for"]


def _gen_values(rng: Random) -> dict[str, Any]:
    return {
        "org": rng.choice(GEN_ORGS), "person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "area": rng.choice(GEN_AREAS), "street": rng.choice(GEN_STREETS), "thing": rng.choice(GEN_THINGS),
        "pct": rng.randint(3, 60), "num": f"{rng.randint(12, 4800):,}", "month": rng.choice(MONTHS),
        "weeks": rng.randint(3, 40), "money": f"{rng.randint(1, 90)}.{rng.randint(1, 9)}",
        "ordinal": rng.choice(GEN_ORDINALS),
    }


def generated_paragraph(rng: Random, topic: dict[str, Any]) -> str:
    """A paragraph of invented prose: generate_corpus's sentence shape (subject, verb, clause, coda) with a
    larger vocabulary and the article's own names and numbers, so that unrelated articles share few phrases."""
    sentences = []
    for _ in range(rng.randint(1, 3)):
        values = {**_gen_values(rng), **{k: v for k, v in topic.items() if rng.random() < 0.6}}
        subject = _fill(rng.choice(GEN_SUBJECTS), values)
        clause = _fill(rng.choice(GEN_CLAUSES), values)
        sentence = f"{subject} {rng.choice(GEN_VERBS)} {clause}."
        sentences.append(sentence[0].upper() + sentence[1:])
    return " ".join(sentences) + rng.choice(generate_corpus.CODA)


class ArticlePool:
    """Gold articles in a seeded order, then generated ones; no paragraph is handed out twice."""

    def __init__(self, gold: list[Article], seed: int) -> None:
        self.gold = gold
        self.rng = Random(f"{seed}:generated")
        self.used: set[str] = set()
        self.headlines: set[str] = set()
        self.generated = 0

    def next(self) -> Article:
        while self.gold:
            article = self.gold.pop(0)
            paragraphs = [p for p in dict.fromkeys(article.paragraphs) if p not in self.used]
            if len(paragraphs) < 5 or len(paragraphs) < 0.8 * len(article.paragraphs) or not article.headline \
                    or article.headline in self.headlines:
                continue
            article.paragraphs = paragraphs
            return self._take(article)
        return self._take(self._generate())

    def _take(self, article: Article) -> Article:
        self.used.update(article.paragraphs)
        if article.headline:
            self.headlines.add(article.headline)
        return article

    def _generate(self) -> Article:
        rng = self.rng
        self.generated += 1
        topic = _gen_values(rng)
        while True:
            headline = (f"{rng.choice(GEN_HEAD_SUBJECTS)} {rng.choice(GEN_HEAD_VERBS)} "
                        f"{_fill('{thing}', topic).removeprefix('the ')} in {topic['area'].removeprefix('the ')}")
            if rng.random() < 0.5:
                headline += f" as {topic['num']} sign petition"
            headline = headline[0].upper() + headline[1:]
            if headline not in self.headlines:
                break
            topic = _gen_values(rng)
        paragraphs: list[str] = []
        target = rng.randint(5, 14)
        while len(paragraphs) < target:
            p = generated_paragraph(rng, topic)
            if p not in self.used and p not in paragraphs and len(p.split()) >= 12:
                paragraphs.append(p)
        return Article(f"generated:{self.generated:05d}", "generated", headline, paragraphs)


# Three events, each written up independently three times (invented here): paraphrases, never duplicates.
PARAPHRASE_SETS: dict[str, list[tuple[str, list[str]]]] = {
    "ferry-collision": [
        ("Fourteen hurt as ferries collide in Port Alder harbour", [
            "Fourteen passengers were taken to hospital on Saturday evening after two ferries collided at the "
            "entrance to Port Alder harbour in thick fog.",
            "The coastguard said the larger vessel, the Island Spirit, was arriving from Merrow Island with 212 "
            "people on board when it struck the side of a smaller car ferry leaving port.",
            "None of the injuries was thought to be life-threatening, according to the regional ambulance service, "
            "which sent six crews to the quay.",
            "The Marine Accident Investigation Branch has opened an inquiry, and the operator has suspended both "
            "routes until at least Tuesday.",
        ]),
        ("Port Alder ferry crash: investigators called in after fog collision", [
            "Accident investigators are on their way to Port Alder after a passenger ferry ploughed into a departing "
            "car ferry in dense fog on Saturday, leaving 14 people needing hospital treatment.",
            "Island Spirit, which had 212 passengers and crew aboard after the crossing from Merrow Island, hit the "
            "smaller ship just outside the harbour mouth, coastguard officers said.",
            "Paramedics described the injured as having cuts, bruises and one suspected broken wrist; all were "
            "expected to be discharged within a day.",
            "Sailings on both routes are cancelled until Tuesday at the earliest while the vessels are inspected, "
            "the ferry company said.",
        ]),
        ("Two ferries in collision off Port Alder", [
            "Two ferries collided off Port Alder on Saturday night, with visibility cut to a few metres by fog, in "
            "an accident that sent 14 people to hospital.",
            "Witnesses on the quay said they heard a long blast of a horn and then a terrible scraping noise as the "
            "inbound Island Spirit struck the car ferry.",
            "“It was over in seconds, but people were thrown off their feet,” said one passenger, who asked not to "
            "be named.",
            "The company apologised to travellers and said it was cooperating fully with the marine investigators "
            "who arrived on Sunday morning.",
        ]),
    ],
    "hosepipe-ban": [
        ("Hosepipe ban announced as reservoirs fall to 41 percent", [
            "Calder Vale Water will impose a hosepipe ban on 1.3 million customers from Friday after the driest "
            "spring in the region since records began in 1891.",
            "The company said its reservoirs were 41 percent full, compared with an average of 78 percent for the "
            "time of year.",
            "Households caught watering gardens or washing cars with a hose could face fines of up to £1,000, "
            "although the firm said it would first issue warnings.",
            "Environmental groups said the ban was overdue and accused the company of losing a fifth of its supply "
            "through leaking pipes.",
        ]),
        ("Water firm brings in hosepipe restrictions after record dry spring", [
            "More than a million households will be barred from using hosepipes from this Friday, Calder Vale Water "
            "has announced, blaming months of unusually low rainfall.",
            "Reservoir stocks have dropped to 41 percent of capacity, barely half the normal level for early "
            "summer, according to figures published by the supplier.",
            "The restrictions cover filling paddling pools, cleaning cars and watering lawns, and the company "
            "warned that persistent offenders could be prosecuted.",
            "Campaigners welcomed the move but said leakage, which accounts for about 20 percent of the water the "
            "firm treats, should have been tackled years ago.",
        ]),
        ("Gardeners face a summer without hosepipes", [
            "Gardeners across the Calder Vale supply area are being told to put away their hoses, as the water "
            "company confirmed restrictions for 1.3 million customers starting on Friday.",
            "Rainfall since March has been the lowest for more than 130 years, and the main reservoirs are holding "
            "little more than two-fifths of what they can store.",
            "Allotment holders said the timing could hardly be worse. “Everything goes in the ground in May and now "
            "we are carrying watering cans,” said one.",
            "The company said it would review the ban every fortnight and lift it as soon as levels recovered.",
        ]),
    ],
    "stolen-painting": [
        ("Stolen painting found in farmhouse loft after 15 years", [
            "A painting stolen from the Linthorpe Gallery fifteen years ago has been found wrapped in a blanket in "
            "the loft of a farmhouse, police said on Wednesday.",
            "The Salt Marsh at Evening, an oil by the Victorian artist Edith Marrable, was taken during a break-in "
            "in November 2009 and has been valued at about £400,000.",
            "Officers were called to the property after a builder repairing the roof noticed the gilt frame and "
            "recognised it from an appeal on television.",
            "A 67-year-old man has been interviewed under caution and released while inquiries continue.",
        ]),
        ("Roofer's find solves gallery theft mystery", [
            "A roofer working on a farmhouse has helped police recover a Victorian masterpiece that vanished from "
            "the Linthorpe Gallery in 2009.",
            "Edith Marrable's The Salt Marsh at Evening, thought to be worth £400,000, had been missing since thieves "
            "smashed a rear window of the gallery and escaped with it.",
            "The builder told officers he had seen the painting's distinctive gold frame under a blanket and "
            "remembered a television appeal about the theft.",
            "Police said a man in his sixties had been questioned and released; the gallery hopes to put the "
            "picture back on display next spring.",
        ]),
        ("Marrable painting returns home", [
            "Staff at the Linthorpe Gallery were celebrating on Wednesday after learning that one of their "
            "best-loved pictures, missing for a decade and a half, had been recovered.",
            "The Salt Marsh at Evening was cut from the wall in a night-time raid in 2009, in a case that baffled "
            "detectives and prompted appeals on national television.",
            "It turned up in a farmhouse roof space, spotted by a tradesman, and conservators say it appears to have "
            "survived in remarkably good condition.",
            "“We never gave up hope,” the gallery's director said. “It belongs to the people of this town, and soon "
            "they will be able to see it again.”",
        ]),
    ],
}


def load_seeds() -> list[Article]:
    """The five seeds as articles: each line labelled by its reviewed output in fixtures/expected/ (the title is
    the headline, a line the reviewed record removed is boilerplate, the rest is article text)."""
    articles = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        expected = json.loads((EXPECTED_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
        removed = {_norm(text) for _, text in expected["removed"]}
        title = _norm(expected["title"]) if expected["title"] else None
        lines = [_norm(line) for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        headline = None
        if title and lines and lines[0] == title:
            headline, lines = lines[0], lines[1:]
        labels = [BOILERPLATE if line in removed else ARTICLE for line in lines]
        articles.append(Article(f"seed:{path.stem}", "seed", headline, lines, labels))
    return articles


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    kind: str
    template: str | None = None
    variant: str | None = None
    what: str | None = None


@dataclass
class Plan:
    """One page to write: an article on a site, and what it is."""

    site: str
    role: str  # original | syndicated-original | syndicated-copy | recrawl | mirror | paraphrase | seed
    article: Article | None = None
    cluster: str | None = None
    changes: list[str] = field(default_factory=list)
    origin: Plan | None = None  # recrawl and mirror: the page copied; syndicated copy: the original
    paraphrase_set: str | None = None
    id: str = ""
    number: int = 0
    lines: list[Line] = field(default_factory=list)
    text: str = ""


def _page_date(seed: int, host: str, number: int) -> dt.datetime:
    base = dt.datetime(2024, 1, 1, 6, 0)
    rng = Random(f"{seed}:{host}:date:{number}")
    return base + dt.timedelta(days=number // 3 + rng.randint(0, 2), minutes=rng.randint(0, 16 * 60))


def _render_spec(spec: Spec, rng: Random, when: dt.datetime) -> str:
    if spec.variant != "varying":
        return spec.pattern
    k = rng.randint(1, 9)
    values = {
        "weekday": WEEKDAYS[when.weekday()], "day": when.day, "month": MONTHS[when.month - 1],
        "monthnum": f"{when.month:02d}", "year": when.year, "k": k, "n": rng.randint(k, 10),
        "temp": rng.randint(-3, 27), "weather": rng.choice(WEATHER), "trend": " · ".join(rng.sample(TRENDING, 3)),
        "days": rng.randint(2, 30), "offer": rng.choice([29, 39, 49, 59, 79]), "gifts": rng.randint(1, 9),
        "ms": f"{rng.randint(10, 999):03d}", "online": f"{rng.randint(1, 9)},{rng.randint(100, 999)}",
    }
    return _fill(spec.pattern, values)


def _author(site: Site, seed: int, number: int) -> tuple[str, str]:
    """The staff writer of a site's page ``number``: (name, role)."""
    return Random(f"{seed}:{site.host}:author:{number}").choice(site.staff)


def _byline(site: Site, when: dt.datetime, author: tuple[str, str]) -> str:
    name, role = author
    stamp = f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when.hour:02d}:{when.minute:02d}"
    return [f"By {name} | {stamp}", f"{name}, {role} · {stamp}", f"By {name}, {role}. Published {stamp}",
            f"Written by {name} on {stamp}"][site.byline_style]


def _photo(rng: Random) -> str:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return f"{rng.choice(CAPTIONS)} on {rng.choice(WEEKDAYS)}. Photo: {name}/{rng.choice(AGENCIES)}"


def _changed_headline(headline: str, rng: Random, site: Site) -> str:
    options = [f"{site.place}: {headline}", f"{headline} – report", f"Explained: {headline}",
               headline.upper() if len(headline) < 80 else headline + " (updated)", f"{headline}, say officials"]
    return rng.choice([o for o in options if o != headline])


def render(plan: Plan, site: Site, sites: dict[str, Site], seed: int, number: int) -> None:
    """Fill ``plan.lines`` and ``plan.text``: the page of ``plan.article`` in ``site``'s template."""
    if plan.origin is not None and plan.role in ("recrawl", "mirror"):
        plan.lines, plan.text = plan.origin.lines, plan.origin.text
        return
    assert plan.article is not None
    rng = Random(f"{seed}:{site.host}:page:{number}")
    when = _page_date(seed, site.host, number)
    article = plan.article
    lines: list[Line] = []

    def template(spec: Spec) -> None:
        if spec.variant == "partial" and rng.random() >= spec.share:
            return
        lines.append(Line(_render_spec(spec, rng, when), TEMPLATE, spec.id, spec.variant))

    for spec in site.header:
        template(spec)
    headline = article.headline
    if headline and "headline" in plan.changes:
        headline = _changed_headline(headline, rng, site)
    if headline:
        lines.append(Line(headline, HEADLINE))
    author = _author(site, seed, number)
    if "byline" in plan.changes and plan.origin is not None:  # the original's author, credited to its site
        origin_site = sites[plan.origin.site]
        author = (_author(origin_site, seed, plan.origin.number)[0], origin_site.name)
    if article.source != "seed":
        lines.append(Line(_byline(site, when, author), BOILERPLATE, what="byline"))
    if "editor-note" in plan.changes and plan.origin is not None:
        lines.append(Line(f"Editor's note: this story was first published by {sites[plan.origin.site].name} and is "
                          "republished here under a content-sharing agreement.", BOILERPLATE, what="editor-note"))
    if ("caption" in plan.changes or (article.source != "seed" and rng.random() < site.photo_share)):
        lines.append(Line(_photo(rng), BOILERPLATE, what="photo-credit"))

    body = [Line(p, BOILERPLATE, what="seed-boilerplate") if article.label(i) == BOILERPLATE else Line(p, ARTICLE)
            for i, p in enumerate(article.paragraphs)]
    if "drop-last-paragraph" in plan.changes:
        body = body[:-1]
    if site.quote:
        body.insert(rng.randint(1, max(1, len(body) - 1)), Line(site.quote, QUOTE))
    # Inserts go between paragraphs, at a different place on each page; never first or last.
    for spec in site.inserts:
        if spec.variant == "partial" and rng.random() >= spec.share:
            continue
        body.insert(rng.randint(1, max(1, len(body) - 1)),
                    Line(_render_spec(spec, rng, when), TEMPLATE, spec.id, spec.variant))
    lines += body
    for spec in site.footer:
        template(spec)
    plan.lines = lines
    plan.text = site.separator.join(line.text for line in lines) + "\n"


# ---------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------


@dataclass
class Crawl:
    sites: dict[str, Site]
    pages: dict[str, list[Plan]]
    clusters: list[dict[str, Any]]
    paraphrase_sets: list[dict[str, Any]]
    params: dict[str, Any]

    def documents(self) -> Iterator[Plan]:
        for host in sorted(self.pages):
            yield from self.pages[host]


def build(sites: int = 12, pages: int = 60, seed: int = 1, big_site_pages: int = 100, source: str = "generated",
          gold_path: Path = DEFAULT_GOLD) -> Crawl:
    """Plan and render the whole crawl in memory (``write`` puts it on disk)."""
    if sites < 3:
        raise ValueError("--sites must be at least 3")
    if pages < 4:
        raise ValueError("--pages must be at least 4")
    rng = Random(seed)
    gold = load_gold(gold_path, Random(f"{seed}:gold")) if source == "gold" else []
    pool = ArticlePool(gold, seed)

    extra = ["small", "mirror"] + (["big"] if big_site_pages > 0 else [])
    names = make_sites(rng, sites + len(extra))
    roles = ["regular"] * (sites - 1) + ["quote"] + extra
    site_list = [make_site(Random(f"{seed}:site:{place}:{noun}"), place, noun, role)
                 for (place, noun), role in zip(names, roles, strict=True)]
    by_host = {s.host: s for s in site_list}
    quote_site = next(s for s in site_list if s.role == "quote")
    quote_site.quote = _fill(QUOTE_STATEMENT, {"place": quote_site.place})
    mirror_site = next(s for s in site_list if s.role == "mirror")
    small_site = next(s for s in site_list if s.role == "small")
    big_site = next((s for s in site_list if s.role == "big"), None)

    size = {s.host: pages for s in site_list if s.role in ("regular", "quote")}
    size[small_site.host] = 2
    if big_site:
        size[big_site.host] = big_site_pages
    # Pages that are not the site's own originals: at most two thirds of a regular site, a tenth of the big one.
    # The small site takes a seed only when fewer than five other sites could.
    room = {s.host: pages * 2 // 3 for s in site_list if s.role == "regular"}
    if big_site:
        room[big_site.host] = max(2, big_site_pages // 10)
    plans: dict[str, list[Plan]] = defaultdict(list)

    def hosts_with_room(candidates: list[str], k: int) -> list[str]:
        free = [h for h in candidates if room.get(h, 0) > 0]
        if len(free) < k:
            return []
        chosen = rng.sample(free, k)
        for h in chosen:
            room[h] -= 1
        return chosen

    spread = sorted(room)  # the hosts that take syndicated copies, paraphrases and seeds
    clusters: list[dict[str, Any]] = []
    paraphrase_sets: list[dict[str, Any]] = []

    def add_paraphrases(set_id: str, articles: list[Article], role: str) -> None:
        hosts = hosts_with_room(spread, len(articles))
        if not hosts:  # fewer sites with room than versions: fill what is free, sites repeat
            hosts = [h for h in spread if room[h] > 0][: len(articles)]
            while len(hosts) < len(articles):
                hosts.append(spread[len(hosts) % len(spread)])
            for h in hosts:
                room[h] -= 1
        members = []
        for host, article in zip(hosts, articles, strict=True):
            plan = Plan(host, role, article, paraphrase_set=set_id)
            plans[host].append(plan)
            members.append(plan)
        paraphrase_sets.append({"id": set_id, "members": members})

    changes_pool = ["headline", "editor-note", "caption", "drop-last-paragraph", "byline"]

    def add_cluster() -> bool:
        free = sum(room[h] > 0 for h in spread)
        if free < 2:
            return False
        hosts = hosts_with_room(spread, min(rng.choice([2, 2, 2, 3, 3, 4]), free))
        article = pool.next()
        cluster_id = f"syndicated-{len(clusters) + 1:03d}"
        original = Plan(hosts[0], "syndicated-original", article, cluster=cluster_id)
        plans[hosts[0]].append(original)
        copies = []
        for host in hosts[1:]:
            changes = sorted(rng.sample(changes_pool, rng.randint(1, 3)))
            words = [len(p.split()) for p in article.paragraphs]
            if "drop-last-paragraph" in changes and (len(words) < 6 or words[-1] > 0.15 * sum(words)):
                changes.remove("drop-last-paragraph")  # a small change only: the copy keeps 85% of the text
            if not changes:
                changes = ["editor-note"]
            copy = Plan(host, "syndicated-copy", article, cluster=cluster_id, changes=changes, origin=original)
            plans[host].append(copy)
            copies.append(copy)
        clusters.append({"id": cluster_id, "kind": "syndicated", "original": original, "copies": copies})
        return True

    # In this order, so that even a small crawl has the seeds, two syndicated stories and a paraphrase set.
    seeds = load_seeds()
    if sum(room[h] > 0 for h in spread) < len(seeds):
        room[small_site.host] = 1
        spread.append(small_site.host)
    add_paraphrases("seeds", seeds, "seed")
    if small_site.host in spread:
        spread.remove(small_site.host)
    wanted = max(2, round(0.04 * sites * pages))
    while len(clusters) < 2 and add_cluster():
        pass
    set_ids = sorted(PARAPHRASE_SETS)
    add_paraphrases(set_ids[0], _paraphrase_articles(set_ids[0]), "paraphrase")
    while len(clusters) < wanted and add_cluster():
        pass
    for set_id in set_ids[1:]:
        if sum(room[h] > 0 for h in spread) >= len(PARAPHRASE_SETS[set_id]):
            add_paraphrases(set_id, _paraphrase_articles(set_id), "paraphrase")

    # Re-crawls: reserve their slots now, pick the page copied once the site's originals are known.
    recrawl_hosts = []
    recrawl_room = {h: r for h, r in room.items() if h != small_site.host}
    recrawl_room[quote_site.host] = 1 + pages // 30
    for _ in range(max(1, round(0.015 * sites * pages))):
        candidates = sorted(h for h, r in recrawl_room.items() if r > 0)
        if not candidates:
            break
        host = rng.choice(candidates)
        recrawl_room[host] -= 1
        recrawl_hosts.append(host)

    for site in site_list:  # the sites' own articles fill the rest; the big site last (gold runs out first)
        if site.role in ("mirror", "big"):
            continue
        missing = size[site.host] - len(plans[site.host]) - recrawl_hosts.count(site.host)
        plans[site.host] += [Plan(site.host, "original", pool.next()) for _ in range(missing)]
    if big_site:
        missing = size[big_site.host] - len(plans[big_site.host]) - recrawl_hosts.count(big_site.host)
        plans[big_site.host] += [Plan(big_site.host, "original", pool.next()) for _ in range(missing)]

    for n, host in enumerate(recrawl_hosts):
        originals = [p for p in plans[host] if p.role == "original" and p.cluster is None]
        if not originals:
            continue
        origin = rng.choice(originals)
        origin.cluster = f"recrawl-{n + 1:03d}"
        plans[host].append(Plan(host, "recrawl", origin.article, cluster=origin.cluster, origin=origin))
        clusters.append({"id": f"recrawl-{n + 1:03d}", "kind": "recrawl", "original": origin,
                         "copies": [plans[host][-1]]})

    # Number each site's pages in a seeded order, so specials are spread through the site.
    for site in site_list:
        if site.role == "mirror":
            continue
        site_plans = plans[site.host]
        rng.shuffle(site_plans)
        width = max(4, len(str(len(site_plans))))
        for number, plan in enumerate(site_plans, start=1):
            article = plan.article
            assert article is not None
            slug = _slug(article.headline or article.paragraphs[0])
            if plan.role == "recrawl":
                slug += "-amp"
            plan.id = f"{site.host}/{number:0{width}d}-{slug}"
            plan.number = number
    for site in site_list:
        if site.role == "mirror":
            continue
        for plan in sorted((p for p in plans[site.host] if p.role != "recrawl"), key=lambda p: p.id):
            render(plan, site, by_host, seed, plan.number)
        for plan in plans[site.host]:
            if plan.role == "recrawl":
                render(plan, site, by_host, seed, plan.number)

    # The mirror: some original pages of one regular site, byte for byte, under another host.
    mirrored = sorted(s.host for s in site_list if s.role == "regular")[rng.randrange(sites - 1)]
    source_site = by_host[mirrored]
    del by_host[mirror_site.host]
    mirror_site.host = mirrored.replace(".example", "-archive.example")
    mirror_site.name = f"{source_site.name} (archive)"
    by_host[mirror_site.host] = mirror_site
    mirror_site.mirror_of = mirrored  # a mirror serves the pages, so the template, of the site it copies
    mirror_site.header, mirror_site.inserts, mirror_site.footer = source_site.header, source_site.inserts, \
        source_site.footer
    mirror_site.separator = source_site.separator
    originals = sorted((p for p in plans[mirrored] if p.role == "original" and p.cluster is None),
                       key=lambda p: p.id)
    for n, origin in enumerate(sorted(rng.sample(originals, min(len(originals), max(3, pages // 5))),
                                      key=lambda p: p.id)):
        origin.cluster = f"mirror-{n + 1:03d}"
        copy = Plan(mirror_site.host, "mirror", origin.article, cluster=origin.cluster, origin=origin)
        copy.id = f"{mirror_site.host}/{origin.id.split('/', 1)[1]}"
        render(copy, mirror_site, by_host, seed, 0)
        plans[mirror_site.host].append(copy)
        clusters.append({"id": copy.cluster, "kind": "mirror", "original": origin, "copies": [copy]})

    for host in plans:
        plans[host].sort(key=lambda p: p.id)
    params = {"sites": sites, "pages": pages, "seed": seed, "big_site_pages": big_site_pages, "source": source}
    return Crawl(by_host, dict(plans), clusters, paraphrase_sets, params)


def _paraphrase_articles(set_id: str) -> list[Article]:
    return [Article(f"paraphrase:{set_id}:{i + 1}", "paraphrase", headline, list(paragraphs))
            for i, (headline, paragraphs) in enumerate(PARAPHRASE_SETS[set_id])]


def truth_of(crawl: Crawl, layout: str) -> dict[str, Any]:
    """The ground truth as a JSON-ready dict (see benchmarks/README.md for every field)."""
    documents = {}
    counts: Counter[str] = Counter()
    for plan in crawl.documents():
        assert plan.article is not None
        lines = []
        number = 1
        step = crawl.sites[plan.site].separator.count("\n")
        for line in plan.lines:
            entry: dict[str, Any] = {"line": number, "kind": line.kind, "text": line.text}
            if line.template:
                entry["template"] = line.template
                entry["variant"] = line.variant
            if line.what:
                entry["what"] = line.what
            lines.append(entry)
            counts[line.kind if line.kind != TEMPLATE else f"template-{line.variant}"] += 1
            number += step
        documents[plan.id] = {
            "site": plan.site, "url": _url(plan), "file": _file(plan, layout), "role": plan.role,
            "article": plan.article.id, "article_source": plan.article.source, "cluster": plan.cluster,
            "original": plan.origin.id if plan.origin is not None else None, "changes": plan.changes,
            "paraphrase_set": plan.paraphrase_set, "lines": lines,
        }
    pages_per_site = Counter(plan.site for plan in crawl.documents())
    clusters = [{"id": c["id"], "kind": c["kind"], "original": c["original"].id,
                 "members": sorted([c["original"].id] + [p.id for p in c["copies"]])} for c in crawl.clusters]
    paraphrases = [{"id": s["id"], "members": sorted(p.id for p in s["members"])} for s in crawl.paraphrase_sets]
    quotes = [{"site": s.host, "text": s.quote, "documents": sorted(p.id for p in crawl.pages[s.host])}
              for s in crawl.sites.values() if s.quote]
    return {
        "version": TRUTH_VERSION,
        "params": {**crawl.params, "layout": layout},
        "small_site_pages": SMALL_SITE_PAGES,
        "counts": {
            "sites": len(crawl.sites), "documents": len(documents),
            "documents_by_article_source": dict(sorted(Counter(d["article_source"] for d in documents.values()).items())),
            "syndicated_clusters": sum(c["kind"] == "syndicated" for c in clusters),
            "syndicated_copies": sum(len(c["members"]) - 1 for c in clusters if c["kind"] == "syndicated"),
            "recrawls": sum(c["kind"] == "recrawl" for c in clusters),
            "mirror_copies": sum(c["kind"] == "mirror" for c in clusters),
            "paraphrase_sets": len(paraphrases), "lines": dict(sorted(counts.items())),
        },
        "sites": {host: crawl.sites[host].to_json(pages_per_site[host]) for host in sorted(crawl.sites)},
        "clusters": clusters,
        "paraphrase_sets": paraphrases,
        "protected_quotes": quotes,
        "documents": documents,
    }


def _url(plan: Plan) -> str:
    return f"https://{plan.site}/news/{plan.id.split('/', 1)[1]}"


def _file(plan: Plan, layout: str) -> str:
    return f"{plan.id}.txt" if layout == "dirs" else "crawl.jsonl"


def write(crawl: Crawl, out: Path, truth_path: Path, layout: str = "dirs") -> dict[str, Any]:
    """Write the input tree under ``out`` and the truth to ``truth_path``; return the truth."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    if truth_path.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"the truth file must be outside the input tree {out}")
    out.mkdir(parents=True, exist_ok=True)
    if layout == "dirs":
        for plan in crawl.documents():
            path = out / f"{plan.id}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(plan.text.encode("utf-8"))
    else:
        with open(out / "crawl.jsonl", "wb") as f:
            for plan in crawl.documents():
                record = {"id": plan.id, "url": _url(plan), "text": plan.text}
                f.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    truth = truth_of(crawl, layout)
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_bytes(json.dumps(truth, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return truth


def generate(out: Path, *, sites: int = 12, pages: int = 60, seed: int = 1, big_site_pages: int = 100,
             layout: str = "dirs", source: str = "generated", truth_path: Path | None = None,
             gold_path: Path = DEFAULT_GOLD) -> dict[str, Any]:
    """Build and write a crawl; the truth goes to ``truth_path`` (default ``OUT-truth.json`` beside OUT)."""
    crawl = build(sites, pages, seed, big_site_pages, source, gold_path)
    return write(crawl, out, truth_path or default_truth_path(out), layout)


def default_truth_path(out: Path) -> Path:
    return out.parent / f"{out.name}-truth.json"


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def _key(text: str) -> str:
    return _norm(text).casefold()


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _match_ids(records: list[dict[str, Any]], documents: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Truth id -> record. A record's id is the truth id, or a file path ending in ``<host>/<page>.txt``."""
    matched: dict[str, dict[str, Any]] = {}
    for record in records:
        rid = str(record.get("id", ""))
        for candidate in (rid, rid.removesuffix(".txt"), "/".join(rid.removesuffix(".txt").split("/")[-2:])):
            if candidate in documents:
                matched[candidate] = record
                break
    return matched


def kept_lines(record: dict[str, Any], truth_lines: list[dict[str, Any]]) -> list[bool]:
    """For each truth line, whether it survives in the record's output (``title`` and the lines of ``text``).

    A truth line is kept when an output line has the same text (whitespace and case aside), or when an
    output line that is part of it covers at least half of it (a rule trimmed a prefix or suffix). Each
    output line answers for one truth line only, so a line that was on the page twice must be there twice."""
    outputs = [line for line in str(record.get("text") or "").split("\n") if line.strip()]
    if record.get("title"):
        outputs.insert(0, str(record["title"]))
    pool = Counter(_key(line) for line in outputs)
    kept = [False] * len(truth_lines)
    for i, line in enumerate(truth_lines):
        key = _key(line["text"])
        if pool[key] > 0:
            pool[key] -= 1
            kept[i] = True
    rest = [k for k, n in pool.items() for _ in range(n) if k]
    for i, line in enumerate(truth_lines):
        if kept[i]:
            continue
        key = _key(line["text"])
        for j, out in enumerate(rest):
            if out and out in key and len(out) * 2 >= len(key):
                kept[i] = True
                rest[j] = ""
                break
    return kept


def score(records: Iterable[dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    """Compare boilerstrip's records of a crawl with its truth. Every figure is defined in benchmarks/README.md.

    Works on records without ``duplicate_of`` (nothing marked: duplicate recall 0, precision None)."""
    documents: dict[str, Any] = truth["documents"]
    sites = truth["sites"]
    records = list(records)
    matched = _match_ids(records, documents)
    tally: Counter[str] = Counter()
    per_site: dict[str, Counter[str]] = defaultdict(Counter)
    by_rule: Counter[str] = Counter()
    for doc_id in sorted(matched):
        record, doc = matched[doc_id], documents[doc_id]
        small = sites[doc["site"]]["small"]
        removed_rules = {entry.get("line"): entry.get("rule") for entry in record.get("removed") or []}
        for line, kept in zip(doc["lines"], kept_lines(record, doc["lines"]), strict=True):
            kind = line["kind"]
            if kind == TEMPLATE:
                group = "small_template" if small else f"template_{line['variant']}"
                tally[f"{group}_lines"] += 1
                tally[f"{group}_removed"] += not kept
                per_site[doc["site"]]["template_lines"] += 1
                per_site[doc["site"]]["template_removed"] += not kept
                if not kept and not small:
                    by_rule[removed_rules.get(line["line"]) or "(not in removed)"] += 1
            elif kind in (ARTICLE, HEADLINE, QUOTE):
                tally[f"{kind}_lines"] += 1
                tally[f"{kind}_kept"] += kept
                per_site[doc["site"]][f"{kind}_lines"] += 1
                per_site[doc["site"]][f"{kind}_kept"] += kept
            else:
                tally["boilerplate_lines"] += 1
                tally["boilerplate_removed"] += not kept

    template_lines = sum(tally[f"template_{v}_lines"] for v in ("exact", "partial", "varying"))
    template_removed = sum(tally[f"template_{v}_removed"] for v in ("exact", "partial", "varying"))
    result: dict[str, Any] = {
        "documents": len(documents),
        "records_matched": len(matched),
        "records_unknown": len(records) - len(matched),
        "template_lines": template_lines,
        "template_removed": _share(template_removed, template_lines),
        **{f"template_removed_{v}": _share(tally[f"template_{v}_removed"], tally[f"template_{v}_lines"])
           for v in ("exact", "partial", "varying")},
        "template_removed_by_rule": dict(sorted(by_rule.items())),
        "small_site_template_lines": tally["small_template_lines"],
        "small_site_template_removed": _share(tally["small_template_removed"], tally["small_template_lines"]),
        "article_paragraphs": tally["article_lines"],
        "article_kept": _share(tally["article_kept"], tally["article_lines"]),
        "headlines": tally["headline_lines"],
        "headlines_kept": _share(tally["headline_kept"], tally["headline_lines"]),
        "quote_lines": tally["quote_lines"],
        "quotes_kept": _share(tally["quote_kept"], tally["quote_lines"]),
        "boilerplate_lines": tally["boilerplate_lines"],
        "boilerplate_removed": _share(tally["boilerplate_removed"], tally["boilerplate_lines"]),
    }
    result.update(_score_duplicates(matched, truth))
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for host, c in per_site.items():
        roles[sites[host]["role"]].update(c)
    result["per_role"] = {
        role: {
            "template_removed": _share(c["template_removed"], c["template_lines"]),
            "article_kept": _share(c["article_kept"], c["article_lines"]),
            "quotes_kept": _share(c["quote_kept"], c["quote_lines"]),
        }
        for role, c in sorted(roles.items())
    }
    result["per_site"] = {
        host: {
            "role": sites[host]["role"], "pages": sites[host]["pages"],
            "template_removed": _share(c["template_removed"], c["template_lines"]),
            "article_kept": _share(c["article_kept"], c["article_lines"]),
            "quotes_kept": _share(c["quote_kept"], c["quote_lines"]),
        }
        for host, c in sorted(per_site.items())
    }
    return result


def _score_duplicates(matched: dict[str, dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    cluster_of = {m: c["id"] for c in truth["clusters"] for m in c["members"]}
    kind_of = {c["id"]: c["kind"] for c in truth["clusters"]}
    ids = {str(r.get("id")): doc_id for doc_id, r in matched.items()}  # a record's own id -> truth id

    def resolve(value: Any) -> str | None:
        if value in (None, "", False):
            return None
        if str(value) in ids:
            return ids[str(value)]
        return next(iter(_match_ids([{"id": str(value)}], truth["documents"])), None)

    marked = correct = 0
    correct_in: Counter[str] = Counter()
    marked_in: Counter[str] = Counter()
    for doc_id, record in sorted(matched.items()):
        if record.get("duplicate_of") in (None, "", False):
            continue
        dup = resolve(record.get("duplicate_of"))
        marked += 1
        cluster = cluster_of.get(doc_id)
        if cluster is not None:
            marked_in[cluster] += 1
        if cluster is not None and dup is not None and dup != doc_id and cluster_of.get(dup) == cluster:
            correct += 1
            correct_in[cluster] += 1
    expected: Counter[str] = Counter()
    found: Counter[str] = Counter()
    fully_marked = 0
    for c in truth["clusters"]:
        members = [m for m in c["members"] if m in matched]
        if len(members) < 2:
            continue
        expected[c["kind"]] += len(members) - 1
        found[c["kind"]] += min(correct_in[c["id"]], len(members) - 1)
        fully_marked += marked_in[c["id"]] >= len(members)

    def marked_among(members: Iterable[str]) -> int:
        return sum(1 for m in members if m in matched and matched[m].get("duplicate_of") not in (None, "", False))

    paraphrase_members = [m for s in truth["paraphrase_sets"] if s["id"] != "seeds" for m in s["members"]]
    seed_members = [m for s in truth["paraphrase_sets"] if s["id"] == "seeds" for m in s["members"]]
    return {
        "duplicates_expected": sum(expected.values()),
        "duplicates_marked": marked,
        "duplicates_correct": correct,
        "duplicate_precision": _share(correct, marked),
        "duplicate_recall": _share(sum(found.values()), sum(expected.values())),
        "duplicate_recall_by_kind": {k: _share(found[k], expected[k]) for k in sorted(set(kind_of.values()))},
        "clusters_fully_marked": fully_marked,
        "paraphrases_marked": marked_among(paraphrase_members),
        "seeds_marked": marked_among(seed_members),
    }


def read_records(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Records from JSONL files (``.gz`` too) or batch output directories (their ``part-*.jsonl[.gz]``)."""
    for path in paths:
        files = sorted(path.glob("part-*.jsonl*")) if path.is_dir() else [path]
        for file in files:
            opener = gzip.open if file.suffix == ".gz" else open
            with opener(file, "rt", encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", help="the input tree to write (must not exist or be empty)")
    parser.add_argument("--sites", type=int, default=12, help="regular sites, one of them the quote site (default 12)")
    parser.add_argument("--pages", type=int, default=60, help="pages of each regular site (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--big-site-pages", type=int, default=100,
                        help="pages of the one big site; 0: none (default 100; 2000 for the benchmark)")
    parser.add_argument("--layout", choices=["dirs", "jsonl"], default="dirs",
                        help="dirs: OUT/<host>/<page>.txt; jsonl: OUT/crawl.jsonl with id, url, text")
    parser.add_argument("--source", choices=["gold", "generated"], default="gold",
                        help="article text: the wceb-dev gold texts (then generated ones when they run out), "
                             "or generated prose only")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold.json (default {DEFAULT_GOLD})")
    parser.add_argument("--truth", type=Path, help="where the truth goes (default OUT-truth.json beside OUT)")
    parser.add_argument("--score", type=Path, nargs="+", metavar="RECORDS",
                        help="score boilerstrip's records (JSONL files or batch output directories) against --truth")
    args = parser.parse_args(argv)
    if args.score:
        if not args.truth:
            parser.error("--score needs --truth")
        truth = json.loads(args.truth.read_text(encoding="utf-8"))
        print(json.dumps(score(read_records(args.score), truth), indent=1))
        return 0
    if args.out is None:
        parser.error("OUT is required (or --score)")
    if args.source == "gold" and not args.gold.exists():
        print(f"crawl: skipped, no gold texts at {args.gold} (the shared wceb-dev set is absent); "
              "--source generated needs no shared data", file=sys.stderr)
        return 0
    try:
        truth = generate(args.out, sites=args.sites, pages=args.pages, seed=args.seed,
                         big_site_pages=args.big_site_pages, layout=args.layout, source=args.source,
                         truth_path=args.truth, gold_path=args.gold)
    except (ValueError, FileExistsError) as e:
        parser.error(str(e))
    counts = truth["counts"]
    seed_sites = {truth["documents"][m]["site"] for s in truth["paraphrase_sets"] if s["id"] == "seeds"
                  for m in s["members"]}
    if counts["syndicated_clusters"] < 2 or not counts["recrawls"] or not counts["mirror_copies"] \
            or len(seed_sites) < 5:
        print("crawl: note: too small for every case (two syndicated stories, a re-crawl, a mirror, the seeds on "
              "five sites); 4 sites of 6 pages and a big site are enough", file=sys.stderr)
    print(f"wrote {counts['documents']} documents of {counts['sites']} sites under {args.out} "
          f"({args.layout}); truth: {args.truth or default_truth_path(args.out)}")
    print(json.dumps(counts, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
