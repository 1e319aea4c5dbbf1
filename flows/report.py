"""The clean-folder run report: a JSON file per run, and the same summary in the Prefect UI.

Run reports carry times (they describe a run); per-article outputs never do.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from pipeline.batch import RunSummary
from pipeline.corpus import CORPUS_NAME
from pipeline.io import atomic_write

RUNS_FOLDER = "_runs"


def build_report(
    summary: RunSummary,
    skipped: int,
    conflicts: list[dict[str, str]],
    records: int,
    started: float,
    parameters: dict[str, Any],
) -> dict[str, Any]:
    """The run report: what was seen, cleaned, skipped and failed, and what was removed.
    Failures are listed by output name, then the inputs that could not be given outputs."""
    failed = sorted(summary.failures, key=lambda result: result.output)
    failures: list[dict[str, Any]] = [{"path": r.path, "error": r.error} for r in failed]
    failures += conflicts
    cleaned = summary.cleaned
    finished = time.time()
    return {
        "run_id": str(flow_run.id or "local"),
        "run_name": flow_run.name,
        "started": datetime.fromtimestamp(started, UTC).isoformat(),
        "finished": datetime.fromtimestamp(finished, UTC).isoformat(),
        "seconds": round(finished - started, 3),
        "parameters": parameters,
        "files": {
            "seen": cleaned + skipped + len(failures),
            "cleaned": cleaned,
            "skipped": skipped,
            "failed": len(failures),
        },
        "failures": failures,
        "removed_by_kind": dict(sorted(summary.removed_by_kind.items())),
        "flags": dict(sorted(summary.flags.items())),
        "chars": {"in": summary.chars_in, "out": summary.chars_out},
        "corpus": {"path": CORPUS_NAME, "records": records},
    }


def write_report(out: Path, report: dict[str, Any]) -> Path:
    path = out / RUNS_FOLDER / f"{report['run_id']}.json"
    atomic_write(path, (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode())
    return path


def summary_line(report: dict[str, Any]) -> str:
    files = report["files"]
    return (
        f"clean-folder {report['run_name']}: {files['seen']} file(s): {files['cleaned']} cleaned, "
        f"{files['skipped']} unchanged, {files['failed']} failed in {report['seconds']:.1f}s"
    )


def publish(report: dict[str, Any]) -> None:
    """The same summary in the Prefect UI, as markdown and as a table."""
    files = report["files"]
    rows = [{"metric": f"files {k}", "value": v} for k, v in files.items()]
    rows += [{"metric": f"removed: {k}", "value": v} for k, v in report["removed_by_kind"].items()]
    lines = [f"# clean-folder {report['run_name']}", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {row['metric']} | {row['value']} |" for row in rows]
    if report["failures"]:
        lines += ["", "## Failures", ""]
        lines += [f"- `{f['path']}`: {f['error']}" for f in report["failures"]]
    create_markdown_artifact("\n".join(lines), key="clean-folder-summary")
    create_table_artifact(rows, key="clean-folder-counts")
