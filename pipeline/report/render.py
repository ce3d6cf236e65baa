"""The run report as one self-contained HTML page: tables, and charts as inline SVG.

The charts are drawn with matplotlib's SVG backend (no pyplot, no Agg, no
display), imported here only, when a report is asked for: ``boilerstrip clean``
without ``--report`` never loads it. The page has no script, no stylesheet or
font to fetch and no image file: it opens the same offline, from a mail
attachment or an archive. Every text from the run (rule ids, sources, removed
lines, reasons) is HTML-escaped.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from typing import Any

from pipeline.report.stats import LENGTH_BINS, SAMPLE_CHARS, SAMPLES_PER_RULE, RunStats, bin_label

#: Bars shown per chart; the rest are summed into one "other" bar.
TOP_BARS = 25
#: The rules (the most productive first) whose samples are shown unfolded.
OPEN_SAMPLES = 3
_KEPT, _REMOVED, _MODEL, _MUTED = "#2b6cb0", "#c05621", "#6b46c1", "#718096"


def _svg(figure: Any) -> str:
    """A figure as an inline ``<svg>`` element (no XML prolog, no creation date)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(rows: int) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(7.5, max(1.6, 0.26 * rows + 0.8)))


def _top(counts: dict[str, float], limit: int = TOP_BARS) -> list[tuple[str, float]]:
    """The ``limit`` largest items, largest first, and the rest summed as "other"."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) <= limit:
        return ranked
    rest = sum(value for _, value in ranked[limit - 1:])
    return [*ranked[: limit - 1], (f"other ({len(ranked) - limit + 1})", rest)]


def _bars(items: Sequence[tuple[str, float]], xlabel: str, colors: Sequence[str] | None = None,
          value_format: str = "{:,.0f}") -> str:
    """A horizontal bar chart, first item on top, each bar labelled with its value."""
    if not items:
        return '<p class="none">nothing to show</p>'
    figure = _figure(len(items))
    axes = figure.subplots()
    labels = [label for label, _ in items][::-1]
    values = [value for _, value in items][::-1]
    bars = axes.barh(labels, values, color=list(colors)[::-1] if colors else _KEPT)
    axes.bar_label(bars, labels=[value_format.format(v) for v in values], padding=3, fontsize=8)
    axes.set_xlabel(xlabel)
    axes.margins(x=0.15)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure)


def _histogram(before: dict[int, int], after: dict[int, int]) -> str:
    """Documents per length bin, before and after cleaning, side by side."""
    used = [i for i in range(len(LENGTH_BINS)) if before.get(i) or after.get(i)]
    if not used:
        return '<p class="none">nothing to show</p>'
    shown = range(used[0], used[-1] + 1)
    figure = _figure(8)
    axes = figure.subplots()
    positions = list(range(len(shown)))
    width = 0.4
    axes.bar([p - width / 2 for p in positions], [before.get(i, 0) for i in shown], width, label="before",
             color=_MUTED)
    axes.bar([p + width / 2 for p in positions], [after.get(i, 0) for i in shown], width, label="after",
             color=_KEPT)
    axes.set_xticks(positions, [bin_label(i) for i in shown], rotation=30, ha="right")
    axes.set_xlabel("characters of text")
    axes.set_ylabel("documents")
    axes.legend(frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure)


def _table(rows: Sequence[tuple[str, str]], head: tuple[str, str] | None = None) -> str:
    header = f"<tr><th>{html.escape(head[0])}</th><th>{html.escape(head[1])}</th></tr>" if head else ""
    body = "".join(f"<tr><td>{html.escape(a)}</td><td class=num>{html.escape(b)}</td></tr>" for a, b in rows)
    return f"<table>{header}{body}</table>"


def _throughput(stats: RunStats) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    cleaning = sum(stats.stage_seconds.values())
    if stats.wall_seconds:
        rows.append(("wall-clock time", f"{stats.wall_seconds:,.2f} s"))
        rows.append(("documents per second", f"{stats.inputs / stats.wall_seconds:,.1f}"))
        if stats.input_bytes:
            rows.append(("MB of input per second", f"{stats.input_bytes / 1e6 / stats.wall_seconds:,.2f}"))
    if cleaning:
        rows.append(("time in the stages (all processes)", f"{cleaning:,.2f} s"))
        rows.append(("documents per stage-second", f"{stats.inputs / cleaning:,.1f}"))
        if stats.input_bytes:
            rows.append(("MB of input per stage-second", f"{stats.input_bytes / 1e6 / cleaning:,.2f}"))
    return rows


def _samples(stats: RunStats) -> str:
    parts = []
    for rank, (rule, _) in enumerate(sorted(stats.removed_lines.items(), key=lambda item: (-item[1], item[0]))):
        lines = stats.samples.get(rule, [])
        items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
        parts.append(f"<details{' open' if rank < OPEN_SAMPLES else ''}><summary><b>{html.escape(rule)}</b>: {stats.removed_lines[rule]:,} lines"
                     f"; {len(lines)} distinct shown</summary><ul>{items}</ul></details>")
    return "".join(parts) or '<p class="none">no line was removed</p>'


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #1a202c; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #e2e8f0; }
table { border-collapse: collapse; margin: .5em 0; } td, th { padding: .15em .8em; border-bottom: 1px solid #edf2f7; }
th { text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg { max-width: 100%; height: auto; display: block; }
.none { color: #718096; } .grid { display: flex; flex-wrap: wrap; gap: 2em; }
details { margin: .3em 0; } code { white-space: pre-wrap; word-break: break-word; font-size: .9em; }
"""


def render_html(stats: RunStats, title: str, subtitle: str = "") -> str:
    """The report page for ``stats``."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "boilerstrip", "font.size": 9,
                                "font.family": "sans-serif"}):
        return _page(stats, title, subtitle)


def _page(stats: RunStats, title: str, subtitle: str) -> str:
    outcomes = [("kept (records written)", stats.kept),
                *((f"rejected: {reason}", n) for reason, n in sorted(stats.rejected.items())),
                *((f"left out by a filter: {reason}", n) for reason, n in sorted(stats.filtered.items())),
                ("duplicates dropped", stats.duplicates_dropped)]
    outcome_colors = [_KEPT, *([_REMOVED] * len(stats.rejected)), *([_MUTED] * len(stats.filtered)), _MUTED]
    counts = [("documents in", f"{stats.inputs:,}"), ("kept", f"{stats.kept:,}"),
              ("rejected", f"{sum(stats.rejected.values()):,}"),
              ("left out by filters", f"{sum(stats.filtered.values()):,}"),
              ("duplicates marked", f"{stats.duplicates_marked:,}"),
              ("duplicates dropped", f"{stats.duplicates_dropped:,}"),
              ("lines removed", f"{sum(stats.removed_lines.values()):,}"),
              ("share of text removed", f"{100 * stats.removed_share:.1f}%")]
    rules = _top(dict(stats.removed_lines))
    rule_colors = [_MODEL if rule == "line-model" else _REMOVED for rule, _ in rules]
    sources = sorted(stats.sources.items(), key=lambda item: (-item[1].before, item[0]))[:TOP_BARS]
    shares = [(f"{name} ({chars.documents:,} docs)", 100 * chars.removed_share) for name, chars in sources]
    stages = [(stage, seconds) for stage, seconds in stats.stage_seconds.items()]
    sections = [
        ("Documents", _table(counts) + _bars([(label, n) for label, n in outcomes if n], "documents", [
            color for (_, n), color in zip(outcomes, outcome_colors, strict=True) if n])),
        ("Lines removed per rule", "<p>The line model's removals are the purple bar (<code>line-model</code>); "
         "<code>template-line</code> are a source's recurring lines (corpus pass).</p>"
         + _bars(rules, "lines removed", rule_colors)),
        ("Document lengths", "<p>Before: the text the rules saw (kept and removed lines); after: the record's "
         "text.</p>" + _histogram(stats.length_before, stats.length_after)),
        ("Languages", _bars(_top(dict(stats.languages), 15), "documents")),
        ("Text removed per source", f"<p>The {len(sources)} largest of {len(stats.sources):,} sources "
         "(URL host, else input directory), by characters before cleaning.</p>"
         + _bars(shares, "% of characters removed", value_format="{:.1f}%")),
        ("Throughput and time per stage", _table(_throughput(stats))
         + _bars(stages, "seconds (summed over processes)", value_format="{:,.2f} s")),
        ("Removed lines, for spot-checking", f"<p>The first {SAMPLES_PER_RULE} distinct lines each rule removed (at most "
         f"{SAMPLE_CHARS} characters of each), as they were removed.</p>" + _samples(stats)),
    ]
    body = "".join(f"<section><h2>{html.escape(name)}</h2>{content}</section>" for name, content in sections)
    return (f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'><style>{_STYLE}</style></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>{body}</body></html>\n")
