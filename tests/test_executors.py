"""Local worker processes end with the process that started them, however it ended."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from scheduler.pipeline.executors import PARENT_WATCH_SECONDS

PARENT = """
import time
from scheduler.pipeline.executors import local_executor
with local_executor(1) as pool:
    pid = pool.submit(__import__("os").getpid).result()
    print(pid, flush=True)
    pool.submit(time.sleep, 600)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for every purpose here, but still answers kill(0).
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[1][0] != "Z"


def test_a_killed_parents_workers_end_instead_of_running_on() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    parent.kill()  # SIGKILL: no clean-up of any kind runs in the parent
    parent.wait()
    ends = time.monotonic() + 10 * PARENT_WATCH_SECONDS
    while _alive(worker) and time.monotonic() < ends:
        time.sleep(0.1)
    assert not _alive(worker)
