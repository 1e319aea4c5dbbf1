"""Issue 13: boilerplate learned across a site's articles (``pipeline.templates``, ``learn``).

The sites here are made from the seeds: each site's folder holds six articles, each with a
different share of one seed's story paragraphs and all with that outlet's furniture (the
Ynetnews trailer, the Labour Heartlands appeal block), as a real scraped folder would.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pipeline.templates import (
    SiteCounter,
    TemplateLearner,
    TemplateSettings,
    fingerprint,
    folder_site,
    page_site,
)
from tests.conftest import SEEDS
from tests.processes import run_cli

YNET, HEARTLANDS = SEEDS / "000_b2ee4e91faa6eb03.txt", SEEDS / "002_754f91255f0be33b.txt"
TRAILER = "As reported by Ynetnews"
APPEAL_START = "Support Labour Heartlands"


def paragraphs(path: Path) -> list[str]:
    return [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def seed_sites(raw: Path, per_site: int = 6) -> dict[str, list[str]]:
    """Two sites' folders under ``raw``; return each site's furniture paragraphs."""
    ynet = paragraphs(YNET)
    heartlands = paragraphs(HEARTLANDS)
    cut = next(i for i, p in enumerate(heartlands) if p.startswith(APPEAL_START))
    sites = {
        "ynet": ([p for p in ynet if p.strip() != TRAILER], [TRAILER]),
        "heartlands": (heartlands[:cut], heartlands[cut:]),
    }
    for site, (story, furniture) in sites.items():
        (raw / site).mkdir(parents=True)
        for k in range(per_site):
            body = [*story[k::per_site], *furniture]
            (raw / site / f"a{k}.txt").write_text("\n\n".join(body) + "\n", encoding="utf-8")
    return {site: furniture for site, (_, furniture) in sites.items()}


def sidecar(out: Path, name: str) -> dict[str, object]:
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


def test_lines_are_the_same_line_whatever_their_case_punctuation_and_digits() -> None:
    assert fingerprint("As reported by Ynetnews") == fingerprint("AS REPORTED BY YNETNEWS.")
    assert fingerprint("© 2024 The Daily Planet") == fingerprint("© 2025 The Daily Planet")
    assert fingerprint("As reported by Ynetnews") != fingerprint("As reported by Haaretz")
    assert fingerprint("— … —") == 0  # no word: never a template line


def test_sites_come_from_the_page_else_the_folder_else_the_users_pattern() -> None:
    assert page_site("https://www.ynetnews.com/article/1", "Ynetnews") == "ynetnews.com"
    assert page_site(None, " Ynetnews ") == "Ynetnews"
    assert page_site(None, None) is None
    assert folder_site("raw/ynet/2024/a.txt", "ynet/2024/a") == "ynet/2024"
    assert folder_site("raw/a.txt", "a") == "."
    assert folder_site("raw/ynet-2024-a.txt", "ynet-2024-a", r"/(\w+)-\d{4}") == "ynet"


def test_a_line_needs_min_docs_documents_and_min_share_of_its_site() -> None:
    settings = TemplateSettings(min_docs=3, min_share=0.5)
    learner = TemplateLearner(settings)
    for k in range(8):
        story = f"story line {'abcdefgh'[k]}"  # digits alone would not tell lines apart
        lines = {fingerprint(story): story}
        if k < 4:  # in half the site's documents: enough
            lines[fingerprint("Follow us")] = "Follow us"
        if k < 3:  # three documents, but fewer than half
            lines[fingerprint("Shared quote")] = "Shared quote"
        learner.add("site", lines)
    learner.add("small", {fingerprint("Follow us"): "Follow us"})  # one document: too few
    sets = learner.learn()
    assert [line.text for line in sets["site"].lines] == ["Follow us"]
    assert sets["site"].lines[0].documents == 4
    assert sets["small"].lines == ()


def test_counting_forgets_rare_lines_but_never_a_frequent_one() -> None:
    """Lossy counting: memory stays bounded however many unique lines go by, and a line in
    every document keeps an exact count."""
    counter = SiteCounter(error=0.02)
    rng = random.Random(7)
    for _ in range(5000):
        lines = {fingerprint("Donate today"): "Donate today"}
        lines.update({rng.getrandbits(63) + 1: "story" for _ in range(30)})
        counter.add(lines)
        assert len(counter.counts) <= 30 * counter.width * 2 + 1
    assert counter.counts[fingerprint("Donate today")] == 5000
    assert counter.documents == 5000


def test_the_seeds_outlets_are_learned_without_their_phrase_rules(tmp_path: Path) -> None:
    """With the trailer and appeal rules switched off, the folder itself says what repeats:
    the Ynetnews trailer and every line of the Labour Heartlands appeal go, as
    ``template.repeated`` with their evidence, and no story line does."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    furniture = seed_sites(raw)
    args = ("clean", str(raw), "--out", str(out), "--learn-templates")
    result = run_cli(*args, "--disable-kind", "trailer", "--disable-kind", "appeal")
    assert result.returncode == 0, result.stderr
    for site, lines in furniture.items():
        for k in range(6):
            name = f"{site}/a{k}"
            body = (out / f"{name}.txt").read_text(encoding="utf-8")
            assert not any(line in body for line in lines), name
            record = sidecar(out, name)
            removed = [r for r in record["removals"] if r["rule"] == "template.repeated"]  # type: ignore[attr-defined]
            assert sorted(r["text"] for r in removed) == sorted(lines)
            assert all(r["reason"] == f"in 6 of 6 documents of {site}" for r in removed)
            template = record["template"]
            assert template["site"] == site and template["documents"] == 6  # type: ignore[index]
        saved = [json.loads(p.read_text()) for p in (out / "_templates").glob(f"{site}-*.json")]
        assert [sorted(line["text"] for line in s["lines"]) for s in saved] == [sorted(lines)]


def test_learning_gives_the_same_bytes_on_any_number_of_workers(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    seed_sites(raw)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        result = run_cli("clean", str(raw), "--out", str(out), "--learn-templates",
                         "--workers", workers)  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.is_file()})  # fmt: skip
    assert outputs[0] == outputs[1]


def test_without_learning_nothing_is_learned_or_removed_as_a_template(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    seed_sites(raw)
    result = run_cli("clean", str(raw), "--out", str(out), "--disable-kind", "trailer")
    assert result.returncode == 0, result.stderr
    assert not (out / "_templates").exists()
    assert TRAILER in (out / "ynet/a0.txt").read_text(encoding="utf-8")
    assert "template" not in sidecar(out, "ynet/a0")


@pytest.mark.usefixtures("prefect_server")
def test_a_rerun_rewrites_only_the_documents_whose_removals_changed(tmp_path: Path) -> None:
    """The flow learns as it cleans. Four of six articles carry an about line, one short of
    ``min_docs``: kept. Two articles are added, one with the line: now five of eight carry
    it, it is learned, and the re-run rewrites exactly the four old articles that have it and
    cleans the two new ones; the two old articles without it are not touched."""
    from flows.clean_folder import clean_folder

    raw, out = tmp_path / "raw", tmp_path / "out"
    seed_sites(raw, per_site=8)
    follow = "Ynetnews is the English edition of Israel’s largest daily newspaper."
    site = raw / "ynet"
    for k in (6, 7):
        (site / f"a{k}.txt").rename(tmp_path / f"a{k}.txt")  # added later
    for k in (0, 1, 2, 3):
        path = site / f"a{k}.txt"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{follow}\n", encoding="utf-8")

    def run() -> None:
        state = clean_folder(raw_dir=str(raw), out_dir=str(out), workers=1,
                             learn_templates=True, return_state=True)  # fmt: skip
        assert state.is_completed(), state.message

    run()
    assert all(follow in (out / f"ynet/a{k}.txt").read_text() for k in (0, 1, 2, 3))
    before = {p.name: p.stat().st_ino for p in (out / "ynet").iterdir()}
    for k in (6, 7):
        (tmp_path / f"a{k}.txt").rename(site / f"a{k}.txt")
    seventh = site / "a6.txt"
    seventh.write_text(seventh.read_text(encoding="utf-8") + f"\n{follow}\n", encoding="utf-8")
    run()
    after = {p.name: p.stat().st_ino for p in (out / "ynet").iterdir()}
    rewritten = sorted(n for n in after if before.get(n) != after[n])
    assert rewritten == [f"a{k}.{x}" for k in (0, 1, 2, 3, 6, 7) for x in ("json", "txt")]
    assert not any(follow in (out / f"ynet/a{k}.txt").read_text() for k in range(8))
    heartlands = {p.name for p in (out / "heartlands").iterdir()}
    assert len(heartlands) == 16


@pytest.mark.usefixtures("prefect_server")
@pytest.mark.parametrize(
    "documented",
    ["article-clean clean raw/ --out clean/ --learn-templates",
     "python -m flows.clean_folder --learn-templates"],
)  # fmt: skip
def test_the_readme_commands_learn_templates_as_written(tmp_path: Path, documented: str) -> None:
    """The README's commands, word for word, in a folder holding ``raw/`` (the flow against
    the suite's Prefect server); both write ``clean/``."""
    import os
    import shlex
    import subprocess
    import sys

    from prefect.settings import get_current_settings

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n{documented}\n" in readme or f"`{documented}`" in readme
    seed_sites(tmp_path / "raw")
    words = shlex.split(documented)
    program = str(Path(sys.executable).with_name(words[0]))
    if words[0] == "python":
        program = sys.executable
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    result = subprocess.run([program, *words[1:]], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert TRAILER not in (tmp_path / "clean/ynet/a0.txt").read_text(encoding="utf-8")
    saved = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "clean/_templates").glob("*"))
    assert saved == ["heartlands", "ynet"]


@pytest.mark.usefixtures("prefect_server")
def test_learning_on_dask_gives_the_same_bytes(tmp_path: Path) -> None:
    """Map, reduce, map on a real local Dask cluster: the outputs and the saved sets are
    those of the default task runner."""
    from flows.clean_folder import run
    from tests.test_flows import outputs

    raw = tmp_path / "raw"
    seed_sites(raw)
    default, dask = tmp_path / "default", tmp_path / "dask"
    assert run(raw_dir=str(raw), out_dir=str(default), learn_templates=True).is_completed()
    state = run(dask=True, raw_dir=str(raw), out_dir=str(dask), workers=2, batch_size=3,
                learn_templates=True)  # fmt: skip
    assert state.is_completed()
    assert outputs(dask) == outputs(default)
    assert any(name.startswith("_templates/ynet-") for name in outputs(dask))


def test_a_bad_input_or_a_stray_file_in_templates_does_not_stop_learning(tmp_path: Path) -> None:
    """A file that cannot be read counts as nothing and fails in cleaning with its reason; a
    file in ``_templates`` that is not a saved set is removed, not read."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    seed_sites(raw)
    (raw / "ynet/broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (out / "_templates").mkdir(parents=True)
    (out / "_templates/stray.json").write_text("{not json")
    result = run_cli("clean", str(raw), "--out", str(out), "--learn-templates")
    assert result.returncode == 1
    assert f"{raw}/ynet/broken.txt: this is a PNG image, not text" in result.stderr
    assert "1 of 13 file(s) failed" in result.stderr
    assert TRAILER not in (out / "ynet/a0.txt").read_text(encoding="utf-8")
    assert sorted(p.name.rsplit("-", 1)[0] for p in (out / "_templates").iterdir()) == [
        "heartlands", "ynet"
    ]  # fmt: skip
    assert sidecar(out, "ynet/a0")["template"]["documents"] == 6  # type: ignore[index]


def test_learning_beside_a_jsonl_file_cleans_its_records_and_needs_an_output_folder(
    tmp_path: Path,
) -> None:
    """A JSONL file among the sites: its records are cleaned (with the templates of the site
    their page names, if any) but not counted; learning keeps its sets in ``OUT``, so it
    cannot write to stdout."""
    import json

    raw, out = tmp_path / "raw", tmp_path / "out"
    seed_sites(raw)
    body = (raw / "ynet/a0.txt").read_text(encoding="utf-8")
    (raw / "feed.jsonl").write_text(json.dumps({"id": "r1", "text": body}) + "\n")
    result = run_cli("clean", str(raw), "--out", str(out), "--learn-templates")
    assert result.returncode == 0, result.stderr
    assert (out / "feed/r1.txt").is_file()
    assert sidecar(out, "ynet/a0")["template"]["documents"] == 6  # type: ignore[index]
    assert sorted(p.name.rsplit("-", 1)[0] for p in (out / "_templates").iterdir()) == [
        "heartlands", "ynet"
    ]  # fmt: skip
    alone = run_cli("clean", str(raw / "ynet/a0.txt"), "--learn-templates")
    assert alone.returncode == 2
    assert "--learn-templates keeps what it learns in OUT/_templates: give --out DIR" in (
        alone.stderr
    )


def test_the_time_limit_stops_a_page_while_learning_too(tmp_path: Path) -> None:
    """The counting pass reads each input as cleaning does, so a page whose extraction runs
    for minutes ran for minutes there before cleaning stopped it. Each input is counted on a
    stoppable worker: the page is stopped at the limit in both passes, counts as nothing, and
    fails once, with the limit's message; the sites are learned from the rest."""
    from tests.bad_inputs import huge_page

    raw, out = tmp_path / "raw", tmp_path / "out"
    seed_sites(raw)
    (raw / "ynet/huge.html").write_bytes(huge_page())
    result = run_cli("clean", str(raw), "--out", str(out), "--learn-templates",
                     "--max-seconds", "2", timeout=60)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert (
        f"{raw}/ynet/huge.html: cleaning took longer than the time limit of 2 s and was "
        "stopped" in result.stderr
    )
    assert "1 of 13 file(s) failed" in result.stderr
    assert TRAILER not in (out / "ynet/a0.txt").read_text(encoding="utf-8")
    assert sidecar(out, "ynet/a0")["template"]["documents"] == 6  # type: ignore[index]
