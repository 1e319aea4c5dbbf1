"""Prefect orchestration over the ``pipeline`` library. Thin: no decision about text is made here.

Importing this package sets quiet defaults before Prefect is imported (a user's own settings
win), and the processes it starts (the Prefect server, Dask workers) inherit them: no analytics,
Prefect's own logs and Dask's at WARNING so a run prints one summary line instead of a line per
task run or worker event, and a start-up timeout long enough for the embedded server's first
start.
"""

from __future__ import annotations

import os

# Prefect 3.8 has two switches (prefect/_internal/analytics/enabled.py and the server's
# setting): the client's usage data and its first-run notice follow DO_NOT_TRACK, the server's
# PREFECT_SERVER_ANALYTICS_ENABLED. A user who set either has decided: leave both alone.
if "DO_NOT_TRACK" not in os.environ and "PREFECT_SERVER_ANALYTICS_ENABLED" not in os.environ:
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
# distributed logs every worker's start, connection and stop at INFO (~67 lines a run).
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
# The embedded server's first start creates its database (13-22 s measured here); Prefect's
# default 20 s wait fails a first `make run` on a busy machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
