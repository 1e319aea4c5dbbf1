"""The clean-folder flow on a real Prefect server (prefect_test_harness) and real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main as cli_main
from pipeline.sinks.corpus import CORPUS_FIELDS
from pipeline.state import STATE_NAME
from tests.conftest import ROOT, SEED_FILES

pytestmark = pytest.mark.usefixtures("prefect_server")


def run_flow(raw: Path, out: Path, **params: Any) -> tuple[Any, dict[str, Any]]:
    from flows.clean_folder import clean_folder

    state = clean_folder(raw_dir=str(raw), out_dir=str(out), workers=2, return_state=True, **params)
    run_id = state.state_details.flow_run_id
    report = json.loads((out / "_runs" / f"{run_id}.json").read_text())
    return state, report


def outputs(out: Path) -> dict[str, bytes]:
    """Every output but run reports and the state (a cache, see ``pipeline.state``)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "_runs" not in p.parts and p.name != STATE_NAME
    }


def test_one_run_writes_every_output_like_the_cli(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    state, report = run_flow(raw, out)
    assert state.is_completed()
    assert report["files"] == {"seen": 2, "cleaned": 2, "skipped": 0, "failed": 0}
    assert report["removed_by_kind"]["caption"] == 9
    cli_out = tmp_path / "cli"
    assert cli_main(["clean", str(raw), "--out", str(cli_out), "-q"]) == 0
    assert outputs(out) == outputs(cli_out)  # the corpus too


def test_run_publishes_markdown_and_table_artifacts(raw: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    state, report = run_flow(raw, tmp_path / "clean")
    run_id = state.state_details.flow_run_id
    only_this_run = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
    with get_client(sync_client=True) as client:
        artifacts = {a.key: a for a in client.read_artifacts(artifact_filter=only_this_run)}
    assert {a.type for a in artifacts.values()} == {"markdown", "table"}
    assert "| files cleaned | 2 |" in artifacts["clean-folder-summary"].data
    table = json.loads(artifacts["clean-folder-counts"].data)
    assert {"metric": "files cleaned", "value": 2} in table
    assert report["files"]["cleaned"] == 2


def test_corpus_is_one_json_record_per_article(raw: Path, tmp_path: Path) -> None:
    shutil.copyfile(ROOT / "tests" / "fixtures" / "page.html", raw / "page.html")
    out = tmp_path / "clean"
    run_flow(raw, out)
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == sorted([*(s.stem for s in SEED_FILES), "page"])
    for record in records:
        assert list(record) == list(CORPUS_FIELDS)  # every field, always a string
        assert record["text"] == (out / f"{record['id']}.txt").read_text().rstrip("\n")
    assert records[1]["title"] == "Russia-Ukraine Peace Talks: The Proposal"
    assert records[1]["url"] == ""
    page = records[2]
    assert (page["title"], page["site_name"], page["date"]) == (
        "Flood defences hold as river peaks in York",
        "The Northern Ledger",
        "2024-02-12",
    )


def test_a_name_that_is_not_utf8_is_in_the_corpus_on_every_run(raw: Path, tmp_path: Path) -> None:
    shutil.copy(SEED_FILES[0], raw / os.fsdecode(b"caf\xe9.txt"))
    out = tmp_path / "clean"
    for _ in range(2):  # cleaned, then current
        state, report = run_flow(raw, out)
        assert state.is_completed()
        lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        assert [r["id"] for r in records] == sorted(["caf\\xe9", *(s.stem for s in SEED_FILES)])
        body = out / os.fsdecode(b"caf\xe9.txt")
        assert records[-1]["text"] == body.read_text().rstrip("\n")
    assert report["files"] == {"seen": 3, "cleaned": 0, "skipped": 3, "failed": 0}


def test_second_run_skips_everything_and_changes_nothing(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run_flow(raw, out)
    before = outputs(out)
    state, report = run_flow(raw, out)
    assert state.is_completed()
    assert report["files"] == {"seen": 2, "cleaned": 0, "skipped": 2, "failed": 0}
    assert outputs(out) == before


def test_changed_input_deleted_output_and_new_rules_are_cleaned_again(
    raw: Path, tmp_path: Path
) -> None:
    out = tmp_path / "clean"
    run_flow(raw, out)
    changed = raw / SEED_FILES[0].name
    changed.write_bytes(changed.read_bytes() + b"\nOne more sentence at the end.\n")
    _, report = run_flow(raw, out)
    assert report["files"]["cleaned"] == 1
    assert "One more sentence at the end." in (out / f"{SEED_FILES[0].stem}.txt").read_text()
    (out / f"{SEED_FILES[1].stem}.txt").unlink()
    _, report = run_flow(raw, out)
    assert (report["files"]["cleaned"], report["files"]["skipped"]) == (1, 1)
    assert (out / f"{SEED_FILES[1].stem}.txt").exists()
    _, report = run_flow(raw, out, disabled_kinds=["trailer"])
    assert report["files"]["cleaned"] == 2


def test_a_bad_file_fails_alone_and_fails_the_run(raw: Path, tmp_path: Path) -> None:
    (raw / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08 this is not gzip data")
    out = tmp_path / "clean"
    state, report = run_flow(raw, out)
    assert state.is_failed()
    assert report["files"] == {"seen": 3, "cleaned": 2, "skipped": 0, "failed": 1}
    (failure,) = report["failures"]
    assert failure["path"].endswith("broken.txt.gz")
    assert "not a valid gzip file" in failure["error"]
    assert all((out / f"{s.stem}.txt").exists() for s in SEED_FILES)
    assert not list(out.glob("broken*"))


def test_the_corpus_drops_an_article_whose_input_now_fails(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run_flow(raw, out)
    (raw / SEED_FILES[0].name).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    state, _ = run_flow(raw, out)
    assert state.is_failed()
    ids = [json.loads(line)["id"] for line in (out / "articles.jsonl").read_text().splitlines()]
    assert ids == [SEED_FILES[1].stem]


def test_serve_deployment_runs_every_15_minutes_one_at_a_time() -> None:
    from flows.serve import build_deployment, deployment_options

    deployment = build_deployment(deployment_options("/data/raw", "/data/clean"))
    assert deployment.name == "scheduled-clean"
    assert deployment.entrypoint == "flows/clean_folder.py:clean_folder"
    assert [s.schedule.cron for s in deployment.schedules] == ["*/15 * * * *"]
    assert deployment.concurrency_limit == 1
    assert deployment.parameters == {"raw_dir": "/data/raw", "out_dir": "/data/clean"}
    custom = build_deployment(deployment_options("r", "c", cron="0 * * * *", target_language="de"))
    assert [s.schedule.cron for s in custom.schedules] == ["0 * * * *"]
    assert custom.parameters["target_language"] == "de"


def test_dask_runner_gives_byte_identical_outputs(raw: Path, tmp_path: Path) -> None:
    """A real local Dask cluster on loopback, reporting to the same Prefect server."""
    from flows.clean_folder import run

    default_out, dask_out = tmp_path / "default", tmp_path / "dask"
    assert run(raw_dir=str(raw), out_dir=str(default_out), workers=2).is_completed()
    state = run(dask=True, raw_dir=str(raw), out_dir=str(dask_out), workers=2, batch_size=1)
    assert state.is_completed()
    report = json.loads(
        (dask_out / "_runs" / f"{state.state_details.flow_run_id}.json").read_text()
    )
    assert report["files"]["cleaned"] == 2
    assert outputs(dask_out) == outputs(default_out)


def test_a_crashed_batch_fails_each_of_its_files(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.clean_folder

    def crash(*args: object) -> None:
        msg = "worker bug"
        raise ValueError(msg)

    monkeypatch.setattr(flows.clean_folder, "supervisor", crash)
    state, report = run_flow(raw, tmp_path / "clean", batch_size=10)
    assert state.is_failed()
    assert report["files"] == {"seen": 2, "cleaned": 0, "skipped": 0, "failed": 2}
    assert all("batch failed: ValueError('worker bug')" in f["error"] for f in report["failures"])


def test_each_run_writes_its_page_and_links_it_from_the_ui(raw: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    out = tmp_path / "clean"
    state, report = run_flow(raw, out)
    page = out / "_runs" / f"{state.state_details.flow_run_id}.html"
    text = page.read_text(encoding="utf-8")
    blob = text.split('<script type="application/json" id="data">')[1].split("</script>")[0]
    data = json.loads(blob)
    assert [a["n"] for a in data["a"]] == [s.stem for s in SEED_FILES]
    removed = sum(1 for a in data["a"] for line in a["l"] if line[1] >= 0)
    assert removed == sum(report["removed_by_kind"].values())
    assert "Files in this run" in text
    only_this_run = ArtifactFilter(
        flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])
    )
    with get_client(sync_client=True) as client:
        artifacts = {a.key: a for a in client.read_artifacts(artifact_filter=only_this_run)}
    assert page.resolve().as_uri() in artifacts["clean-folder-report"].data
    assert page.resolve().as_uri() in artifacts["clean-folder-summary"].data
    state, _ = run_flow(raw, out)  # nothing to clean: a page with no article
    page = out / "_runs" / f"{state.state_details.flow_run_id}.html"
    assert '{"a":[],"m":[]}' in page.read_text(encoding="utf-8")


def test_runs_folder_keeps_the_newest_reports_only(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run_flow(raw, out)
    state, _ = run_flow(raw, out, keep_runs=1)
    run_id = state.state_details.flow_run_id
    assert sorted(p.name for p in (out / "_runs").iterdir()) == [f"{run_id}.html", f"{run_id}.json"]


def test_failed_files_are_named_on_the_console_and_in_the_ui_log(
    raw: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    for index in range(12):
        (raw / f"picture{index:02d}.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = tmp_path / "clean"
    state, report = run_flow(raw, out)
    assert state.is_failed()
    assert state.message == "12 of 14 file(s) failed"
    err = capfd.readouterr().err
    named = [line for line in err.splitlines() if line.startswith("clean-folder: failed: ")]
    assert len(named) == 10
    assert named[0] == (
        f"clean-folder: failed: {raw}/picture00.txt: this is a PNG image, not text; "
        "remove it from the input folder"
    )
    report_path = out / "_runs" / f"{state.state_details.flow_run_id}.json"
    assert f"clean-folder: ... and 2 more, all in {report_path}" in err
    assert f"clean-folder: 12 of 14 file(s) failed (listed in {report_path})" in err
    assert "Traceback" not in err
    assert len(report["failures"]) == 12
    only_this_run = LogFilter(
        flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])
    )
    APILogHandler().flush()  # the handler sends from a background worker: wait for it
    with get_client(sync_client=True) as client:
        messages = [log.message for log in client.read_logs(log_filter=only_this_run)]
    failed = [m for m in messages if m.startswith("failed: ")]
    assert len(failed) == 12
    assert f"failed: {raw}/picture11.txt: this is a PNG image" in "\n".join(failed)
    assert [m for m in messages if ": 14 file(s): 2 cleaned, 0 unchanged, 12 failed in " in m]
    assert not [m for m in messages if "Traceback" in m]


def test_a_deployment_run_with_failed_files_ends_failed_without_a_traceback(
    raw: Path, tmp_path: Path
) -> None:
    """As ``make serve`` runs it: a flow run of the deployment, executed by ``prefect.engine``
    in its own process (which turns a Failed final state into an exception and logs it)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.deployments import run_deployment
    from prefect.settings import get_current_settings

    from flows.serve import build_deployment, deployment_options

    (raw / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = tmp_path / "clean"
    options = deployment_options(str(raw), str(out), name="engine-test")
    build_deployment(options).apply()
    flow_run = run_deployment("clean-folder/engine-test", timeout=0)
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    engine = subprocess.run(
        [sys.executable, "-m", "prefect.engine", str(flow_run.id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in engine.stderr, engine.stderr
    assert f"clean-folder: failed: {raw}/b.txt: this is a PNG image" in engine.stderr
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(flow_run.id).state.is_failed()
        only_this_run = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run.id]))
        messages = [log.message for log in client.read_logs(log_filter=only_this_run)]
    assert (
        f"failed: {raw}/b.txt: this is a PNG image, not text; remove it from the input folder"
        in messages
    )
    assert not [m for m in messages if "Traceback" in m]


def test_a_limit_is_named_in_the_flow_s_terms(raw: Path, tmp_path: Path) -> None:
    state, report = run_flow(raw, tmp_path / "clean", max_bytes=1024)
    assert state.is_failed()
    errors = [failure["error"] for failure in report["failures"]]
    assert len(errors) == 2
    assert all("Raise the limit (flow parameter max_bytes, --max-bytes)" in e for e in errors)


def test_the_flow_on_dask_from_the_command_line_prints_its_summary_only(
    raw: Path, tmp_path: Path
) -> None:
    """``python -m flows.clean_folder --dask``: the task is the importable module's (run as
    __main__ it could not be sent to a worker), and distributed's INFO lines are not shown."""
    from prefect.settings import get_current_settings

    out = tmp_path / "clean"
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    env.pop("DASK_LOGGING__DISTRIBUTED", None)
    command = [sys.executable, "-m", "flows.clean_folder", "--raw", str(raw), "--out", str(out)]
    result = subprocess.run(
        [*command, "--dask", "--workers", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert ": 2 file(s): 2 cleaned, 0 unchanged, 0 failed in " in lines[0]
    assert lines[1].startswith(f"clean-folder: report {out}/_runs/")


def test_the_time_limit_stops_a_file_inside_one_step_in_the_flow(tmp_path: Path) -> None:
    """Issue 17: a page whose extraction alone runs for minutes is stopped at the flow's
    ``max_seconds`` and reported failed; the other files are cleaned."""
    from tests.bad_inputs import huge_page

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text("The talks resumed on Tuesday, officials said.")
    (raw / "huge.html").write_bytes(huge_page())
    state, report = run_flow(raw, out, max_seconds=2)
    assert state.is_failed()
    assert report["files"]["cleaned"] == 1
    (failure,) = report["failures"]
    assert "huge.html: cleaning took longer than the time limit of 2 s" in failure["error"]


def test_the_time_limit_stops_a_file_inside_one_step_on_dask(tmp_path: Path) -> None:
    """Issue 17: on Dask the limit was checked between steps only (Dask's workers are
    daemonic, so no stoppable worker could run under them). On a real local cluster the page
    is stopped at its limit and the other file is cleaned."""
    from flows.clean_folder import run
    from tests.bad_inputs import huge_page

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text("The talks resumed on Tuesday, officials said.")
    (raw / "huge.html").write_bytes(huge_page())
    state = run(dask=True, raw_dir=str(raw), out_dir=str(out), workers=1, max_seconds=2)
    assert state.is_failed()
    report = json.loads((out / "_runs" / f"{state.state_details.flow_run_id}.json").read_text())
    assert report["files"]["cleaned"] == 1
    (failure,) = report["failures"]
    assert "huge.html: cleaning took longer than the time limit of 2 s" in failure["error"]


def test_a_link_planted_as_runs_is_never_written_or_pruned_through(
    raw: Path, tmp_path: Path
) -> None:
    # Issue 17, item 9: `_runs` as a symlink got the run report, and pruning deleted there.
    from flows.clean_folder import clean_folder

    out = tmp_path / "clean"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.json").write_text("{}")
    out.mkdir()
    (out / "_runs").symlink_to(elsewhere)
    state = clean_folder(raw_dir=str(raw), out_dir=str(out), workers=1, return_state=True)
    assert state.is_failed()
    assert "_runs is a symbolic link, which a run never writes through" in str(state.message)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.json"]
    assert (out / "_runs").is_symlink()


def test_jsonl_and_warc_records_in_the_folder_are_cleaned_on_every_run(
    raw: Path, tmp_path: Path
) -> None:
    """Files of their own are skipped when current; records have no file of their own to
    fingerprint, so they are cleaned again, to the same bytes; the corpus holds both."""
    from tests.warcs import crawl, gzipped

    page = (ROOT / "tests" / "fixtures" / "page.html").read_bytes()
    text = SEED_FILES[0].read_text()
    lines = [{"id": "j1", "text": text}, {"id": "j2", "html": page.decode()}, {"id": "j3"}]
    (raw / "feed.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    (raw / "crawl.warc.gz").write_bytes(gzipped(crawl(page, b"A story of one line.\n")))
    out = tmp_path / "clean"
    state, report = run_flow(raw, out, parquet=True)
    assert state.is_failed()  # j3 has no text
    assert report["files"] == {"seen": 7, "cleaned": 6, "skipped": 0, "failed": 1}
    assert (
        "feed.jsonl line 3 (id j3): the record has no 'html' or 'text'"
        in (report["failures"][0]["error"])
    )
    assert (out / "feed" / "j1.txt").read_bytes() == (
        out / f"{SEED_FILES[0].stem}.txt"
    ).read_bytes()
    first = outputs(out)
    ids = [json.loads(line)["id"] for line in first["articles.jsonl"].decode().splitlines()]
    assert len(ids) == 6 and "feed/j2" in ids and "articles.parquet" in first
    state, report = run_flow(raw, out, parquet=True)
    assert report["files"] == {"seen": 7, "cleaned": 4, "skipped": 2, "failed": 1}
    assert outputs(out) == first


def test_the_flow_refuses_remote_locations_before_starting() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flows.clean_folder", "--out", "s3://bucket/out"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "clean-folder: s3://bucket/out: remote locations are not supported; give a local path\n"
    )
