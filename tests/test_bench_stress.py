"""``bench.stress``: each markup transform makes the shape it names and keeps the page's text,
and the bench scores a corpus end to end."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import lxml.html

from bench import stress
from tests.conftest import ROOT

PAGE = """<!DOCTYPE html><html><head><title>T</title></head><body>
<header class="site-header" id="top"><a href="/">Home</a></header>
<main><article class="article-body"><h1>The council votes on the bridge</h1>
<section class="story"><p>The council voted on Tuesday to rebuild the old bridge over the river.</p>
<p>The work will start in <b>spring</b> and take two years, the mayor said.</p>
<p>Residents had asked for a safer crossing for more than a decade.</p>
<p>A public meeting on the plans will be held next month in the town hall.</p>
</section><figure><figcaption class="caption">The bridge in 1950.</figcaption></figure>
</article></main></body></html>"""


def tree(html: str = PAGE) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(html)


def words(html: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", " ".join(tree(html).itertext())))


def test_hashed_leaves_no_class_or_id_name() -> None:
    page = stress.transformed(PAGE, stress.hashed)
    values = [v for e in tree(page).iter() for v in (e.get("class"), e.get("id")) if v]
    assert values
    assert all(re.fullmatch(r"(css-[0-9a-f]{6} ?)+", value) for value in values)
    assert words(page) == words(PAGE)


def test_divs_and_flat_rename_the_tags() -> None:
    page = stress.transformed(PAGE, stress.all3)
    assert not tree(page).xpath("//p|//article|//main|//section")
    assert words(page) == words(PAGE)


def test_br_writes_the_paragraphs_as_text_ended_by_line_breaks() -> None:
    page = tree(stress.transformed(PAGE, stress.br))
    holder = page.xpath("//*[@class='story']")[0]
    assert not holder.xpath("p") and len(holder.xpath("br")) == 8
    assert holder.text.startswith("The council voted on Tuesday")
    assert words(stress.transformed(PAGE, stress.br)) == words(PAGE)


def test_split_moves_the_second_half_after_an_ad_slot() -> None:
    page = tree(stress.transformed(PAGE, stress.split))
    story = page.xpath("//*[@class='story']")[0]
    assert len(story.xpath("p")) == 2
    slot = story.getnext()
    assert slot.get("class") == "ad-slot"
    assert [p.text_content()[:8] for p in slot.getnext().xpath("p")] == ["Resident", "A public"]
    assert words(lxml.html.tostring(page, encoding="unicode")) == words(PAGE) + Counter(
        ["Advertisement"]
    )


def test_the_bench_scores_a_corpus_under_every_transform(tmp_path: Path) -> None:
    corpus = tmp_path / "dev"
    (corpus / "html").mkdir(parents=True)
    (corpus / "gold").mkdir()
    (corpus / "manifest.tsv").write_text("id\turl\tlanguage\np1\thttps://x.test/a\ten\n")
    (corpus / "html" / "p1.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    body = "\n\n".join(p.text_content() for p in tree().xpath("//p"))
    (corpus / "gold" / "p1.txt").write_text(body)
    result = subprocess.run(
        [sys.executable, "-m", "bench.stress", str(corpus)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    rows = {line.split()[0] for line in result.stdout.splitlines()[3:10]}
    assert rows == {"as", "hashed", "divs", "flat", "br", "split", "all3"}
    as_is = result.stdout.splitlines()[3]
    assert re.search(r"1\.000 / 1\.000 / 1\.000 / 0", as_is), as_is  # the story, whole
