"""The visual report: ``article-clean report OUT`` as a subprocess on real outputs."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pipeline import clean_file
from pipeline.report import HEADING, KEPT, load, marked_lines
from tests.conftest import ROOT, SEED_FILES
from tests.processes import run_cli

PAGE = ROOT / "tests" / "fixtures" / "page.html"


class Structure(HTMLParser):
    """The page's elements by id, every tag used, and the JSON blob's text."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data = ""
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.add(str(found["id"]))
        self._in_data = found.get("id") == "data"

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data += data


def parse(page: Path) -> tuple[Structure, dict[str, Any]]:
    structure = Structure()
    structure.feed(page.read_text(encoding="utf-8"))
    return structure, json.loads(structure.data)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder cleaned by the CLI: the two seeds, an HTML page and a nested copy."""
    raw = tmp_path_factory.mktemp("raw")
    for seed in SEED_FILES:
        shutil.copy(seed, raw / seed.name)
    shutil.copy(PAGE, raw / "page.html")
    (raw / "sub").mkdir()
    shutil.copy(SEED_FILES[0], raw / "sub" / "copy.txt")
    out = raw.parent / "clean"
    result = run_cli("clean", str(raw), "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    return out


def test_report_command_writes_one_page_with_every_removal_in_place(cleaned: Path) -> None:
    assert cleaned.name == "clean"
    result = run_cli("report", "clean", cwd=cleaned.parent)  # as the README shows it
    assert result.returncode == 0, result.stderr
    sidecars = [json.loads(p.read_text()) for p in sorted(cleaned.rglob("*.json"))]
    total = sum(len(s["removals"]) + len((s["page"] or {}).get("removals", [])) for s in sidecars)
    assert result.stdout == f"wrote clean/report.html: 4 article(s), {total} removal(s)\n"
    structure, data = parse(cleaned / "report.html")
    assert {"q", "kind", "rule", "flag", "only", "list", "prev", "next"} <= structure.ids
    names = [a["n"] for a in data["a"]]
    assert names == sorted(["000_b2ee4e91faa6eb03", "002_754f91255f0be33b", "page", "sub/copy"])
    marks = data["m"]
    for record in data["a"]:
        sidecar = json.loads((cleaned / f"{record['n']}.json").read_text())
        removed = [line for line in record["l"] if line[1] >= 0]
        shown = [(text, marks[m][0], marks[m][1], marks[m][2]) for text, m, _ in removed]
        expected = [(r["text"], r["kind"], r["rule"], r["reason"]) for r in sidecar["removals"]]
        assert shown == expected, record["n"]
        body = [text for text, mark, _ in record["l"] if mark in (KEPT, HEADING)]
        assert "\n".join(body).split("\n") == [
            line for line in (cleaned / f"{record['n']}.txt").read_text().split("\n") if line
        ]
        page = (sidecar.get("page") or {}).get("removals", [])
        assert [(e[2], marks[e[0]][1]) for e in record["e"]] == [
            (r["text"], r["rule"]) for r in page
        ]


def test_the_page_reconstructs_each_article_line_for_line(cleaned: Path) -> None:
    """Kept and removed lines in document order, exactly the article's segments, also from
    a sidecar written before ``kept`` was recorded (the body alone places the kept lines)."""
    for name, source in [(s.stem, s) for s in SEED_FILES] + [("page", PAGE)]:
        article = clean_file(source)
        expected = [(s.text, s.id in article.removed_ids()) for s in article.segments]
        sidecar, body = load(cleaned, name)
        assert [(t, m >= 0) for _, t, m, _ in marked_lines(sidecar, body)] == expected
        del sidecar["kept"]
        assert [(t, m >= 0) for _, t, m, _ in marked_lines(sidecar, body)] == expected


def test_the_page_needs_no_network_and_is_deterministic(cleaned: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one.html", tmp_path / "two.html"
    for dest in (first, second):
        assert run_cli("report", str(cleaned), "--html", str(dest)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    structure, _ = parse(first)
    for tag, attrs in structure.tags:
        assert not {"src", "href"} & set(attrs), tag  # scripts and styles are inline
        assert tag != "link"
    before, rest = text.split('<script type="application/json" id="data">')
    code = before + rest.split("</script>", 1)[1]  # all but the articles' own text
    for reference in ("http:", "https:", "url(", "@import", "fetch(", "XMLHttpRequest"):
        assert reference not in code
    assert text.count("<svg") == 3  # kinds, rules, share kept; no article is flagged
    assert "<h2>Flags</h2><p>none</p>" in text


def test_text_that_looks_like_markup_stays_text(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    story = "A sentence about a court case that ran for a long time today.\n\n"
    (raw / "x.txt").write_text(story + "</script><script>alert(1)</script> is here too.\n")
    out = tmp_path / "clean"
    assert run_cli("clean", str(raw), "--out", str(out), "-q").returncode == 0
    assert run_cli("report", str(out)).returncode == 0
    text = (out / "report.html").read_text()
    assert "alert(1)" in text
    assert "</script><script>alert" not in text
    _, data = parse(out / "report.html")
    assert data["a"][0]["l"][1][0].startswith("</script><script>alert(1)")


def test_report_of_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("report", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert result.stderr == f"article-clean: no such folder: {tmp_path / 'nothing'}\n"
