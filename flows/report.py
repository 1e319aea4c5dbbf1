"""The clean-folder run report: a JSON file and an HTML page per run (the page shows the
articles the run cleaned, their removals marked: ``pipeline.report``), and the same summary in
the Prefect UI, linking to the page. ``_runs`` keeps the newest ``KEEP_RUNS`` runs.

Run reports carry times (they describe a run); per-article outputs never do.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.exceptions import FailedRun
from prefect.logging.handlers import APILogHandler
from prefect.runtime import flow_run

from pipeline.batch import RunSummary
from pipeline.console import in_command_terms, one_line
from pipeline.errors import OutputError
from pipeline.io import atomic_write
from pipeline.read import path_text
from pipeline.report import write_report as write_page
from pipeline.sinks.corpus import CORPUS_NAME

RUNS_FOLDER = "_runs"
KEEP_RUNS = 100  # run reports kept in _runs (a JSON and an HTML page each); older are deleted
SHOW_FAILURES = 10  # failures named on the console; the run report and the UI's log have all


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
    failures: list[dict[str, Any]] = [
        {"path": r.path, "error": in_flow_terms(r.error or "")} for r in failed
    ]
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


def write_report(out: Path, report: dict[str, Any], cleaned: list[str] | None = None) -> Path:
    """Write ``_runs/<run id>.json`` and, beside it, the run's HTML page over the articles
    it ``cleaned`` (output names); return the page's path."""
    folder = out / RUNS_FOLDER
    if folder.is_symlink():  # a planted link: the report would land, and prune, elsewhere
        msg = (
            f"cannot write the run report: {path_text(folder)} is a symbolic link, which a "
            "run never writes through; remove it"
        )
        raise OutputError(msg)
    path = folder / f"{report['run_id']}.json"
    atomic_write(path, (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode())
    page, _ = write_page(out, path.with_suffix(".html"), run=report, names=cleaned or [])
    return page


def prune_reports(out: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` runs' reports (JSON and HTML) in ``_runs``, at least
    the run just written; return what was deleted. Newest by modification time: a run's files
    are written once, at its end."""
    folder = out / RUNS_FOLDER
    if folder.is_symlink():
        return []  # never delete through a link
    try:
        reports = [(p.stat().st_mtime_ns, p.name, p) for p in folder.glob("*.json")]
    except OSError:
        return []
    deleted: list[Path] = []
    for _, _, path in sorted(reports, reverse=True)[max(keep, 1) :]:
        for old in (path, path.with_suffix(".html")):
            old.unlink(missing_ok=True)
            deleted.append(old)
    return deleted


def summary_line(report: dict[str, Any]) -> str:
    files = report["files"]
    return (
        f"clean-folder {report['run_name']}: {files['seen']} file(s): {files['cleaned']} cleaned, "
        f"{files['skipped']} unchanged, {files['failed']} failed in {report['seconds']:.1f}s"
    )


def publish(report: dict[str, Any], page: Path | None = None) -> None:
    """The same summary in the Prefect UI, as markdown and as a table, with a link to the
    run's HTML page (a ``file://`` address: open it on the machine that ran the flow)."""
    files = report["files"]
    rows = [{"metric": f"files {k}", "value": v} for k, v in files.items()]
    rows += [{"metric": f"removed: {k}", "value": v} for k, v in report["removed_by_kind"].items()]
    lines = [f"# clean-folder {report['run_name']}", ""]
    if page is not None:
        link = page.resolve().as_uri()
        lines += [f"Report: [{page.name}]({link}) (`{page.resolve()}`)", ""]
        create_link_artifact(link, link_text=str(page), key="clean-folder-report")
    lines += ["| metric | value |", "| --- | --- |"]
    lines += [f"| {row['metric']} | {row['value']} |" for row in rows]
    if report["failures"]:
        lines += ["", "## Failures", ""]
        lines += [f"- `{f['path']}`: {f['error']}" for f in report["failures"]]
    create_markdown_artifact("\n".join(lines), key="clean-folder-summary")
    create_table_artifact(rows, key="clean-folder-counts")


def name_failures(report: dict[str, Any], path: Path) -> None:
    """Name the failed files: the first ``SHOW_FAILURES`` on stderr with their reason, then
    how many more and where all of them are; each one as an error record in the UI's log."""
    failures = report["failures"]
    for failure in failures:
        ui_log(f"failed: {failure_text(failure)}")
    for failure in failures[:SHOW_FAILURES]:
        print(f"clean-folder: failed: {failure_text(failure)}", file=sys.stderr)
    more = len(failures) - SHOW_FAILURES
    if more > 0:
        print(f"clean-folder: ... and {more} more, all in {path}", file=sys.stderr)
    message = f"{len(failures)} of {report['files']['seen']} file(s) failed (listed in {path})"
    print(f"clean-folder: {message}", file=sys.stderr)
    ui_log(message)


def in_flow_terms(message: str) -> str:
    """The library's message with the flow's names for the limits (its parameters, and the
    options of ``python -m flows.clean_folder``)."""
    size = "flow parameter max_bytes, --max-bytes"
    seconds = "flow parameter max_seconds, --max-seconds"
    return in_command_terms(message, size, seconds)


def failure_text(failure: dict[str, Any]) -> str:
    """A failure as one line that names the file and says why.

    >>> failure_text({"path": "raw/b.txt", "error": "raw/b.txt: this is a PNG image"})
    'raw/b.txt: this is a PNG image'
    """
    path, error = failure["path"], failure["error"] or "failed"
    return one_line(error if error.startswith(path) else f"{path}: {error}")


class QuietFailedRun(logging.Filter):
    """Drops the traceback Prefect logs when a deployment's run ends Failed.

    A served run (``make serve``) executes in ``prefect.engine``, which turns the flow's final
    Failed state into a ``FailedRun`` exception and logs it, traceback and all, to the console
    and as the run's only line in the UI. Here "some files failed" is an outcome, already
    named file by file; the state stays Failed, only the traceback goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, FailedRun)


def quiet_failed_runs() -> None:
    """Install :class:`QuietFailedRun` where Prefect logs a run's final exception: the run's
    own logger (to the UI) and the engine's (to the console)."""
    for name in ("prefect.flow_runs", "prefect.engine"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietFailedRun) for f in logger.filters):
            logger.addFilter(QuietFailedRun())


def ui_log(message: str) -> None:
    """An error record in the flow run's log in the UI, and not on the console (which gets
    its own, shorter, account)."""
    UI_LOG.error(message)


def _ui_logger() -> logging.Logger:
    # Prefect's run logger also prints to the console; this one sends to the server only. The
    # handler finds the flow run from the run context.
    logger = logging.getLogger("flows.clean_folder.ui")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        logger.addHandler(APILogHandler())
    return logger


UI_LOG = _ui_logger()
