"""Running the real command in its own process, without root's power over permissions.

Root reads and writes through any permission bits, so "this user may not read it" and "the
output folder is not writable" cannot be seen as root. When the tests run as root, the command
is started without the two capabilities that grant that power (CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH, dropped from the bounding set before ``exec``): the kernel then checks
permission bits for it as for any user, and the code under test meets a real EACCES. (Switching
to ``nobody`` would not do here: the interpreter lives under root's private home.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

CLI = str(Path(sys.executable).with_name("article-clean"))
# prctl(PR_CAPBSET_DROP, cap) for CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2), then exec.
DROP_AND_EXEC = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for cap in (1, 2):
    if libc.prctl(24, cap, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
os.execv(sys.argv[1], sys.argv[1:])
"""


def command(*args: str, ordinary_user: bool = False) -> list[str]:
    """``article-clean ARGS``; with ``ordinary_user``, as root without its permission bypass."""
    if ordinary_user and os.geteuid() == 0:
        return [sys.executable, "-c", DROP_AND_EXEC, CLI, *args]
    return [CLI, *args]


def run_cli(
    *args: str, ordinary_user: bool = False, timeout: float = 120, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Run the command in a new process; a hang fails the test instead of stalling the suite."""
    return subprocess.run(
        command(*args, ordinary_user=ordinary_user),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )
