"""Prefect orchestration over the ``pipeline`` library. Thin: no decision about text is made here.

Importing this package sets quiet defaults before Prefect is imported (a user's own settings
win): no analytics, Prefect's own logs at WARNING so a run prints one summary line instead of a line
per task run, and a start-up timeout long enough for the embedded server's first start.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
# The embedded server's first start creates its database (13-22 s measured here); Prefect's
# default 20 s wait fails a first `make run` on a busy machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
