"""Scheduled cleaning: ``make serve`` or ``python -m flows.serve``.

Serves the ``clean-folder`` flow as a deployment that runs every 15 minutes (``--cron`` to
change it), one run at a time (``global_limit=1``): a run that is still going when the next
is due makes the next wait, so two runs never write the same outputs. Each run is incremental,
so a quiet folder costs a hash per file.

Scheduling needs a real Prefect server. When ``PREFECT_API_URL`` is not set, this starts one
on 127.0.0.1:4200 (UI at http://127.0.0.1:4200) and stops it on Ctrl-C; when it is set, it
only serves against that server. It prints the command that triggers a run by hand from
another shell (with ``PREFECT_API_URL``: without it, ``prefect`` would start a temporary server
of its own and find no deployment).

Prefect is imported only after the server address is known: its settings are read at import.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

DEFAULT_CRON = "*/15 * * * *"
DEFAULT_NAME = "scheduled-clean"
HOST, PORT = "127.0.0.1", 4200
SERVER_START_SECONDS = 90


def deployment_options(
    raw_dir: str,
    out_dir: str,
    cron: str = DEFAULT_CRON,
    name: str = DEFAULT_NAME,
    rules_path: str | None = None,
    target_language: str | None = None,
) -> dict[str, Any]:
    """Everything the scheduled deployment is made of, as plain data."""
    parameters: dict[str, Any] = {"raw_dir": raw_dir, "out_dir": out_dir}
    if rules_path:
        parameters["rules_path"] = rules_path
    if target_language:
        parameters["target_language"] = target_language
    return {"name": name, "cron": cron, "concurrency_limit": 1, "parameters": parameters}


def build_deployment(options: dict[str, Any]) -> RunnerDeployment:
    """The RunnerDeployment that ``serve`` runs (``concurrency_limit`` is ``global_limit``)."""
    from flows.clean_folder import clean_folder

    # Prefect's sync/async dual API: called from sync code, this returns the deployment itself.
    return cast("RunnerDeployment", clean_folder.to_deployment(**options))


def start_server() -> subprocess.Popen[bytes]:
    """A local Prefect server on 127.0.0.1:4200; return once it answers its health check."""
    prefect = Path(sys.executable).with_name("prefect")
    # Its own session: Ctrl-C in the terminal reaches only ``serve``, which still needs the
    # server to shut down cleanly (it pauses the deployment's schedule); we stop it after.
    process = subprocess.Popen(
        [str(prefect), "server", "start", "--host", HOST, "--port", str(PORT)],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://{HOST}:{PORT}/api/health"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            status = process.returncode
            msg = f"the Prefect server exited with status {status}; is port {PORT} free?"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    process.terminate()
    msg = f"the Prefect server did not answer at {url} within {SERVER_START_SECONDS}s"
    raise RuntimeError(msg)


def banner(name: str) -> str:
    """What ``serve`` prints once it is up: the deployment and how to trigger it by hand."""
    prefect = Path(sys.executable).with_name("prefect")
    api = os.environ.get("PREFECT_API_URL", f"http://{HOST}:{PORT}/api")
    return (
        f"serving clean-folder/{name}; Ctrl-C stops it. To run it now, from another shell:\n"
        f"  PREFECT_API_URL={api} {prefect} deployment run 'clean-folder/{name}'"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve clean-folder on a schedule.")
    parser.add_argument("--raw", default="raw")
    parser.add_argument("--out", default="clean")
    parser.add_argument("--cron", default=DEFAULT_CRON, help=f"default '{DEFAULT_CRON}'")
    parser.add_argument("--name", default=DEFAULT_NAME, help="deployment name")
    parser.add_argument("--rules", help="a rules TOML file (default: the built-in)")
    parser.add_argument("--lang", help="target language code, or 'auto'")
    args = parser.parse_args(argv)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        print(f"starting a Prefect server: UI at http://{HOST}:{PORT}", file=sys.stderr)
        server = start_server()
        os.environ["PREFECT_API_URL"] = f"http://{HOST}:{PORT}/api"
    try:
        from prefect import serve

        options = deployment_options(
            str(Path(args.raw).resolve()),
            str(Path(args.out).resolve()),
            args.cron,
            args.name,
            args.rules,
            args.lang,
        )
        print(banner(args.name), file=sys.stderr)
        # Prefect's own banner suggests a bare `prefect deployment run`, which in another
        # shell (no PREFECT_API_URL) starts a second, temporary server: ours says what works.
        serve(build_deployment(options), print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
