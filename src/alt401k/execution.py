"""Cutting a run into chunks of scenarios, and running the chunks: serially,
on threads, on processes or on a Dask cluster.

Seeding lives in :mod:`alt401k._random`: random numbers are tied to fixed
blocks of scenarios, so the chunk size and the executor chosen here change
memory use and speed but never the numbers. Each chunk is computed by the
same function from the same inputs wherever it runs, and results are
gathered in chunk order, so every executor and worker count gives the same
bits as a serial run.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Literal, TypeAlias, TypeVar

from ._random import BLOCK_SIZE
from ._validation import check_int

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "EXECUTORS",
    "PATHS_LIMIT",
    "ExecutorLike",
    "check_executor",
    "check_n_scenarios",
    "chunk_ranges",
    "default_workers",
    "map_ordered",
    "parallel",
    "shutdown_workers",
]

#: Scenarios simulated together; about 40 MB of float64 paths per 1,000
#: scenarios x 40 years monthly x 13 assets.
DEFAULT_CHUNK_SIZE = 2 * BLOCK_SIZE

MAX_SCENARIOS = 10_000_000

#: Largest run that keeps every scenario's paths unless told otherwise
#: (``keep_paths=None``): a pool run's paths take about 15 KB a scenario over 20
#: years, a saver's over 65 years about as much, so 1.5 GB here; larger runs keep
#: statistics, whose memory does not grow with the scenarios.
PATHS_LIMIT = 100_000

#: Executors named by a string.
EXECUTORS = ("serial", "threads", "processes", "dask")

ExecutorLike: TypeAlias = Literal["serial", "threads", "processes", "dask"] | Executor | Any
"""``"serial"``, ``"threads"``, ``"processes"``, ``"dask"``, a
:class:`concurrent.futures.Executor` or a ``distributed.Client``."""

_R = TypeVar("_R")


def check_n_scenarios(n_scenarios: int) -> int:
    """Validate a scenario count: an integer between 1 and 10,000,000."""
    return check_int("n_scenarios", n_scenarios, low=1, high=MAX_SCENARIOS)


def chunk_ranges(
    n_scenarios: int, chunk_size: int | None = None, *, n_workers: int = 1
) -> list[tuple[int, int]]:
    """Split ``range(n_scenarios)`` into consecutive ``(start, stop)`` chunks.

    Parameters
    ----------
    n_scenarios : int
        Total scenarios, >= 1.
    chunk_size : int, optional
        Scenarios per chunk, >= 1; default :data:`DEFAULT_CHUNK_SIZE`.
        Results never depend on it, but speed does: random numbers are
        drawn for whole seed blocks of :data:`~alt401k._random.BLOCK_SIZE`
        (1,000) scenarios, so a chunk that is not a multiple of the block
        would draw the blocks it touches in full and keep only its rows (a
        chunk size of 1 would be about 100x slower). The size is therefore
        rounded up to a multiple of the block (1 becomes 1,000; 2,500
        becomes 3,000); memory grows with the rounded size. Every chunk
        boundary is thus a block boundary, which is what lets streamed
        statistics (:class:`alt401k.results.StreamedStats`) be reduced block
        by block in the same order whatever the chunk size.
    n_workers : int
        Workers the chunks will be spread over. With more than one and no
        ``chunk_size``, chunks shrink (down to one block) until there are at
        least four per worker, so that no worker idles while another
        finishes a last large chunk.
    """
    n_scenarios = check_n_scenarios(n_scenarios)
    if chunk_size is None:
        size = DEFAULT_CHUNK_SIZE
        # Four chunks a worker: the last round then idles a worker for at most a quarter
        # of its share (measured on the W2 pool, 10,000 scenarios on 2 processes: 5
        # chunks took 4.1 s, 10 took 2.7 s).
        if n_workers > 1:
            size = min(
                size, max(BLOCK_SIZE, n_scenarios // (4 * n_workers) // BLOCK_SIZE * BLOCK_SIZE)
            )
    else:
        size = check_int("chunk_size", chunk_size, low=1)
    size = -(-size // BLOCK_SIZE) * BLOCK_SIZE  # whole seed blocks
    return [(start, min(start + size, n_scenarios)) for start in range(0, n_scenarios, size)]


def parallel(executor: ExecutorLike, n_workers: int) -> int:
    """Workers a validated executor spreads chunks over: 1 for ``"serial"``."""
    return 1 if executor == "serial" else n_workers


def default_workers() -> int:
    """Cores this process may use (its CPU affinity where the platform reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _is_dask_client(value: object) -> bool:
    return any(
        cls.__name__ == "Client" and cls.__module__.split(".")[0] == "distributed"
        for cls in type(value).__mro__
    )


def check_executor(executor: ExecutorLike, n_workers: int | None = None) -> tuple[Any, int]:
    """Validate ``executor`` and ``n_workers``; return them normalized.

    Parameters
    ----------
    executor : str, concurrent.futures.Executor or distributed.Client
        ``"serial"`` (one chunk after another in this process), ``"threads"``
        (a thread pool: numpy's generators and array operations release the
        GIL), ``"processes"`` (a pool of worker processes, kept between runs:
        see :func:`shutdown_workers`), ``"dask"`` (a
        ``distributed.LocalCluster`` started for the call and closed after
        it; needs the ``dask`` extra), or an executor or Dask client of the
        caller's, used as is and left open.
    n_workers : int, optional
        Workers for ``"threads"``, ``"processes"`` and ``"dask"``, 1 to 1,024;
        default: the cores this process may use (:func:`default_workers`).
        Also bounds the chunks in flight (twice the workers) for a caller's
        own executor. Ignored by ``"serial"``.

    Returns
    -------
    (executor, n_workers)
    """
    workers = (
        default_workers()
        if n_workers is None
        else check_int("n_workers", n_workers, low=1, high=1024)
    )
    if isinstance(executor, str):
        if executor not in EXECUTORS:
            raise ValueError(
                f"executor must be one of {', '.join(repr(e) for e in EXECUTORS)}, a "
                f"concurrent.futures.Executor or a distributed.Client; got {executor!r}"
            )
        if executor == "dask":
            _import_distributed()
        return executor, workers
    if isinstance(executor, Executor) or _is_dask_client(executor):
        return executor, workers
    raise TypeError(
        f"executor must be one of {', '.join(repr(e) for e in EXECUTORS)}, a "
        f"concurrent.futures.Executor or a distributed.Client; got {type(executor).__name__}"
    )


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError(
            "executor='dask' needs dask.distributed: pip install 'alt401k[dask]'"
        ) from None
    return distributed


# The process pool is kept between runs, so that a later run does not start (and import
# alt401k, numpy and numba in) fresh workers; shutdown_workers() stops it.
_POOL: dict[str, Any] = {}
_POOL_LOCK = threading.Lock()


def _process_pool(n_workers: int) -> ProcessPoolExecutor:
    with _POOL_LOCK:
        pool = _POOL.get("pool")
        if pool is None or _POOL.get("n_workers") != n_workers:
            if pool is not None:
                pool.shutdown(wait=True)
            pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=_process_context())
            _POOL.update(pool=pool, n_workers=n_workers)
        return pool


def shutdown_workers() -> None:
    """Stop the worker processes that ``executor="processes"`` keeps between runs.

    Runs on ``"processes"`` reuse one pool of worker processes (started on
    first use, with alt401k already imported), so that only the first run of a
    session pays for starting them; they hold their imports' memory while
    idle. Call this to release them; the next run starts a new pool. Also
    called at interpreter exit.
    """
    with _POOL_LOCK:
        pool = _POOL.pop("pool", None)
        _POOL.pop("n_workers", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_workers)


def _process_context() -> Any:
    # fork is unsafe in a process that runs threads (BLAS, Dask, the caller's own);
    # forkserver starts workers from a clean server process where it exists.
    # The server imports alt401k once, so each worker starts with it loaded.
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["alt401k"])
        return context
    return multiprocessing.get_context("spawn")


@contextmanager
def _submitter(
    executor: Any, n_workers: int, fn: Callable[..., _R], shared: tuple[Any, ...]
) -> Iterator[Callable[[tuple[Any, ...]], Any]]:
    """A ``submit(item)`` returning a future of ``fn(*shared, *item)``."""
    if executor == "threads":
        with ThreadPoolExecutor(max_workers=n_workers) as threads:
            yield lambda item: threads.submit(fn, *shared, *item)
    elif executor == "processes":
        processes = _process_pool(n_workers)
        yield lambda item: processes.submit(fn, *shared, *item)
    elif executor == "dask":
        distributed = _import_distributed()
        with (
            distributed.LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            with _dask_submitter(client, fn, shared) as submit:
                yield submit
    elif _is_dask_client(executor):
        with _dask_submitter(executor, fn, shared) as submit:
            yield submit
    else:  # a concurrent.futures.Executor of the caller's
        yield lambda item: executor.submit(fn, *shared, *item)


@contextmanager
def _dask_submitter(
    client: Any, fn: Callable[..., _R], shared: tuple[Any, ...]
) -> Iterator[Callable[[tuple[Any, ...]], Any]]:
    # The shared inputs go to every worker once; tasks refer to them by future.
    handles = client.scatter(list(shared), broadcast=True, hash=False) if shared else []
    try:
        yield lambda item: client.submit(fn, *handles, *item, pure=False)
    finally:
        if handles:
            client.cancel(handles)


def map_ordered(
    fn: Callable[..., _R],
    items: Sequence[tuple[Any, ...]],
    *,
    shared: tuple[Any, ...] = (),
    executor: ExecutorLike = "serial",
    n_workers: int | None = None,
) -> Iterator[_R]:
    """Yield ``fn(*shared, *item)`` for each item, in the order of ``items``.

    At most twice ``n_workers`` items are in flight, so results waiting to be
    consumed stay bounded whatever the number of items: memory is set by
    the chunk size, not by the run's size. ``fn`` must be a module-level
    function and its arguments picklable for ``"processes"`` and Dask (the
    shared arguments are sent with each item: a pool run's are under 1 MB).

    Parameters
    ----------
    fn : callable
    items : sequence of tuples
        Per-call arguments, e.g. ``(start, stop)`` of each chunk.
    shared : tuple
        Leading arguments common to every call, sent to each worker once.
    executor, n_workers
        See :func:`check_executor`.
    """
    executor, n_workers = check_executor(executor, n_workers)
    if executor == "serial" or len(items) == 0:
        for item in items:
            yield fn(*shared, *item)
        return
    window = 2 * n_workers  # each worker busy with one chunk and one waiting
    with _submitter(executor, n_workers, fn, shared) as submit:
        pending: deque[Any] = deque()
        try:
            for item in items:
                pending.append(submit(item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as exc:
            shutdown_workers()  # the next run starts a fresh pool
            raise RuntimeError(
                "a worker process of executor='processes' died. Usual causes: the machine ran "
                "out of memory (pass a smaller chunk_size or fewer n_workers), or the script "
                "that started the run cannot be imported again by the workers (put its code "
                "under `if __name__ == '__main__':`, and do not run it from standard input)"
            ) from exc
        finally:
            for future in pending:
                future.cancel()
