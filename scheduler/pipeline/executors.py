"""Where independent plans are computed: local spawned processes or a Dask cluster.

A plan is a pure function of its scenario and settings, so what-if runs
(`scheduler.analysis.compare`) and the authorities of a decomposed scenario
(`scheduler.pipeline.decompose`) fan out the same way; both take any
`concurrent.futures.Executor` and get results back to merge or write locally.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

PARENT_WATCH_SECONDS = 1.0
"""How often a local worker looks whether the process that started it is still there."""


def local_executor(jobs: int) -> concurrent.futures.Executor:
    """Spawned processes: no solver state is shared with the parent or between runs. Each
    ends itself once its parent is gone, however the parent ended."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_end_with_parent,
        initargs=(os.getpid(),),
    )


def _end_with_parent(parent: int) -> None:
    """A parent killed (SIGTERM, SIGKILL) runs no clean-up and so cannot stop its pool; a
    worker would plan on for nobody for minutes. A daemon thread in each worker ends it
    once it has been handed to another parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent watch", daemon=True).start()


LOCAL_CLUSTER = "local:"
"""`--dask local:N`: a Dask LocalCluster of N single-threaded worker processes, started
for the one command and closed after it, to try the Dask path without a cluster."""


class MissingDaskError(ImportError):
    """A Dask address was given but the `dask` extra is not installed."""


def local_cluster_workers(address: str) -> int | None:
    """N for a `local:N` address, None for a scheduler address; raises ValueError when N
    is not a positive whole number."""
    if not address.startswith(LOCAL_CLUSTER):
        return None
    text = address.removeprefix(LOCAL_CLUSTER)
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{address!r}: give local:N with N a positive whole number of workers")
    return int(text)


@contextlib.contextmanager
def open_client(dask: str, timeout: float | None = None) -> Iterator[Any]:
    """A `distributed.Client` of the Dask scheduler at `dask` (tcp://host:8786), or of a
    LocalCluster (`local:N`) started here and closed with the client. `timeout`: seconds
    to wait for the scheduler (None: Dask's own setting). Raises `MissingDaskError`
    without the `dask` extra, ValueError for a bad `local:N`, OSError when no scheduler
    answers."""
    n_local = local_cluster_workers(dask)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingDaskError("--dask needs the dask extra: pip install -e '.[dask]'") from None

    with contextlib.ExitStack() as stack:
        address: object = dask
        if n_local is not None:
            address = stack.enter_context(
                LocalCluster(n_workers=n_local, threads_per_worker=1, dashboard_address=None)
            )
        extra = {} if timeout is None else {"timeout": timeout}
        client = Client(address, **extra)
        # Closed, not exited as a context: the web app opens it in one thread and closes
        # it in another, where Client.__exit__ cannot reset its "current client".
        stack.callback(client.close)
        yield client


@contextlib.contextmanager
def open_executor(
    jobs: int, dask: str | None = None
) -> Iterator[tuple[concurrent.futures.Executor, int]]:
    """`jobs` local processes, the Dask scheduler at `dask` (tcp://host:8786) or a
    LocalCluster (`local:N`), and how many plans it computes at once. Raises
    `MissingDaskError` without the `dask` extra, ValueError for a bad `local:N`."""
    if dask is None:
        with local_executor(jobs) as pool:
            yield pool, jobs
        return
    with open_client(dask) as client:
        yield client.get_executor(), max(1, sum(client.nthreads().values()))
