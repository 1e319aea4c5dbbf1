"""The flow's cost over the library: ``make bench-flow`` or ``python -m bench.flow --docs N``.

In one run, on the same N seed copies: the library alone (the CLI, one process), the
clean-folder flow (embedded server, worker processes), the flow on an empty folder (its fixed
start-up), and the flow again with nothing changed (incremental check). Each is a fresh
process, as a user runs it; Prefect's home is a temporary folder whose database persists
between the flow runs, as it does for a user. Prints wall times and ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.speed import build_corpus


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args(argv)
    python = sys.executable
    cli = str(Path(python).with_name("article-clean"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus, empty = root / "corpus", root / "empty"
        build_corpus(corpus, args.docs)
        empty.mkdir()
        env = {**os.environ, "PREFECT_HOME": str(root / "prefect")}
        env.pop("PREFECT_API_URL", None)
        flow = [python, "-m", "flows.clean_folder"]
        first_start = timed([*flow, "--raw", str(empty), "--out", str(root / "o0")], env)
        start = timed([*flow, "--raw", str(empty), "--out", str(root / "o1")], env)
        library = timed([cli, "clean", str(corpus), "--out", str(root / "cli"), "-q"], env)
        flow_run = timed([*flow, "--raw", str(corpus), "--out", str(root / "flow")], env)
        rerun = timed([*flow, "--raw", str(corpus), "--out", str(root / "flow")], env)
    n = args.docs
    rows = [
        ("flow start-up, first ever (new database)", first_start, None),
        ("flow start-up, empty folder", start, None),
        ("library alone (CLI, 1 process)", library, n / library),
        ("flow (embedded server, worker processes)", flow_run, n / flow_run),
        ("flow minus start-up", flow_run - start, n / max(flow_run - start, 1e-9)),
        ("re-run, nothing changed", rerun, None),
    ]
    print(f"{n} seed copies, {os.cpu_count()} cores")
    for label, seconds, rate in rows:
        per_second = f"  {rate:7.0f} docs/s" if rate else ""
        print(f"{label:42} {seconds:7.1f} s{per_second}")
    print(f"flow / library: {flow_run / library:.2f}x; without start-up "
          f"{(flow_run - start) / library:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
