"""Prefect orchestration over the ``pipeline`` library. Thin: no decision about text is made here.

Importing this package sets quiet defaults before Prefect is imported (a user's own settings
win): no analytics, and Prefect's own logs at WARNING so a run prints one summary line instead
of a line per task run.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
