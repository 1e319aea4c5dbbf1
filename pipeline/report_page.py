"""The report page's parts: style, summary with inline SVG charts, and the script that renders
the articles from the JSON blob between :func:`page_start` and :func:`page_end` (the style
and the script are ``pipeline/data/report.css`` and ``report.js``).

Nothing here refers to anything outside the page. Article text reaches the page only as JSON
and the script puts it in with ``textContent``, never as markup, so a page that held markup
in its text cannot run anything in the report.
"""

from __future__ import annotations

import functools
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.kinds import Kind

REPORT_NAME = "report.html"  # in the output folder, unless asked for elsewhere

if TYPE_CHECKING:
    from pipeline.report import Summary

# One colour per kind, for the marks and the charts (readable as text backgrounds, too).
KIND_COLOURS = {
    Kind.TITLE: "#8e8e8e",
    Kind.CAPTION: "#d9822b",
    Kind.APPEAL: "#c23b3b",
    Kind.LANGUAGE: "#2b7bd9",
    Kind.TRAILER: "#7b4fc2",
    Kind.TEASER: "#2f9e6e",
    Kind.PROMPT: "#b5a21b",
    Kind.BYLINE: "#c2418f",
    Kind.TEMPLATE: "#4f8a9a",
}
OTHER_COLOUR = "#666666"
TOP_RULES = 20  # bars in the by-rule chart; the rest are summed in one
TOP_FAILURES = 50  # failures listed in the summary; the run report has them all
BAR_WIDTH, LABEL_WIDTH, ROW_HEIGHT = 150, 165, 16


def kind_css() -> str:
    """A class per kind: the removed line's left border and tint, and its label."""
    rules = []
    for kind, colour in KIND_COLOURS.items():
        rules.append(f".rm.k-{kind}{{border-left-color:{colour};background:{colour}1a}}")
        rules.append(f".bg-{kind}{{background:{colour}}}")
    return "\n".join(rules)


def bar_chart(title: str, rows: list[tuple[str, int, str]]) -> str:
    """A horizontal bar chart as inline SVG: one row per ``(label, value, colour)``.

    >>> "<svg" in bar_chart("t", [("caption", 3, "#000")])
    True
    """
    if not rows:
        return f'<div class="chart"><h2>{escape(title)}</h2><p>none</p></div>'
    top = max(value for _, value, _ in rows) or 1
    height = ROW_HEIGHT * len(rows) + 4
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="{escape(title)}">']
    for row, (label, value, colour) in enumerate(rows):
        y = row * ROW_HEIGHT + 2
        bar = max(1, round(BAR_WIDTH * value / top)) if value else 0
        short = label if len(label) <= 28 else label[:27] + "…"
        parts += [
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 11}" text-anchor="end">{escape(short)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{ROW_HEIGHT - 4}" '
            f'fill="{colour}"><title>{escape(label)}: {value:,}</title></rect>',
            f'<text x="{LABEL_WIDTH + bar + 4}" y="{y + 11}">{value:,}</text>',
        ]
    parts.append("</svg>")
    return f'<div class="chart"><h2>{escape(title)}</h2>{"".join(parts)}</div>'


def kind_colour(kind: str) -> str:
    """A kind's colour; grey for anything else."""
    return next((c for k, c in KIND_COLOURS.items() if k == kind), OTHER_COLOUR)


def charts(summary: Summary, run: dict[str, Any] | None) -> str:
    """Removals by kind and by rule, the share of text kept, flags, and the run's files."""
    kinds = [(k, n, kind_colour(k)) for k, n in sorted(summary.by_kind.items())]
    ranked = sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0]))
    colours = {rule: kind_colour(kind) for rule, kind in summary.rule_kinds.items()}
    rules = [(rule, n, colours[rule]) for rule, n in ranked[:TOP_RULES]]
    if len(ranked) > TOP_RULES:
        rest = ranked[TOP_RULES:]
        rules.append((f"{len(rest)} other rules", sum(n for _, n in rest), OTHER_COLOUR))
    bins = len(summary.kept_share)
    shares = [
        (f"{i * 100 // bins}–{(i + 1) * 100 // bins}% kept", n, "#4a7fb5")
        for i, n in enumerate(summary.kept_share)
    ]
    flags = [(flag, n, "#b5651d") for flag, n in sorted(summary.flags.items())]
    parts = [
        bar_chart("Removals by kind", kinds),
        bar_chart("Removals by rule", rules),
        bar_chart("Articles by share of text kept", shares),
        bar_chart("Flags", flags),
    ]
    if run is not None:
        files = run.get("files", {})
        colours = {"cleaned": "#2f9e6e", "skipped": "#8e8e8e", "failed": "#c23b3b"}
        rows = [(name, int(files.get(name, 0)), colour) for name, colour in colours.items()]
        parts.append(bar_chart("Files in this run", rows))
    return f'<div class="charts">{"".join(parts)}</div>'


def tiles(summary: Summary, run: dict[str, Any] | None) -> str:
    kept = f"{summary.chars_out / summary.chars_in:.1%}" if summary.chars_in else "–"
    values = [
        ("articles", f"{summary.articles:,}"),
        ("removed lines and elements", f"{summary.removals:,}"),
        ("characters kept", f"{summary.chars_out:,} of {summary.chars_in:,} ({kept})"),
        ("flagged articles", f"{summary.flagged:,}"),
    ]
    if run is not None:
        values.append(("failed files", f"{run.get('files', {}).get('failed', 0):,}"))
    cells = "".join(
        f'<div class="tile">{escape(label)}<b>{escape(v)}</b></div>' for label, v in values
    )
    return f'<div class="tiles">{cells}</div>'


def failures(run: dict[str, Any] | None) -> str:
    listed = (run or {}).get("failures") or []
    if not listed:
        return ""
    items = "".join(
        f"<li>{escape(f.get('path', ''))}: {escape(f.get('error', ''))}</li>"
        for f in listed[:TOP_FAILURES]
    )
    more = f"<p>and {len(listed) - TOP_FAILURES} more (see the run report)</p>"
    tail = more if len(listed) > TOP_FAILURES else ""
    return f'<div class="fail"><h2>Failures ({len(listed)})</h2><ul>{items}</ul>{tail}</div>'


def heading(run: dict[str, Any] | None, folder: str) -> str:
    """The page's title line: the folder, and the run when there is one."""
    text = f"article-clean report: {folder}"
    if run is not None:
        when = f"{run.get('started', '')}, {run.get('seconds', 0)} s"
        text += f" (flow run {run.get('run_name', '')}, {when})"
    return f"<h1>{escape(text)}</h1>"


def page_start(summary: Summary, run: dict[str, Any] | None, folder: str) -> str:
    """Everything before the articles' JSON blob."""
    legend = "".join(f'<span class="bg-{k}">{k}</span>' for k in KIND_COLOURS)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="generator" content="article-clean {__version__}">'
        f"<title>article-clean report: {escape(folder)}</title>"
        f"<style>{asset('report.css')}{kind_css()}</style></head><body><header>"
        f"{heading(run, folder)}{tiles(summary, run)}{charts(summary, run)}{failures(run)}"
        '</header><main><div class="controls">'
        '<input type="search" id="q" placeholder="search text, title or file">'
        '<select id="kind"><option value="">any kind</option></select>'
        '<select id="rule"><option value="">any rule</option></select>'
        '<select id="flag"><option value="">any flag</option></select>'
        '<label><input type="checkbox" id="only"> removed lines only</label>'
        f'<span class="legend">{legend}</span></div>'
        '<div id="count" class="pager"></div><div id="list"></div>'
        '<div class="pager"><button id="prev">previous</button> '
        '<button id="next">next</button></div></main>'
        '<script type="application/json" id="data">'
    )


def page_end() -> str:
    """Everything after the articles' JSON blob."""
    return f"</script><script>{asset('report.js')}</script></body></html>\n"


@functools.cache
def asset(name: str) -> str:
    """The page's style sheet or script, kept beside the rules as package data."""
    return resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")
