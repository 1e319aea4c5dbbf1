from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.errors import OutputError
from pipeline.lock import LOCK_NAME, output_lock

HOLD = """
import sys, time
from pathlib import Path
from pipeline.lock import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_second_run_waits_and_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    messages: list[str] = []
    acquired = threading.Event()

    def second_run() -> None:
        with output_lock(tmp_path, on_wait=messages.append):
            acquired.set()

    thread = threading.Thread(target=second_run)
    thread.start()
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        time.sleep(0.01)
    assert messages == [f"waiting for another run writing to {tmp_path} to finish"]
    assert not acquired.is_set()
    holder.kill()  # SIGKILL: no clean-up code runs, the kernel drops the lock
    holder.wait()
    thread.join(timeout=10)
    assert acquired.is_set()
    assert (tmp_path / LOCK_NAME).read_bytes() == b""


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "clean"
    blocker.write_text("a file where the output folder should be")
    expected = r"cannot write .*clean/\.article-clean\.lock: .*nothing was cleaned"
    with pytest.raises(OutputError, match=expected), output_lock(blocker):
        pass
