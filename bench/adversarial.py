"""Cost on hostile input grows linearly (``make bench-adversarial``).

Two parts, each at a size N and at 10N, reporting the ratio of times (10 means linear time,
100 would be quadratic):

1. Every rule's regex, on lines built to make a backtracking engine work: runs of each
   character its pattern names and of letters, digits and punctuation; each of its examples
   repeated, cut short by one character, halved; and an example's first half followed by a long
   run. Lines are normalised as the repair stage leaves them (no runs of spaces), since that is
   all a pattern ever sees. N is 10,000 characters, 10N the issue's 100,000.
2. Whole documents through ``clean_bytes``: one long line, many lines, a caption repeated line
   after line (the chain that made the revise pass quadratic before its round cap), a nested
   credit, boilerplate on every line, mixed encodings, English and German lines interleaved
   (langdetect on every other line), HTML with many paragraphs and HTML nested deep.
3. The hard time limit (issue 17): a legal page just under the size limit, 200,000 ``<p>``
   (9.7 MB), whose extraction alone runs for minutes, cleaned by the real command beside a
   small text with ``--max-seconds`` (default 60): the page is stopped at the limit (and the
   2 s of grace), the text is cleaned, and the whole run's wall time shows it.

A benchmark, not a test: timings on a shared machine are noisy, so the numbers go in notes and
the README, never into assertions. Each time is the best of several runs.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipeline import clean_bytes, load_rules
from pipeline.errors import CleaningError
from pipeline.limits import Limits
from pipeline.rules import Rule

LINE_N = 10_000
DOC_N = 50_000
CHARS = "aA1 .,:;-/|()[]'’\"é&?!#"
SPACES = re.compile(r"\s+")
NO_LIMITS = Limits(max_bytes=1 << 30, max_seconds=1e9)
MIN_ROUND_SECONDS = 0.005
SUSPECTS = 5  # the worst ratios are measured again at 100N, to see the trend


def best_time(run: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def search_time(pattern: re.Pattern[str], line: str, repeats: int) -> float:
    """Seconds for one search of ``line``: the best of ``repeats`` rounds, each round enough
    searches to last a few milliseconds (a single short search is below the timer's noise)."""
    single = best_time(lambda: pattern.search(line), 3)
    loops = min(1000, math.ceil(MIN_ROUND_SECONDS / max(single, 1e-7)))

    def run() -> None:
        for _ in range(loops):
            pattern.search(line)

    return best_time(run, repeats) / loops


def fill(unit: str, size: int) -> str:
    """``unit`` repeated to exactly ``size`` characters, whitespace as repair leaves it."""
    if not unit:
        unit = "a"
    return SPACES.sub(" ", (unit * (size // len(unit) + 1))[:size])


def line_families(rule: Rule, size: int) -> dict[str, str]:
    """Lines meant to make ``rule``'s pattern backtrack, each ``size`` characters long."""
    pattern = rule.pattern.pattern if rule.pattern is not None else ""
    named = {c for c in pattern if not c.isalnum() and c not in "\\^$*+?{}" and c.isprintable()}
    lines = {f"run {c!r}": fill(c, size) for c in sorted(set(CHARS) | named)}
    lines["words"] = fill("word ", size)
    examples = [e.split("\n")[0] for e in (*rule.examples_match, *rule.examples_no_match)]
    for index, example in enumerate(examples[:6]):
        lines[f"example {index} repeated"] = fill(example, size)
        lines[f"example {index} spaced"] = fill(example + " ", size)
        lines[f"example {index} cut short"] = fill(example[:-1], size)
        lines[f"example {index} halved"] = fill(example[: max(len(example) // 2, 1)], size)
        head = example[: max(len(example) // 2, 1)]
        lines[f"example {index} head + run"] = head + fill("a", size - len(head))
    return lines


def bench_rules(repeats: int) -> list[tuple[str, str, float, float]]:
    """(rule, family, seconds at N, seconds at 10N) for every family of every pattern rule."""
    rows = []
    for rule in load_rules().rules:
        if rule.pattern is None:
            continue
        small, large = line_families(rule, LINE_N), line_families(rule, 10 * LINE_N)
        for family, line in small.items():
            t_small = search_time(rule.pattern, line, repeats)
            t_large = search_time(rule.pattern, large[family], repeats)
            rows.append((rule.id, family, t_small, t_large))
    return rows


ENGLISH = "Russia promised on Tuesday to scale down military operations around Kyiv, he said.\n"
GERMAN = "Die Regierung erklärte am Dienstag, dass die Gespräche weitergehen sollen.\n"


def documents(size: int) -> dict[str, tuple[bytes, str]]:
    """Hostile documents of about ``size`` bytes, with their format."""
    caption = "Soldiers near Kyiv (Photo: Reuters)\n" + "Soldiers near Kyiv\n" * (size // 19)
    mixed = "Plain “quoted” line.\n".encode() + "Caf\xe9 cr\xe8me line.\n".encode("cp1252")
    paragraphs = "<p>" + ENGLISH.strip() + "</p>"
    # Each post alone in its widget, beside a paragraph: every one is lifted (pipeline.embeds).
    post = (
        '<div class="embed"><blockquote class="twitter-tweet"><p>Kyiv, he said.</p>'
        "&mdash; A (@a)</blockquote></div>" + paragraphs
    )
    return {
        "one long line": (fill("the quick brown fox ", size).encode(), "text"),
        "many lines": ((ENGLISH * (size // len(ENGLISH))).encode(), "text"),
        "caption repeated": (("Body text of the story.\n\n" + caption).encode(), "text"),
        "nested credit": (("(A" + "/A" * (size // 2)).encode(), "text"),
        "boilerplate lines": (b"Share this\nPhoto: Reuters\n" * (size // 26), "text"),
        "mixed encodings": (mixed * (size // len(mixed)), "text"),
        "English and German": (((ENGLISH + GERMAN) * (size // 160)).encode(), "text"),
        "html paragraphs": (
            ("<html><body>" + paragraphs * (size // len(paragraphs))).encode(),
            "html",
        ),
        "html nested deep": (b"<div>" * (size // 5) + b"<p>Deep.</p>", "html"),
        "html embedded posts": (
            ("<html><body><article>" + post * (size // len(post))).encode(),
            "html",
        ),
    }


def clean_time(data: bytes, fmt: str, repeats: int) -> float:
    """Seconds to clean ``data`` (best of ``repeats``); a clear refusal counts as an outcome."""

    def run() -> None:
        with contextlib.suppress(CleaningError):
            clean_bytes(data, source_id="bench", fmt=fmt, limits=NO_LIMITS)

    return best_time(run, repeats)


def bench_documents(repeats: int) -> list[tuple[str, int, float, float]]:
    """(case, bytes at N, seconds at N, seconds at 10N) for every hostile document."""
    small, large = documents(DOC_N), documents(10 * DOC_N)
    clean_time(*small["html paragraphs"], 1)  # warm-up: langdetect profiles, trafilatura
    rows = []
    for name, (data, fmt) in small.items():
        t_small = clean_time(data, fmt, repeats)
        t_large = clean_time(large[name][0], fmt, max(repeats - 1, 1))
        rows.append((name, len(data), t_small, t_large))
    return rows


def print_rules(rows: list[tuple[str, str, float, float]], repeats: int) -> None:
    """The worst ratios, each measured again at 100N: a linear search keeps a ratio near 10."""
    print(f"regexes: {len(rows)} lines over {len({r[0] for r in rows})} rules, "
          f"{LINE_N:,} / {10 * LINE_N:,} / {100 * LINE_N:,} characters")  # fmt: skip
    print(f"{'rule':30} {'line':24} {'N':>8} {'10N':>8} {'100N':>8} {'10N/N':>6} {'100N/10N':>8}")
    rules = {rule.id: rule for rule in load_rules().rules}
    worst = sorted(rows, key=lambda r: r[3] / max(r[2], 1e-9), reverse=True)
    for rule_id, family, t_small, t_large in worst[:SUSPECTS]:
        rule = rules[rule_id]
        assert rule.pattern is not None
        t_huge = search_time(rule.pattern, line_families(rule, 100 * LINE_N)[family], repeats)
        times = " ".join(f"{t * 1e3:6.2f}ms" for t in (t_small, t_large, t_huge))
        print(f"{rule_id:30} {family[:24]:24} {times} {t_large / t_small:6.1f} "
              f"{t_huge / t_large:8.1f}")  # fmt: skip
    ratios = sorted(r[3] / max(r[2], 1e-9) for r in rows)
    print(f"10N/N over all lines: median {ratios[len(ratios) // 2]:.1f}, max {ratios[-1]:.1f}")
    rule_id, family, _, t_large = max(rows, key=lambda r: r[3])
    print(f"slowest search at 10N: {rule_id} on '{family}', {t_large * 1e3:.2f} ms")


HUGE_PARAGRAPHS = 200_000


def huge_page() -> bytes:
    """A legal page just under the 10 MiB size limit: a few hundred thousand ``<p>``."""
    body = "".join(
        f"<p>Paragraph {i} of the story says little.</p>" for i in range(HUGE_PARAGRAPHS)
    )
    return f"<html><body><article>{body}</article></body></html>".encode()


def bench_time_limit(limit: float) -> None:
    """The huge page and a small text through the real command with ``--max-seconds``."""
    cli = str(Path(sys.executable).with_name("article-clean"))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp, "raw")
        raw.mkdir()
        page = huge_page()
        (raw / "huge.html").write_bytes(page)
        (raw / "story.txt").write_bytes(ENGLISH.encode())
        start = time.perf_counter()
        result = subprocess.run(
            [cli, "clean", str(raw), "--out", str(Path(tmp, "out")), "--max-seconds", f"{limit:g}"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - start
    failed = [line for line in result.stderr.splitlines() if "failed:" in line]
    print(f"\ntime limit: a page of {HUGE_PARAGRAPHS:,} <p> ({len(page) / 1e6:.1f} MB) and a text,")
    print(f"--max-seconds {limit:g}: whole run {wall:.1f} s, exit status {result.returncode}")
    for line in failed:
        print("  " + line.replace(str(raw) + "/", "")[:150])
    print("  " + (result.stdout.splitlines() or ["(no summary)"])[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=float, default=60.0, help="--max-seconds for part 3")
    parser.add_argument("--only-limit", action="store_true", help="run part 3 alone")
    args = parser.parse_args(argv)
    if args.only_limit:
        bench_time_limit(args.limit)
        return 0
    print_rules(bench_rules(args.repeats), args.repeats)
    print(f"\ndocuments: about {DOC_N:,} and {10 * DOC_N:,} bytes")
    print(f"{'document':22} {'N':>9} {'10N':>9} {'ratio':>6}")
    for name, _, t_small, t_large in bench_documents(args.repeats):
        print(f"{name:22} {t_small:8.3f}s {t_large:8.3f}s {t_large / t_small:6.1f}")
    bench_time_limit(args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
