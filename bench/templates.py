"""Learned templates against injected ones: ``make bench-templates`` (issue 13).

**Quality.** Real article bodies (zyte-dev's gold bodies, trafilatura-dev's must-keep snippets
of each page as its body's lines) are dealt at random (seeded) into synthetic sites of 5 to 60
documents. Each site gets its own template: two to five lines drawn from real boilerplate
forms (trailers, appeals, follow prompts, disclaimers, copyright lines, author blurbs), with
the site's name in them, each put at the top or the bottom of a share of the site's
documents (all, or 90%, 80% or 60% of them). The folder is cleaned by the real command with
``--learn-templates``, once with every rule and once with the phrase rules of the kinds the
injected lines belong to switched off; then, over every output:

- injected lines removed (by any rule, and by ``template.repeated`` alone);
- gold lines removed by ``template.repeated`` (its cost; the other rules' cost is
  ``make bench-quality``'s business).

Then the same documents' lines are learned again in-process with other ``min_docs`` and
``min_share`` values, to show where the defaults sit.

**Memory and time.** Lines are counted (``pipeline.templates.TemplateLearner``) for 10,000
and 100,000 documents in 100 sites, each document with 40 lines of its own and its site's 4
template lines, each count in a fresh process; peak RSS and counting time of each, and the
peak's ratio. (The pass's other cost is reading and segmenting each input, as cleaning does:
``make bench`` measures that.)
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.templates import TemplateLearner, TemplateSettings, fingerprint, line_fingerprints

SEED = 13
SITE_SIZES = (5, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60)
SHARES = (1.0, 1.0, 0.9, 0.8, 0.6)
FORMS = (
    "As reported by {site}",
    "This article was originally published by {site}.",
    "Support {site}: independent journalism needs your donation today.",
    "If you value our reporting, please consider becoming a {site} member.",
    "Follow {site} on Facebook, Twitter and Instagram for the latest news.",
    "Sign up for the {site} morning newsletter.",
    "The views expressed in this article are the author's own and do not necessarily "
    "reflect the editorial policy of {site}.",
    "© {year} {site}. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "Have a news tip? Email the {site} newsroom.",
    "{site} is a reader-funded news site covering politics, business and culture.",
)
NAMES = ("Harbour Post", "Ridge Courier", "Delta Ledger", "Northfield Times", "Cobalt Wire",
         "Ashford Gazette", "Meridian Daily", "Lakeside Journal", "Granite Herald",
         "Pinecrest News", "Summit Observer", "Bayline Review")  # fmt: skip
SETTINGS = ((3, 0.5), (5, 0.3), (5, 0.5), (5, 0.7), (8, 0.5))


def bodies(corpora: list[Path]) -> list[list[str]]:
    """Each gold body as its non-blank lines."""
    found: list[list[str]] = []
    for corpus in corpora:
        for path in sorted((corpus / "gold").iterdir()):
            if path.suffix == ".txt":
                text = path.read_text(encoding="utf-8")
                lines = [line.strip() for line in text.splitlines() if line.strip()]
            elif path.suffix == ".json":
                lines = [s.strip() for s in json.loads(path.read_text())["with"] if s.strip()]
            else:
                continue
            if len(lines) >= 2:
                found.append(lines)
    return found


@dataclass
class Document:
    site: str
    name: str
    gold: list[str]
    injected: list[str]

    def text(self) -> str:
        top = [line for line in self.injected if line.startswith(("©", "Follow", "Sign"))]
        bottom = [line for line in self.injected if line not in top]
        return "\n\n".join([*top, *self.gold, *bottom]) + "\n"


def synthetic_sites(all_bodies: list[list[str]]) -> list[Document]:
    rng = random.Random(SEED)
    pool = list(all_bodies)
    rng.shuffle(pool)
    docs: list[Document] = []
    for size, name in zip(SITE_SIZES, NAMES, strict=True):
        forms = rng.sample(FORMS, rng.randint(2, 5))
        lines = [(f.format(site=name, year=2024), rng.choice(SHARES)) for f in forms]
        slug = name.lower().replace(" ", "-")
        for k in range(size):
            gold = pool.pop()
            injected = [line for line, share in lines if rng.random() < share]
            docs.append(Document(slug, f"{slug}/{k:03d}", gold, injected))
    return docs


def measure_quality(corpora: list[Path]) -> None:
    docs = synthetic_sites(bodies(corpora))
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        for doc in docs:
            path = raw / f"{doc.name}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(doc.text(), encoding="utf-8")
        command = [str(Path(sys.executable).with_name("article-clean")), "clean", str(raw),
                   "--out", str(out), "--learn-templates", "--quiet"]  # fmt: skip
        print("All rules on:")
        subprocess.run(command, check=False)
        score(docs, out)
        # The phrase rules take most injected lines first; without them, learning alone.
        print("\nWith the kinds appeal, trailer and prompt off (learning alone):")
        off = ["--disable-kind", "appeal", "--disable-kind", "trailer", "--disable-kind", "prompt"]
        subprocess.run([*command, *off], check=False)
        score(docs, out)
    sweep(docs)


def score(docs: list[Document], out: Path) -> None:
    injected = removed_any = removed_template = gold = gold_cost = 0
    for doc in docs:
        record = json.loads((out / f"{doc.name}.json").read_text(encoding="utf-8"))
        by_rule = {fingerprint(r["text"]): r["rule"] for r in record["removals"]}
        for line in doc.injected:
            injected += 1
            rule = by_rule.get(fingerprint(line))
            removed_any += rule is not None
            removed_template += rule == "template.repeated"
        gold_keys = {fingerprint(line) for line in doc.gold}
        gold += len(doc.gold)
        gold_cost += sum(by_rule.get(k) == "template.repeated" for k in gold_keys)
    print(f"{len(docs)} documents in {len(SITE_SIZES)} sites, {injected} injected lines, "
          f"{gold} gold lines")  # fmt: skip
    print(f"injected lines removed: {removed_any / injected:.1%} by any rule, "
          f"{removed_template / injected:.1%} by template.repeated")  # fmt: skip
    print(f"gold lines removed by template.repeated: {gold_cost} ({gold_cost / gold:.3%})")


def sweep(docs: list[Document]) -> None:
    """Learn the same lines in-process under other thresholds (no other rule runs here)."""
    print("\nmin_docs min_share  injected learnt  gold lines learnt")
    for min_docs, min_share in SETTINGS:
        learner = TemplateLearner(TemplateSettings(min_docs=min_docs, min_share=min_share))
        for doc in docs:
            learner.add(doc.site, line_fingerprints(doc.text().splitlines(), 2000))
        sets = {site: s.by_fingerprint() for site, s in learner.learn().items()}
        hit = sum(fingerprint(x) in sets[d.site] for d in docs for x in d.injected)
        cost = sum(fingerprint(x) in sets[d.site] for d in docs for x in d.gold)
        total = sum(len(d.injected) for d in docs)
        gold = sum(len(d.gold) for d in docs)
        print(f"{min_docs:8d} {min_share:9.1f}  {hit / total:15.1%}  {cost:5d} "
              f"({cost / gold:.3%})")  # fmt: skip


def scale_documents(count: int) -> Iterator[tuple[str, dict[int, str]]]:
    """``count`` documents in 100 sites: 40 lines of their own and 4 of their site's."""
    rng = random.Random(SEED)
    for k in range(count):
        site = f"site{k % 100}"
        own = [f"story {k} line {j} {rng.getrandbits(48):x}" for j in range(40)]
        furniture = [f"{site} furniture line {j}" for j in range(4)]
        yield site, line_fingerprints([*own, *furniture], 2000)


def count_only(count: int) -> None:
    """One memory job: count, learn, print peak RSS (MB) and the learnt lines."""
    learner = TemplateLearner(TemplateSettings())
    spent = 0.0
    for site, lines in scale_documents(count):
        started = time.perf_counter()  # the counting only, not making the documents
        learner.add(site, lines)
        spent += time.perf_counter() - started
    learnt = sum(len(s.lines) for s in learner.learn().values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"documents": count, "peak_mb": round(peak, 1), "learnt": learnt,
                      "seconds": round(spent, 3)}))  # fmt: skip


def measure_memory() -> None:
    peaks = {}
    for count in (10_000, 100_000):
        command = [sys.executable, "-m", "bench.templates", "--count-only", str(count)]
        result = json.loads(subprocess.run(command, capture_output=True, text=True,
                                           check=True).stdout)  # fmt: skip
        peaks[count] = result["peak_mb"]
        rate = count / result["seconds"]
        print(f"{count:>7,} documents: peak RSS {result['peak_mb']:.1f} MB, counting "
              f"{result['seconds']:.2f} s ({rate:,.0f} documents/s), "
              f"{result['learnt']} template lines learnt")  # fmt: skip
    print(f"peak RSS ratio 100,000 / 10,000: {peaks[100_000] / peaks[10_000]:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path, help="corpora with gold/ folders")
    parser.add_argument("--count-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.count_only:
        count_only(args.count_only)
        return 0
    if args.corpora:
        measure_quality(args.corpora)
        print()
    measure_memory()
    return 0


if __name__ == "__main__":
    sys.exit(main())
