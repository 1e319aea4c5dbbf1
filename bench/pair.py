"""The speed benchmark's ``pair`` job: two one-process library runs at once.

    python -m bench.pair CORPUS --out DIR

Each run is ``bench.run library --workers 1`` on every other input (``--part 0/2`` and
``1/2``), so the two share nothing but the machine. Their speed-up over one process is the
most two processes get here, whatever a pool does: the cores' shared cache and memory, and
the disk, are in it. This module imports nothing of the library, so the two runs start as
soon as it does, as ``lib1``'s one run does. It prints one JSON line: both runs' documents,
bytes and failures, and ``work``, the start of both to the end of the later.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    commands = [
        [sys.executable, "-m", "bench.run", "library", args.corpus, "--out", args.out,
         "--part", f"{part}/2"]
        for part in range(2)
    ]  # fmt: skip
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for command in commands]
    outputs = [run.communicate()[0] for run in runs]
    if any(run.returncode for run in runs):
        print(f"a library run exited {[run.returncode for run in runs]}", file=sys.stderr)
        return 1
    work = time.perf_counter() - start
    done = [json.loads(output.splitlines()[-1]) for output in outputs]
    totals = {key: sum(run[key] for run in done) for key in ("docs", "bytes", "failed")}
    print(json.dumps(totals | {"work": work}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
