"""Where independent plans are computed: local spawned processes or a Dask cluster.

A plan is a pure function of its scenario and settings, so what-if runs
(`scheduler.compare`) and the authorities of a decomposed scenario
(`scheduler.decompose`) fan out the same way; both take any
`concurrent.futures.Executor` and get results back to merge or write locally.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
from collections.abc import Iterator


def local_executor(jobs: int) -> concurrent.futures.Executor:
    """Spawned processes: no solver state is shared with the parent or between runs."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn")
    )


class MissingDaskError(ImportError):
    """A Dask address was given but the `dask` extra is not installed."""


@contextlib.contextmanager
def open_executor(
    jobs: int, dask: str | None = None
) -> Iterator[tuple[concurrent.futures.Executor, int]]:
    """`jobs` local processes, or the Dask scheduler at `dask` (tcp://host:8786), and how
    many plans it computes at once. Raises `MissingDaskError` without the `dask` extra."""
    if dask is None:
        with local_executor(jobs) as pool:
            yield pool, jobs
        return
    try:
        from distributed import Client
    except ImportError:
        raise MissingDaskError("--dask needs the dask extra: pip install -e '.[dask]'") from None

    with Client(dask) as client:
        yield client.get_executor(), max(1, sum(client.nthreads().values()))
