"""The run report (``report.html``): counted in :mod:`pipeline.report.stats`, drawn in
:mod:`pipeline.report.render` (matplotlib is imported there only)."""

from __future__ import annotations

from pathlib import Path

from pipeline.io.writers import open_output
from pipeline.report.stats import RunStats

__all__ = ["RunStats", "write_report"]


def write_report(target: str | Path, stats: RunStats, title: str, subtitle: str = "") -> None:
    """Write the report page to ``target``, complete or not at all (as every output)."""
    from pipeline.report.render import render_html

    page = render_html(stats, title, subtitle)
    with open_output(target) as out:
        out.write(page)
