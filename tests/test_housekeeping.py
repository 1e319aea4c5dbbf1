"""Quiet defaults for the processes this project starts, and the serve banner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SHOW = (
    "import flows, os; from prefect._internal.analytics.enabled import is_telemetry_enabled; "
    "print(os.environ.get('DO_NOT_TRACK'), os.environ.get('PREFECT_SERVER_ANALYTICS_ENABLED'), "
    "os.environ.get('DASK_LOGGING__DISTRIBUTED'), is_telemetry_enabled())"
)
QUIET = ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED", "DASK_LOGGING__DISTRIBUTED", "CI")


def settings_after_import(**given: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in QUIET} | given
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_analytics_are_off_and_dask_quiet_unless_the_user_said_otherwise() -> None:
    assert settings_after_import() == "1 false warning False"
    assert settings_after_import(DO_NOT_TRACK="0") == "0 None warning True"
    assert settings_after_import(
        PREFECT_SERVER_ANALYTICS_ENABLED="true", DASK_LOGGING__DISTRIBUTED="info"
    ) == ("None true info True")


def test_the_serve_banner_gives_a_command_that_reaches_the_served_server(monkeypatch) -> None:
    from flows.serve import banner

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    prefect = Path(sys.executable).with_name("prefect")
    assert banner("scheduled-clean").splitlines()[1] == (
        f"  PREFECT_API_URL=http://127.0.0.1:4200/api {prefect} deployment run "
        "'clean-folder/scheduled-clean'"
    )
